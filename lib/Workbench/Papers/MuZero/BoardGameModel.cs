using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// AlphaZero's search model for any <see cref="IBoardGame{TGame}"/> (tic-tac-toe through <see cref="TrueModel"/>, and
/// Connect-4): the real rules, embedding = the observation plus a "finished" flag, with priors and values from an
/// evaluator of real positions (a network, a solver, or none: uniform priors and value 0). Illegal moves get prior logit
/// −∞; a move's reward is for the mover and its discount −1 (negamax); after the end of a game every action leads to an
/// absorbing state with reward 0, discount 0 and value 0.
/// </summary>
/// <typeparam name="TGame">The game.</typeparam>
/// <param name="evaluate">Priors (B × A logits) and values (B, for the player to move) of unfinished positions; null:
/// uniform and 0.</param>
public sealed class BoardGameModel<TGame>(Func<IReadOnlyList<TGame>, (float[] Logits, float[] Values)>? evaluate = null)
    : ISearchModel where TGame : struct, IBoardGame<TGame>
{
    /// <summary>Floats per embedding: the observation and the finished flag.</summary>
    public static int Size => TGame.ObservationSize + 1;

    /// <inheritdoc/>
    public int ActionCount => TGame.ActionCount;

    /// <inheritdoc/>
    public int EmbeddingSize => Size;

    /// <summary>The embedding of a real position.</summary>
    public static void Embed(TGame position, Span<float> into)
    {
        position.Observation(into);
        into[TGame.ObservationSize] = position.IsTerminal ? 1 : 0;
    }

    /// <summary>The roots of B unfinished positions with the evaluator's priors and values and the legal-move masks.</summary>
    /// <exception cref="ArgumentException">A position is already finished (it has no legal move to search).</exception>
    public SearchRoot Roots(IReadOnlyList<TGame> positions)
    {
        int batch = positions.Count, A = TGame.ActionCount;
        var embeddings = new float[batch * Size];
        var legal = new bool[batch * A];
        for (int b = 0; b < batch; b++)
        {
            if (positions[b].IsTerminal)
                throw new ArgumentException($"Search root {b} is a finished game: only unfinished positions can be searched.");
            Embed(positions[b], embeddings.AsSpan(b * Size, Size));
            for (int a = 0; a < A; a++) legal[b * A + a] = positions[b].IsLegal(a);
        }
        var (logits, values) = Evaluate(positions);
        return new SearchRoot(batch, embeddings, logits, values, legal);
    }

    /// <inheritdoc/>
    public void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> actions, Span<float> nextEmbeddings,
        Span<float> rewards, Span<float> discounts, Span<float> priorLogits, Span<float> values)
    {
        int A = TGame.ActionCount;
        var live = new List<(int Row, TGame Position)>();
        for (int b = 0; b < batch; b++)
        {
            var embedding = embeddings.Slice(b * Size, Size);
            var nextEmbedding = nextEmbeddings.Slice(b * Size, Size);
            var logits = priorLogits.Slice(b * A, A);
            if (embedding[TGame.ObservationSize] > 0.5f)
            {
                embedding.CopyTo(nextEmbedding);
                (rewards[b], discounts[b], values[b]) = (0, 0, 0);
                logits.Clear();
                continue;
            }
            var (next, reward) = TGame.FromObservation(embedding).Play(actions[b]);
            Embed(next, nextEmbedding);
            (rewards[b], discounts[b]) = (reward, -1);
            if (next.IsTerminal)
            {
                values[b] = 0;
                logits.Clear();
            }
            else live.Add((b, next));
        }
        if (live.Count == 0) return;
        var (liveLogits, liveValues) = Evaluate([.. live.Select(l => l.Position)]);
        for (int i = 0; i < live.Count; i++)
        {
            var (row, position) = live[i];
            values[row] = liveValues[i];
            for (int a = 0; a < A; a++)
                priorLogits[row * A + a] = position.IsLegal(a) ? liveLogits[i * A + a] : float.NegativeInfinity;
        }
    }

    (float[] Logits, float[] Values) Evaluate(IReadOnlyList<TGame> positions) => evaluate is null
        ? (new float[positions.Count * TGame.ActionCount], new float[positions.Count])
        : evaluate(positions);
}
