namespace Workbench.Papers.MuZero;

/// <summary>The games the reproduction can train on (a closed set; an unknown name is one sentence listing these).</summary>
public enum GameKind
{
    /// <summary>Tic-tac-toe, with the exact minimax oracle over its 5,478 reachable positions.</summary>
    TicTacToe,
}
