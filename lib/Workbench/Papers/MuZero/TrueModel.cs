using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// AlphaZero's search model: the real rules of tic-tac-toe (embedding = the observation plus a "finished" flag), with
/// priors and values from an evaluator of real positions (a network's prediction, the oracle, or none: uniform priors and
/// value 0). Illegal moves get prior logit −∞; after the end of a game every action leads to an absorbing state with
/// reward 0 and discount 0.
/// </summary>
public sealed class TrueModel : ISearchModel
{
    /// <summary>Floats per embedding: the 18-float observation and the finished flag.</summary>
    public const int Size = TicTacToe.ObservationSize + 1;

    readonly Func<IReadOnlyList<TicTacToe>, (float[] Logits, float[] Values)>? _evaluate;

    /// <summary>Creates the simulator.</summary>
    /// <param name="evaluate">Priors (B × 9 logits) and values (B) of real positions that are not finished; null: uniform and 0.</param>
    public TrueModel(Func<IReadOnlyList<TicTacToe>, (float[] Logits, float[] Values)>? evaluate = null) => _evaluate = evaluate;

    /// <summary>A network's representation and prediction as the evaluator (AlphaZero mode).</summary>
    public static TrueModel WithNetwork(MuZeroNetwork network) => new(positions =>
    {
        var obs = new float[positions.Count * TicTacToe.ObservationSize];
        for (int b = 0; b < positions.Count; b++)
            positions[b].Observation(obs.AsSpan(b * TicTacToe.ObservationSize, TicTacToe.ObservationSize));
        var (_, logits, values) = NetworkInference.Initial(network, obs, positions.Count);
        return (logits, values);
    });

    /// <summary>The oracle's minimax values as the evaluator, with uniform priors (exact leaf values, for tests).</summary>
    public static TrueModel WithOracle() => new(positions =>
        (new float[positions.Count * TicTacToe.Cells], [.. positions.Select(p => (float)TicTacToeOracle.Instance.Value(p))]));

    /// <inheritdoc/>
    public int ActionCount => TicTacToe.Cells;

    /// <inheritdoc/>
    public int EmbeddingSize => Size;

    /// <summary>The embedding of a real position.</summary>
    public static void Embed(TicTacToe position, Span<float> into)
    {
        position.Observation(into);
        into[TicTacToe.ObservationSize] = position.IsTerminal ? 1 : 0;
    }

    /// <summary>The roots of B positions with the evaluator's priors and values.</summary>
    public SearchRoot Roots(IReadOnlyList<TicTacToe> positions)
    {
        int batch = positions.Count;
        var embeddings = new float[batch * Size];
        var legal = new bool[batch * TicTacToe.Cells];
        for (int b = 0; b < batch; b++)
        {
            Embed(positions[b], embeddings.AsSpan(b * Size, Size));
            for (int c = 0; c < TicTacToe.Cells; c++) legal[b * TicTacToe.Cells + c] = positions[b].IsLegal(c);
        }
        var (logits, values) = Evaluate(positions);
        return new SearchRoot(batch, embeddings, logits, values, legal);
    }

    /// <inheritdoc/>
    public void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> actions, Span<float> nextEmbeddings,
        Span<float> rewards, Span<float> discounts, Span<float> priorLogits, Span<float> values)
    {
        var live = new List<(int Row, TicTacToe Position)>();
        for (int b = 0; b < batch; b++)
        {
            var embedding = embeddings.Slice(b * Size, Size);
            var position = TicTacToe.FromObservation(embedding);
            var nextEmbedding = nextEmbeddings.Slice(b * Size, Size);
            var logits = priorLogits.Slice(b * TicTacToe.Cells, TicTacToe.Cells);
            if (embedding[TicTacToe.ObservationSize] > 0.5f)
            {
                embedding.CopyTo(nextEmbedding);
                (rewards[b], discounts[b], values[b]) = (0, 0, 0);
                logits.Clear();
                continue;
            }
            var (next, reward) = position.Play(actions[b]);
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
            for (int c = 0; c < TicTacToe.Cells; c++)
                priorLogits[row * TicTacToe.Cells + c] = position.IsLegal(c) ? liveLogits[i * TicTacToe.Cells + c] : float.NegativeInfinity;
        }
    }

    (float[] Logits, float[] Values) Evaluate(IReadOnlyList<TicTacToe> positions) => _evaluate is null
        ? (new float[positions.Count * TicTacToe.Cells], new float[positions.Count])
        : _evaluate(positions);
}
