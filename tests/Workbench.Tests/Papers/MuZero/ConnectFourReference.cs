namespace Workbench.Tests.Papers.MuZero;

/// <summary>
/// A plain Connect-4 written independently of the bitboard one for the tests: a 6 × 7 array of 0 (empty), 1 (first
/// player), 2 (second player), row 0 at the bottom; a win is found by walking from the last stone in the four
/// directions and counting equal stones on both sides.
/// </summary>
sealed class ConnectFourReference
{
    readonly int[,] _cells = new int[6, 7];
    readonly int[] _heights = new int[7];

    public int Moves { get; private set; }

    public bool Won { get; private set; }

    public bool Over => Won || Moves == 42;

    public bool CanPlay(int column) => !Over && _heights[column] < 6;

    public int Player => Moves % 2 + 1;

    /// <summary>Drops a stone; returns true when it makes four in a row.</summary>
    public bool Play(int column)
    {
        int row = _heights[column]++;
        int player = Player;
        _cells[row, column] = player;
        Moves++;
        Won = MakesFour(row, column, player);
        return Won;
    }

    public void Undo(int column)
    {
        int row = --_heights[column];
        _cells[row, column] = 0;
        Moves--;
        Won = false;
    }

    public int this[int row, int column] => _cells[row, column];

    bool MakesFour(int row, int column, int player)
    {
        (int Dr, int Dc)[] directions = [(1, 0), (0, 1), (1, 1), (1, -1)];
        foreach (var (dr, dc) in directions)
        {
            int count = 1;
            for (int s = 1; s < 4 && Is(row + s * dr, column + s * dc, player); s++) count++;
            for (int s = 1; s < 4 && Is(row - s * dr, column - s * dc, player); s++) count++;
            if (count >= 4) return true;
        }
        return false;
    }

    bool Is(int row, int column, int player) => row is >= 0 and < 6 && column is >= 0 and < 7 && _cells[row, column] == player;

    /// <summary>Perft: move sequences of exactly <paramref name="depth"/> plies (a finished game is not continued).</summary>
    public long Perft(int depth)
    {
        if (depth == 0) return 1;
        long count = 0;
        for (int c = 0; c < 7; c++)
        {
            if (!CanPlay(c)) continue;
            Play(c);
            count += Perft(depth - 1);
            Undo(c);
        }
        return count;
    }
}
