namespace Workbench.Papers.MuZero;

/// <summary>The fixed players the agent is measured against.</summary>
public enum Opponent
{
    /// <summary>A uniformly random legal move.</summary>
    Random,

    /// <summary>Wins if it can, else blocks the opponent's immediate win, else plays at random.</summary>
    RuleBot,

    /// <summary>Perfect play: a random move among the oracle's optimal moves (never loses).</summary>
    Minimax,
}
