using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// Tic-tac-toe matches between a planner and a fixed opponent: <see cref="BoardGameArena"/> with one batched search per
/// agent move.
/// </summary>
public static class Arena
{
    /// <summary>
    /// Plays <paramref name="games"/> games; the agent is X (moves first) in the even-numbered games and O in the others.
    /// </summary>
    public static Score Play(Planner agent, Opponent opponent, int games, SearchOptions options, Random rng) =>
        BoardGameArena.Play<TicTacToe>((positions, r) => agent.Search(positions, options, r).Actions,
            (position, r) => Opponents.Move(opponent, position, r), games, rng);
}
