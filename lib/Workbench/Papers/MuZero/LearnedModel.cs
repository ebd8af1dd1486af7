using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero's search model: the learned dynamics and prediction functions on hidden states (embedding = hidden state);
/// discount −1 (two players, values from the mover's side), no rule is consulted inside the tree.
/// </summary>
/// <param name="Network">The trained network.</param>
public sealed class LearnedModel(MuZeroNetwork Network) : ISearchModel
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
        discounts[..batch].Fill(-1);
        logits.CopyTo(priorLogits);
        v.CopyTo(values);
    }

    /// <summary>The search roots of B positions: representation and prediction of their observations, their legal moves.</summary>
    public SearchRoot Roots(IReadOnlyList<TicTacToe> positions)
    {
        int batch = positions.Count;
        var obs = new float[batch * TicTacToe.ObservationSize];
        var legal = new bool[batch * TicTacToe.Cells];
        for (int b = 0; b < batch; b++)
        {
            positions[b].Observation(obs.AsSpan(b * TicTacToe.ObservationSize, TicTacToe.ObservationSize));
            for (int c = 0; c < TicTacToe.Cells; c++) legal[b * TicTacToe.Cells + c] = positions[b].IsLegal(c);
        }
        var (hidden, logits, values) = NetworkInference.Initial(Network, obs, batch);
        return new SearchRoot(batch, hidden, logits, values, legal);
    }
}
