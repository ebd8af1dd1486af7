using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// The true simulator of <see cref="CartPole"/> as a search model (the single-player counterpart of
/// <see cref="BoardGameModel{TGame}"/>): embedding = x, ẋ, θ, θ̇, steps taken / 500 and a "finished" flag; each step pays
/// reward 1 (the terminating one included) with discount γ; after termination or the 500-step limit every action leads
/// to an absorbing state with reward 0, discount 0 and value 0. Leaf values and priors come from an evaluator of real
/// states (a network, or none: value 0 and uniform priors).
/// </summary>
/// <remarks>
/// The embedding holds the state in float32, so a search steps from states rounded to float (about 7 digits); the
/// environment itself (<see cref="CartPole"/>) keeps float64 as Gym does.
/// </remarks>
public sealed class CartPoleModel : ISearchModel
{
    /// <summary>Floats per embedding.</summary>
    public const int Size = CartPole.ObservationSize + 2;

    readonly Func<IReadOnlyList<CartPole>, (float[] Logits, float[] Values)>? _evaluate;

    /// <summary>Creates the simulator.</summary>
    /// <param name="discount">γ in (0, 1].</param>
    /// <param name="evaluate">Priors (B × 2 logits) and values (B) of unfinished states; null: uniform and 0.</param>
    /// <exception cref="ArgumentException">γ is outside (0, 1].</exception>
    public CartPoleModel(double discount, Func<IReadOnlyList<CartPole>, (float[] Logits, float[] Values)>? evaluate = null)
    {
        if (!(discount > 0 && discount <= 1))
            throw new ArgumentException($"discount = {discount} is out of range: a single-player task needs a discount in (0, 1].");
        Discount = discount;
        _evaluate = evaluate;
    }

    /// <summary>γ.</summary>
    public double Discount { get; }

    /// <inheritdoc/>
    public int ActionCount => CartPole.ActionCount;

    /// <inheritdoc/>
    public int EmbeddingSize => Size;

    /// <summary>The embedding of a real state.</summary>
    public static void Embed(CartPole state, Span<float> into)
    {
        state.Observation(into);
        into[CartPole.ObservationSize] = (float)state.Steps / CartPole.StepLimit;
        into[CartPole.ObservationSize + 1] = state.IsOver ? 1 : 0;
    }

    /// <summary>The state an embedding stands for (float32 precision).</summary>
    public static CartPole FromEmbedding(ReadOnlySpan<float> embedding) => new(embedding[0], embedding[1], embedding[2], embedding[3],
        (int)Math.Round(embedding[CartPole.ObservationSize] * CartPole.StepLimit));

    /// <summary>The roots of B unfinished states (both actions legal).</summary>
    /// <exception cref="ArgumentException">A state's episode is already over.</exception>
    public SearchRoot Roots(IReadOnlyList<CartPole> states)
    {
        int batch = states.Count;
        var embeddings = new float[batch * Size];
        for (int b = 0; b < batch; b++)
        {
            if (states[b].IsOver)
                throw new ArgumentException($"Search root {b} is a finished cart-pole episode: only unfinished states can be searched.");
            Embed(states[b], embeddings.AsSpan(b * Size, Size));
        }
        var legal = new bool[batch * CartPole.ActionCount];
        Array.Fill(legal, true);
        var (logits, values) = Evaluate(states);
        return new SearchRoot(batch, embeddings, logits, values, legal);
    }

    /// <inheritdoc/>
    public void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> actions, Span<float> nextEmbeddings,
        Span<float> rewards, Span<float> discounts, Span<float> priorLogits, Span<float> values)
    {
        const int A = CartPole.ActionCount;
        var live = new List<(int Row, CartPole State)>();
        for (int b = 0; b < batch; b++)
        {
            var embedding = embeddings.Slice(b * Size, Size);
            var nextEmbedding = nextEmbeddings.Slice(b * Size, Size);
            priorLogits.Slice(b * A, A).Clear();
            if (embedding[CartPole.ObservationSize + 1] > 0.5f)
            {
                embedding.CopyTo(nextEmbedding);
                (rewards[b], discounts[b], values[b]) = (0, 0, 0);
                continue;
            }
            var (next, reward) = FromEmbedding(embedding).Step(actions[b]);
            Embed(next, nextEmbedding);
            (rewards[b], discounts[b], values[b]) = ((float)reward, (float)Discount, 0);
            if (!next.IsOver) live.Add((b, next));
        }
        if (live.Count == 0 || _evaluate is null) return;
        var (liveLogits, liveValues) = _evaluate([.. live.Select(l => l.State)]);
        for (int i = 0; i < live.Count; i++)
        {
            var (row, _) = live[i];
            values[row] = liveValues[i];
            liveLogits.AsSpan(i * A, A).CopyTo(priorLogits.Slice(row * A, A));
        }
    }

    (float[] Logits, float[] Values) Evaluate(IReadOnlyList<CartPole> states) => _evaluate is null
        ? (new float[states.Count * CartPole.ActionCount], new float[states.Count])
        : _evaluate(states);
}
