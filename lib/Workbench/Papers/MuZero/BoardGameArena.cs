using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// Matches between an agent and a fixed opponent in any <see cref="IBoardGame{TGame}"/>, all games at once: the agent
/// moves in every game where it is to move with one batched call (one batched search), the opponent game by game. The
/// tic-tac-toe <see cref="Arena"/> plays a learned or true-model planner through it.
/// </summary>
public static class BoardGameArena
{
    /// <summary>
    /// Plays <paramref name="games"/> games from the initial position; the agent moves first in the even-numbered games
    /// and second in the others.
    /// </summary>
    /// <param name="agent">The agent's moves for a batch of unfinished positions (one legal action each).</param>
    /// <param name="opponent">The opponent's move in one unfinished position.</param>
    /// <param name="games">Games to play, at least 1.</param>
    /// <param name="rng">Randomness handed to both players.</param>
    /// <exception cref="ArgumentException"><paramref name="games"/> is below 1, or a player returns an illegal move.</exception>
    public static Score Play<TGame>(Func<IReadOnlyList<TGame>, Random, int[]> agent, Func<TGame, Random, int> opponent, int games,
        Random rng) where TGame : struct, IBoardGame<TGame>
    {
        if (games < 1) throw new ArgumentException($"games = {games} is out of range: a match needs at least 1 game.");
        var positions = new TGame[games];
        Array.Fill(positions, TGame.Initial);
        int wins = 0, draws = 0, losses = 0;
        var live = Enumerable.Range(0, games).ToList();
        while (live.Count > 0)
        {
            var agentTurn = new List<int>();
            foreach (int g in live)
            {
                if (positions[g].FirstToMove == (g % 2 == 0)) agentTurn.Add(g);
                else positions[g] = positions[g].Play(opponent(positions[g], rng)).Next;
            }
            var stillLive = agentTurn.Where(g => !positions[g].IsTerminal).ToList();
            if (stillLive.Count > 0)
            {
                var moves = agent([.. stillLive.Select(g => positions[g])], rng);
                for (int i = 0; i < stillLive.Count; i++) positions[stillLive[i]] = positions[stillLive[i]].Play(moves[i]).Next;
            }
            var next = new List<int>();
            foreach (int g in live)
            {
                if (!positions[g].IsTerminal)
                {
                    next.Add(g);
                    continue;
                }
                int winner = positions[g].Winner, agentSide = g % 2 == 0 ? 1 : -1;
                if (winner == 0) draws++;
                else if (winner == agentSide) wins++;
                else losses++;
            }
            live = next;
        }
        return new Score(wins, draws, losses);
    }

    /// <summary>An agent that plays the action of one batched search with <paramref name="model"/> (AlphaZero mode).</summary>
    public static Func<IReadOnlyList<TGame>, Random, int[]> SearchAgent<TGame>(BoardGameModel<TGame> model, SearchOptions options)
        where TGame : struct, IBoardGame<TGame> =>
        (positions, rng) => BatchedSearch.Run(model, model.Roots(positions), options, rng).Actions;
}
