using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero's search model: the learned dynamics and prediction functions on hidden states (embedding = hidden state);
/// no rule is consulted inside the tree. Two-player games back up with discount −1 (values from the mover's side,
/// negamax); a single-player task with its γ in (0, 1], so nothing is negated.
/// </summary>
/// <param name="Network">The trained network.</param>
/// <param name="Discount">The discount of every learned transition: −1 (two players, the default) or γ (one player).</param>
public sealed class LearnedModel(MuZeroNetwork Network, double Discount = -1) : ISearchModel
{
    /// <inheritdoc/>
    public int ActionCount => Network.Actions;

    /// <inheritdoc/>
    public int EmbeddingSize => Network.HiddenSize;

    /// <summary>Network calls made (one per simulation per search).</summary>
    public long Calls { get; private set; }

    /// <inheritdoc/>
    public void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> actions, Span<float> nextEmbeddings,
        Span<float> rewards, Span<float> discounts, Span<float> priorLogits, Span<float> values)
    {
        Calls++;
        var (next, r, logits, v) = NetworkInference.Recurrent(Network, embeddings.ToArray(), actions.ToArray(), batch);
        next.CopyTo(nextEmbeddings);
        r.CopyTo(rewards);
        discounts[..batch].Fill((float)Discount);
        logits.CopyTo(priorLogits);
        v.CopyTo(values);
    }

    /// <summary>The search roots of B positions: representation and prediction of their observations, their legal moves.</summary>
    public SearchRoot Roots<TGame>(IReadOnlyList<TGame> positions) where TGame : struct, IBoardGame<TGame>
    {
        int batch = positions.Count, O = TGame.ObservationSize, A = TGame.ActionCount;
        var obs = new float[batch * O];
        var legal = new bool[batch * A];
        for (int b = 0; b < batch; b++)
        {
            positions[b].Observation(obs.AsSpan(b * O, O));
            for (int c = 0; c < A; c++) legal[b * A + c] = positions[b].IsLegal(c);
        }
        return Roots(obs, legal, batch);
    }

    /// <summary>The search roots of B cart-pole states (both actions legal).</summary>
    public SearchRoot Roots(IReadOnlyList<CartPole> states)
    {
        int batch = states.Count;
        var obs = new float[batch * CartPole.ObservationSize];
        for (int b = 0; b < batch; b++) states[b].Observation(obs.AsSpan(b * CartPole.ObservationSize, CartPole.ObservationSize));
        var legal = new bool[batch * CartPole.ActionCount];
        Array.Fill(legal, true);
        return Roots(obs, legal, batch);
    }

    /// <summary>The search roots of B observations (B × O) with their legal-move masks (B × A).</summary>
    public SearchRoot Roots(float[] observations, bool[] legal, int batch)
    {
        var (hidden, logits, values) = NetworkInference.Initial(Network, observations, batch);
        return new SearchRoot(batch, hidden, logits, values, legal);
    }
}
