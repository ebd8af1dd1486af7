namespace Workbench.Papers.MuZero;

/// <summary>
/// AlphaZero's search model for tic-tac-toe: <see cref="BoardGameModel{TGame}"/> with the real rules (embedding = the
/// observation plus a "finished" flag), and priors and values from a network's prediction or the oracle.
/// </summary>
public static class TrueModel
{
    /// <summary>Floats per embedding: the 18-float observation and the finished flag.</summary>
    public static int Size => BoardGameModel<TicTacToe>.Size;

    /// <summary>A network's representation and prediction as the evaluator (AlphaZero mode).</summary>
    public static BoardGameModel<TicTacToe> WithNetwork(MuZeroNetwork network) => new(positions =>
    {
        var obs = new float[positions.Count * TicTacToe.ObservationSize];
        for (int b = 0; b < positions.Count; b++)
            positions[b].Observation(obs.AsSpan(b * TicTacToe.ObservationSize, TicTacToe.ObservationSize));
        var (_, logits, values) = NetworkInference.Initial(network, obs, positions.Count);
        return (logits, values);
    });

    /// <summary>The oracle's minimax values as the evaluator, with uniform priors (exact leaf values, for tests).</summary>
    public static BoardGameModel<TicTacToe> WithOracle() => new(positions =>
        (new float[positions.Count * TicTacToe.Cells], [.. positions.Select(p => (float)TicTacToeOracle.Instance.Value(p))]));
}
