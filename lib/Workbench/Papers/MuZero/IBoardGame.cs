namespace Workbench.Papers.MuZero;

/// <summary>
/// A deterministic two-player zero-sum board game with alternating moves, written so that the search's true simulator
/// (<see cref="BoardGameModel{TGame}"/>) and the arena need nothing else (tic-tac-toe and Connect-4 implement it):
/// positions are immutable values, a move's reward is for the player who made it (1 for a win, else 0), and
/// observations are from the player to move.
/// </summary>
/// <typeparam name="TGame">The position type itself.</typeparam>
public interface IBoardGame<TGame> where TGame : struct, IBoardGame<TGame>
{
    /// <summary>The starting position.</summary>
    static abstract TGame Initial { get; }

    /// <summary>Number of actions A (the same in every position; illegal ones are masked).</summary>
    static abstract int ActionCount { get; }

    /// <summary>Floats per observation.</summary>
    static abstract int ObservationSize { get; }

    /// <summary>True when the first player is to move.</summary>
    bool FirstToMove { get; }

    /// <summary>+1 when the first player has won, −1 when the second has, 0 otherwise (draw or not finished).</summary>
    int Winner { get; }

    /// <summary>True when the game is over (a win or a draw).</summary>
    bool IsTerminal { get; }

    /// <summary>True when <paramref name="action"/> is in range, allowed here, and the game is not over.</summary>
    bool IsLegal(int action);

    /// <summary>The next position and the reward for the mover.</summary>
    /// <exception cref="ArgumentException">The move is illegal (one sentence listing the legal moves).</exception>
    (TGame Next, int Reward) Play(int action);

    /// <summary>Writes the observation from the mover's side (<see cref="ObservationSize"/> floats).</summary>
    void Observation(Span<float> into);

    /// <summary>Rebuilds a position from its observation (the inverse of <see cref="Observation"/>).</summary>
    static abstract TGame FromObservation(ReadOnlySpan<float> observation);
}
