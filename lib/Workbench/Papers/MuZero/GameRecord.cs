namespace Workbench.Papers.MuZero;

/// <summary>
/// One self-play game as the replay buffer keeps it: for each of its T moves the observation before the move, the
/// action, the search's policy target, the reward for the mover, and the search value of the root.
/// </summary>
/// <param name="Observations">T × O observations (mover's view).</param>
/// <param name="Actions">T actions.</param>
/// <param name="Policies">T × A policy targets from the search.</param>
/// <param name="Rewards">T rewards for the player who made each move.</param>
/// <param name="RootValues">T search values of the roots (for n-step bootstrapping).</param>
public sealed record GameRecord(float[] Observations, int[] Actions, float[] Policies, float[] Rewards, float[] RootValues)
{
    /// <summary>Moves T.</summary>
    public int Length => Actions.Length;
}
