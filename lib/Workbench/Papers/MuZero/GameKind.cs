using System.Text.Json.Serialization;

namespace Workbench.Papers.MuZero;

/// <summary>The games the reproduction can train on (a closed set; an unknown name is one sentence listing these).</summary>
public enum GameKind
{
    /// <summary>Tic-tac-toe, with the exact minimax oracle over its 5,478 reachable positions (the full pipeline).</summary>
    TicTacToe,

    /// <summary>Connect-4 (7 columns × 6 rows), measured against a random player and the rule bot.</summary>
    [JsonStringEnumMemberName("connect4")]
    ConnectFour,

    /// <summary>Cart-pole balancing: one player, continuous state, reward 1 per step, discounted, categorical values.</summary>
    [JsonStringEnumMemberName("cartpole")]
    CartPole,
}
