using System.Numerics;

namespace Workbench.Papers.MuZero;

/// <summary>
/// A Connect-4 position (7 columns × 6 rows, stones fall to the lowest empty cell of a column; four in a row
/// horizontally, vertically or diagonally wins; a full board without a line is a draw) as two bitboards. The first
/// player (X) moves first. The agent never sees these rules: only <see cref="Observation"/>, the reward of each move and
/// the legal moves at the root.
/// </summary>
/// <remarks>
/// Layout (Pascal Pons, "Solving Connect 4: how to build a perfect AI", bitboard part; John Tromp's Fhourstones): column
/// c, row r (0 = bottom) is bit <c>7c + r</c>; bit <c>7c + 6</c> is an always-empty guard row, so shifting a board by 1
/// (vertical), 7 (horizontal), 6 and 8 (the two diagonals) never wraps one column into the next. An action is a column
/// in 0–6.
/// </remarks>
/// <param name="First">Cells held by the first player (X).</param>
/// <param name="Second">Cells held by the second player (O).</param>
public readonly record struct ConnectFour(ulong First, ulong Second) : IBoardGame<ConnectFour>
{
    /// <summary>Columns (actions).</summary>
    public const int Columns = 7;

    /// <summary>Rows.</summary>
    public const int Rows = 6;

    /// <summary>Cells on the board.</summary>
    public const int Cells = Columns * Rows;

    /// <summary>Floats per observation: a 6 × 7 plane of the mover's stones, then one of the opponent's.</summary>
    public const int ObservationSize = 2 * Cells;

    const int Height = Rows + 1;

    /// <summary>The lowest cell of every column.</summary>
    const ulong BottomRow = 0x0040810204081UL;

    /// <summary>Every playable cell (the guard row excluded).</summary>
    const ulong BoardCells = BottomRow * 0x3F;

    /// <summary>The empty board.</summary>
    public static ConnectFour Empty => new(0, 0);

    /// <inheritdoc/>
    public static ConnectFour Initial => Empty;

    /// <inheritdoc/>
    public static int ActionCount => Columns;

    /// <inheritdoc/>
    static int IBoardGame<ConnectFour>.ObservationSize => ObservationSize;

    /// <summary>Occupied cells.</summary>
    public ulong Occupied => First | Second;

    /// <summary>Stones on the board (plies played).</summary>
    public int Stones => BitOperations.PopCount(Occupied);

    /// <summary>True when the first player (X) is to move.</summary>
    public bool FirstToMove => (Stones & 1) == 0;

    /// <summary>+1 when the first player has four in a row, −1 when the second has, 0 otherwise.</summary>
    public int Winner => HasFour(First) ? 1 : HasFour(Second) ? -1 : 0;

    /// <summary>True when someone has four in a row or the board is full.</summary>
    public bool IsTerminal => Occupied == BoardCells || HasFour(First) || HasFour(Second);

    /// <summary>Stones in <paramref name="column"/> (0–6).</summary>
    public int ColumnHeight(int column) => BitOperations.PopCount(Occupied >> (Height * column) & 0x3F);

    /// <summary>True when the column is in 0–6, not full, and the game is not over.</summary>
    public bool IsLegal(int column) =>
        column is >= 0 and < Columns && (Occupied & TopCell(column)) == 0 && !IsTerminal;

    /// <summary>The legal moves in column order (none when the game is over).</summary>
    public IEnumerable<int> LegalMoves()
    {
        for (int c = 0; c < Columns; c++) if (IsLegal(c)) yield return c;
    }

    /// <summary>
    /// The position after the mover drops a stone into <paramref name="column"/>, and the reward for the mover (1 when
    /// the move makes four in a row, else 0; a move that fills the board without a line is a draw with reward 0).
    /// </summary>
    /// <exception cref="ArgumentException">The move is illegal (column outside 0–6, column full, or game over).</exception>
    public (ConnectFour Next, int Reward) Play(int column)
    {
        if (!IsLegal(column))
            throw new ArgumentException(IsTerminal
                ? $"Move {column} is not allowed: the game is already over."
                : $"Move {column} is not allowed: choose a column in 0-6 that is not full ({string.Join(", ", LegalMoves())}).");
        ulong cell = LandingCell(column);
        return FirstToMove
            ? (new ConnectFour(First | cell, Second), HasFour(First | cell) ? 1 : 0)
            : (new ConnectFour(First, Second | cell), HasFour(Second | cell) ? 1 : 0);
    }

    /// <summary>The cell a stone dropped into <paramref name="column"/> lands on (0 when the column is full).</summary>
    public ulong LandingCell(int column) => (Occupied + (1UL << (Height * column))) & ColumnCells(column);

    /// <summary>
    /// The observation from the mover's side: 42 floats (row-major, row 0 = the top row, column 0 = the left column) for
    /// the mover's stones, then 42 for the opponent's.
    /// </summary>
    public void Observation(Span<float> into)
    {
        ulong own = FirstToMove ? First : Second, other = FirstToMove ? Second : First;
        for (int row = 0; row < Rows; row++)
        {
            for (int c = 0; c < Columns; c++)
            {
                int bit = Height * c + (Rows - 1 - row), at = row * Columns + c;
                into[at] = own >> bit & 1;
                into[Cells + at] = other >> bit & 1;
            }
        }
    }

    /// <summary>Rebuilds a position from an observation (the mover's stones first).</summary>
    public static ConnectFour FromObservation(ReadOnlySpan<float> observation)
    {
        ulong own = 0, other = 0;
        for (int row = 0; row < Rows; row++)
        {
            for (int c = 0; c < Columns; c++)
            {
                int bit = Height * c + (Rows - 1 - row), at = row * Columns + c;
                if (observation[at] > 0.5f) own |= 1UL << bit;
                if (observation[Cells + at] > 0.5f) other |= 1UL << bit;
            }
        }
        bool firstToMove = BitOperations.PopCount(own) == BitOperations.PopCount(other);
        return firstToMove ? new ConnectFour(own, other) : new ConnectFour(other, own);
    }

    /// <summary>The position after the given columns were played in turn from the empty board.</summary>
    /// <exception cref="ArgumentException">A move is illegal.</exception>
    public static ConnectFour FromMoves(params ReadOnlySpan<int> columns)
    {
        var position = Empty;
        foreach (int c in columns) position = position.Play(c).Next;
        return position;
    }

    /// <summary>The position after the columns given as digits 0–6 (for example <c>"3344"</c>) were played in turn.</summary>
    /// <exception cref="ArgumentException">A character is not a digit 0–6 or a move is illegal.</exception>
    public static ConnectFour FromMoves(string columns)
    {
        var position = Empty;
        foreach (char ch in columns)
        {
            if (ch is < '0' or > '6')
                throw new ArgumentException($"Move '{ch}' is not a column: write the columns as digits 0-6, for example \"3344\".");
            position = position.Play(ch - '0').Next;
        }
        return position;
    }

    /// <summary>
    /// A unique key of the position: the first player's stones plus the occupied cells plus the bottom row (each
    /// column's height is marked by the carry above its top stone; Pons' <c>key()</c> with the first player's stones).
    /// </summary>
    public ulong Key => First + Occupied + BottomRow;

    /// <summary>Six lines of X, O and '.', the top row first.</summary>
    public override string ToString()
    {
        var chars = new char[Rows * (Columns + 1) - 1];
        for (int row = 0, i = 0; row < Rows; row++)
        {
            for (int c = 0; c < Columns; c++)
            {
                int bit = Height * c + (Rows - 1 - row);
                chars[i++] = (First >> bit & 1) == 1 ? 'X' : (Second >> bit & 1) == 1 ? 'O' : '.';
            }
            if (row < Rows - 1) chars[i++] = '\n';
        }
        return new string(chars);
    }

    /// <summary>True when <paramref name="stones"/> hold four in a row in any direction.</summary>
    public static bool HasFour(ulong stones)
    {
        // Vertical (1), horizontal (7) and the two diagonals (6: down-right to up-left, 8: down-left to up-right).
        ulong m = stones & stones >> 1;
        if ((m & m >> 2) != 0) return true;
        m = stones & stones >> Height;
        if ((m & m >> 2 * Height) != 0) return true;
        m = stones & stones >> (Height - 1);
        if ((m & m >> 2 * (Height - 1)) != 0) return true;
        m = stones & stones >> (Height + 1);
        return (m & m >> 2 * (Height + 1)) != 0;
    }

    static ulong TopCell(int column) => 1UL << (Height * column + Rows - 1);

    static ulong ColumnCells(int column) => 0x3FUL << (Height * column);
}
