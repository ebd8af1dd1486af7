namespace Workbench.Papers.MuZero;

/// <summary>
/// Exact Connect-4 values within a horizon: plain depth-limited negamax over every move sequence (7^d positions at
/// horizon d, so only for short horizons), scoring as Pascal Pons' solver does ("Solving Connect 4", part 2, test
/// protocol): for the player to move, a win with its k-th stone scores 22 − k, a loss to the opponent's k-th stone
/// k − 22, a draw (full board) 0, both sides winning as soon and losing as late as they can.
/// </summary>
/// <remarks>
/// A score is returned only when it is proven within the horizon: a forced win found at horizon d is optimal (any other
/// win would need more plies), while a position whose every line is not decided within d plies, or that is lost within
/// the horizon along some lines but not all, returns null. Pons' published examples are tests: "4455" (columns 1–7)
/// scores 18 and "44455554221" scores −15.
/// </remarks>
public static class ConnectFourSolver
{
    /// <summary>The score of an unfinished position if it is decided within <paramref name="plies"/> moves, else null.</summary>
    /// <exception cref="ArgumentException">The game is over, or <paramref name="plies"/> is outside 1–8.</exception>
    public static int? Score(ConnectFour position, int plies)
    {
        if (plies is < 1 or > 8)
            throw new ArgumentException($"plies = {plies} is out of range: the exhaustive solver searches 1-8 plies.");
        if (position.IsTerminal)
            throw new ArgumentException("The Connect-4 game is already over: a finished position has no score to solve.");
        return Negamax(position, plies);
    }

    /// <summary>
    /// The columns that keep the proven score (the optimal moves), or null when the position is not decided within
    /// <paramref name="plies"/> moves.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Score"/>.</exception>
    public static int[]? OptimalMoves(ConnectFour position, int plies)
    {
        if (Score(position, plies) is not int best) return null;
        var moves = new List<int>();
        foreach (int column in position.LegalMoves())
            if (MoveScore(position, column, plies) == best) moves.Add(column);
        return [.. moves];
    }

    /// <summary>Score of the mover's own stone count when it wins now: 22 − (its stones after the move).</summary>
    static int WinNow(ConnectFour position) => ConnectFour.Cells / 2 + 1 - (position.Stones / 2 + 1);

    static int? MoveScore(ConnectFour position, int column, int plies)
    {
        var (next, reward) = position.Play(column);
        if (reward == 1) return WinNow(position);
        if (next.IsTerminal) return 0;
        return plies == 1 ? null : -Negamax(next, plies - 1);
    }

    static int? Negamax(ConnectFour position, int plies)
    {
        int? best = null;
        bool undecided = false;
        foreach (int column in position.LegalMoves())
        {
            int? score = MoveScore(position, column, plies);
            if (score is null) undecided = true;
            else if (best is null || score > best) best = score;
        }
        // An undecided line might still be a draw or a slower loss or win, so only a proven win survives it.
        if (undecided) return best > 0 ? best : null;
        return best;
    }
}
