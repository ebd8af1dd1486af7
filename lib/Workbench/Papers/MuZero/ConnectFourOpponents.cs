namespace Workbench.Papers.MuZero;

/// <summary>The moves of the fixed Connect-4 players (the tic-tac-toe ones are <see cref="Opponents"/>).</summary>
public static class ConnectFourOpponents
{
    /// <summary>
    /// The move <paramref name="opponent"/> plays in an unfinished position: <see cref="Opponent.Random"/> a uniformly
    /// random legal column; <see cref="Opponent.RuleBot"/> a winning column if there is one, else a column that blocks
    /// the opponent's immediate win (the lowest such column when there are several), else a random legal column.
    /// </summary>
    /// <exception cref="ArgumentException">The game is over, or <paramref name="opponent"/> is
    /// <see cref="Opponent.Minimax"/> (Connect-4 has no exact oracle here).</exception>
    public static int Move(Opponent opponent, ConnectFour position, Random rng)
    {
        if (opponent == Opponent.Minimax)
            throw new ArgumentException("opponent = Minimax is not available for Connect-4: choose Random or RuleBot.");
        if (position.IsTerminal)
            throw new ArgumentException("The Connect-4 game is already over: there is no move to choose.");
        var legal = position.LegalMoves().ToArray();
        if (opponent == Opponent.RuleBot)
        {
            foreach (int column in legal)
                if (position.Play(column).Reward == 1) return column;
            foreach (int column in legal)
                if (OpponentWouldWin(position, column)) return column;
        }
        return legal[rng.Next(legal.Length)];
    }

    /// <summary>True when a stone of the mover's opponent dropped into <paramref name="column"/> would make four in a row.</summary>
    public static bool OpponentWouldWin(ConnectFour position, int column)
    {
        ulong cell = position.LandingCell(column);
        return cell != 0 && ConnectFour.HasFour((position.FirstToMove ? position.Second : position.First) | cell);
    }
}
