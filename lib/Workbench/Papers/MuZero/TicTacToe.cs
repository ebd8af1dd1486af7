using System.Numerics;

namespace Workbench.Papers.MuZero;

/// <summary>
/// A tic-tac-toe position as two 9-bit boards (cell i = row · 3 + column, 0 top left). X moves first. The agent never
/// sees these rules: only <see cref="Observation"/>, the reward of each move and the legal moves at the root.
/// </summary>
/// <param name="X">Cells held by X.</param>
/// <param name="O">Cells held by O.</param>
public readonly record struct TicTacToe(int X, int O) : IBoardGame<TicTacToe>
{
    /// <summary>Cells (actions).</summary>
    public const int Cells = 9;

    /// <summary>Floats per observation: the mover's stones, then the opponent's.</summary>
    public const int ObservationSize = 18;

    static readonly int[] Lines = [0b000000111, 0b000111000, 0b111000000, 0b001001001, 0b010010010, 0b100100100, 0b100010001, 0b001010100];

    /// <summary>
    /// The 8 symmetries of the board (rotations and reflections) as cell permutations, perm[c] = image of cell c; the
    /// identity first. Lines map to lines, so rewards and values are invariant.
    /// </summary>
    public static IReadOnlyList<int[]> Symmetries { get; } = MakeSymmetries();

    static int[][] MakeSymmetries()
    {
        var result = new int[8][];
        for (int t = 0; t < 8; t++)
        {
            result[t] = new int[Cells];
            for (int cell = 0; cell < Cells; cell++)
            {
                int r = cell / 3, c = cell % 3;
                for (int q = 0; q < t % 4; q++) (r, c) = (c, 2 - r); // rotate a quarter turn
                if (t >= 4) c = 2 - c; // then mirror
                result[t][cell] = r * 3 + c;
            }
        }
        return result;
    }

    /// <summary>The empty board.</summary>
    public static TicTacToe Empty => new(0, 0);

    /// <summary>True when X is to move.</summary>
    public bool XToMove => BitOperations.PopCount((uint)X) == BitOperations.PopCount((uint)O);

    /// <inheritdoc/>
    public static TicTacToe Initial => Empty;

    /// <inheritdoc/>
    public static int ActionCount => Cells;

    /// <inheritdoc/>
    static int IBoardGame<TicTacToe>.ObservationSize => ObservationSize;

    /// <inheritdoc/>
    public bool FirstToMove => XToMove;

    /// <summary>Stones on the board.</summary>
    public int Stones => BitOperations.PopCount((uint)(X | O));

    /// <summary>+1 when X has a line, −1 when O has, 0 otherwise.</summary>
    public int Winner => HasLine(X) ? 1 : HasLine(O) ? -1 : 0;

    /// <summary>True when someone has a line or the board is full.</summary>
    public bool IsTerminal => Winner != 0 || (X | O) == 0b111111111;

    /// <summary>True when the cell is empty and the game is not over.</summary>
    public bool IsLegal(int cell) => cell is >= 0 and < Cells && ((X | O) >> cell & 1) == 0 && !IsTerminal;

    /// <summary>The legal moves in cell order (none when the game is over).</summary>
    public IEnumerable<int> LegalMoves()
    {
        for (int c = 0; c < Cells; c++) if (IsLegal(c)) yield return c;
    }

    /// <summary>The position after the mover plays <paramref name="cell"/>, and the reward for the mover (1 for a win, else 0).</summary>
    /// <exception cref="ArgumentException">The move is illegal.</exception>
    public (TicTacToe Next, int Reward) Play(int cell)
    {
        if (!IsLegal(cell))
            throw new ArgumentException(IsTerminal
                ? $"Move {cell} is not allowed: the game is already over."
                : $"Move {cell} is not allowed: choose an empty cell in 0-8 ({string.Join(", ", LegalMoves())}).");
        var next = XToMove ? new TicTacToe(X | 1 << cell, O) : new TicTacToe(X, O | 1 << cell);
        return (next, next.Winner != 0 ? 1 : 0);
    }

    /// <summary>The observation from the mover's side: 9 floats for the mover's stones, 9 for the opponent's.</summary>
    public void Observation(Span<float> into)
    {
        int own = XToMove ? X : O, other = XToMove ? O : X;
        for (int c = 0; c < Cells; c++)
        {
            into[c] = own >> c & 1;
            into[Cells + c] = other >> c & 1;
        }
    }

    /// <summary>Rebuilds a position from an observation (the mover's stones first).</summary>
    public static TicTacToe FromObservation(ReadOnlySpan<float> observation)
    {
        int own = 0, other = 0;
        for (int c = 0; c < Cells; c++)
        {
            if (observation[c] > 0.5f) own |= 1 << c;
            if (observation[Cells + c] > 0.5f) other |= 1 << c;
        }
        bool xToMove = BitOperations.PopCount((uint)own) == BitOperations.PopCount((uint)other);
        return xToMove ? new TicTacToe(own, other) : new TicTacToe(other, own);
    }

    /// <summary>A unique index in [0, 2^18) (X bits, then O bits).</summary>
    public int Key => X | O << 9;

    /// <summary>Three lines of X, O and '.'.</summary>
    public override string ToString()
    {
        var chars = new char[11];
        for (int r = 0, i = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                int cell = r * 3 + c;
                chars[i++] = (X >> cell & 1) == 1 ? 'X' : (O >> cell & 1) == 1 ? 'O' : '.';
            }
            if (r < 2) chars[i++] = '\n';
        }
        return new string(chars);
    }

    static bool HasLine(int stones)
    {
        foreach (int line in Lines) if ((stones & line) == line) return true;
        return false;
    }
}
