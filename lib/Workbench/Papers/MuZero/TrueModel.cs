namespace Workbench.Papers.MuZero;

/// <summary>
/// AlphaZero's search models: <see cref="BoardGameModel{TGame}"/> with the real rules (embedding = the observation plus a
/// "finished" flag) or <see cref="CartPoleModel"/>, with priors and values from a network's prediction or (tic-tac-toe)
/// the oracle.
/// </summary>
public static class TrueModel
{
    /// <summary>Floats per tic-tac-toe embedding: the 18-float observation and the finished flag.</summary>
    public static int Size => BoardGameModel<TicTacToe>.Size;

    /// <summary>A network's representation and prediction as the evaluator of tic-tac-toe positions (AlphaZero mode).</summary>
    public static BoardGameModel<TicTacToe> WithNetwork(MuZeroNetwork network) => WithNetwork<TicTacToe>(network);

    /// <summary>A network's representation and prediction as the evaluator of a board game's positions (AlphaZero mode).</summary>
    public static BoardGameModel<TGame> WithNetwork<TGame>(MuZeroNetwork network) where TGame : struct, IBoardGame<TGame> =>
        new(positions =>
        {
            int O = TGame.ObservationSize;
            var obs = new float[positions.Count * O];
            for (int b = 0; b < positions.Count; b++) positions[b].Observation(obs.AsSpan(b * O, O));
            var (_, logits, values) = NetworkInference.Initial(network, obs, positions.Count);
            return (logits, values);
        });

    /// <summary>The real cart-pole dynamics with a network's representation and prediction as the evaluator.</summary>
    public static CartPoleModel CartPoleWithNetwork(MuZeroNetwork network, double discount) => new(discount, states =>
    {
        int O = CartPole.ObservationSize;
        var obs = new float[states.Count * O];
        for (int b = 0; b < states.Count; b++) states[b].Observation(obs.AsSpan(b * O, O));
        var (_, logits, values) = NetworkInference.Initial(network, obs, states.Count);
        return (logits, values);
    });

    /// <summary>The oracle's minimax values as the evaluator, with uniform priors (exact leaf values, for tests).</summary>
    public static BoardGameModel<TicTacToe> WithOracle() => new(positions =>
        (new float[positions.Count * TicTacToe.Cells], [.. positions.Select(p => (float)TicTacToeOracle.Instance.Value(p))]));
}
