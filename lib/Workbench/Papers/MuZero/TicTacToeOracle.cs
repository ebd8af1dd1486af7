namespace Workbench.Papers.MuZero;

/// <summary>
/// Perfect play: the minimax (negamax) value of every position reachable from the empty board, for the player to move
/// (+1 win, 0 draw, −1 loss; 0 at a finished game, whose last move's reward carried the result), and the optimal moves.
/// </summary>
public sealed class TicTacToeOracle
{
    readonly Dictionary<int, sbyte> _values = [];

    static readonly Lazy<TicTacToeOracle> Shared = new(() => new TicTacToeOracle());

    /// <summary>The oracle (built once, about 5,500 positions).</summary>
    public static TicTacToeOracle Instance => Shared.Value;

    TicTacToeOracle()
    {
        Solve(TicTacToe.Empty);
        Positions = [.. _values.Keys.Order().Select(k => new TicTacToe(k & 511, k >> 9))];
    }

    /// <summary>Every reachable position, finished ones included, in key order.</summary>
    public IReadOnlyList<TicTacToe> Positions { get; }

    /// <summary>Minimax value for the player to move.</summary>
    /// <exception cref="ArgumentException">The position is not reachable from the empty board.</exception>
    public int Value(TicTacToe position) => _values.TryGetValue(position.Key, out var v)
        ? v : throw new ArgumentException($"The position\n{position}\nis not reachable in tic-tac-toe.");

    /// <summary>Minimax Q of a legal move: its reward plus −1 × the value of the next position.</summary>
    public int Q(TicTacToe position, int cell)
    {
        var (next, reward) = position.Play(cell);
        return reward - Value(next);
    }

    /// <summary>The moves that keep the minimax value.</summary>
    public int[] OptimalMoves(TicTacToe position)
    {
        int v = Value(position);
        return [.. position.LegalMoves().Where(c => Q(position, c) == v)];
    }

    int Solve(TicTacToe position)
    {
        if (_values.TryGetValue(position.Key, out var known)) return known;
        int best = 0;
        if (!position.IsTerminal)
        {
            best = int.MinValue;
            foreach (int cell in position.LegalMoves())
            {
                var (next, reward) = position.Play(cell);
                best = Math.Max(best, reward - Solve(next));
            }
        }
        _values[position.Key] = (sbyte)best;
        return best;
    }
}
