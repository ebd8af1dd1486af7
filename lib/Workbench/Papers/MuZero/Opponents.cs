namespace Workbench.Papers.MuZero;

/// <summary>The moves of the fixed players (<see cref="Opponent"/>).</summary>
public static class Opponents
{
    /// <summary>The move <paramref name="opponent"/> plays in a position that is not finished.</summary>
    public static int Move(Opponent opponent, TicTacToe position, Random rng)
    {
        var legal = position.LegalMoves().ToArray();
        switch (opponent)
        {
            case Opponent.RuleBot:
                foreach (int cell in legal)
                    if (position.Play(cell).Reward == 1) return cell;
                foreach (int cell in legal)
                    if (OpponentWouldWin(position, cell)) return cell;
                return legal[rng.Next(legal.Length)];
            case Opponent.Minimax:
                var best = TicTacToeOracle.Instance.OptimalMoves(position);
                return best[rng.Next(best.Length)];
            default:
                return legal[rng.Next(legal.Length)];
        }
    }

    /// <summary>True when a stone of the mover's opponent on <paramref name="cell"/> would complete a line (a cell to block).</summary>
    static bool OpponentWouldWin(TicTacToe position, int cell) => position.XToMove
        ? new TicTacToe(position.X, position.O | 1 << cell).Winner == -1
        : new TicTacToe(position.X | 1 << cell, position.O).Winner == 1;
}
