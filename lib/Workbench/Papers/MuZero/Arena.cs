using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>Matches between the agent and a fixed opponent, all games at once (one batched search per agent move).</summary>
public static class Arena
{
    /// <summary>
    /// Plays <paramref name="games"/> games; the agent is X (moves first) in the even-numbered games and O in the others.
    /// </summary>
    public static Score Play(Planner agent, Opponent opponent, int games, SearchOptions options, Random rng)
    {
        var positions = new TicTacToe[games];
        Array.Fill(positions, TicTacToe.Empty);
        int wins = 0, draws = 0, losses = 0;
        var live = Enumerable.Range(0, games).ToList();
        while (live.Count > 0)
        {
            var agentTurn = new List<int>();
            foreach (int g in live)
            {
                bool agentIsX = g % 2 == 0;
                if (positions[g].XToMove == agentIsX) agentTurn.Add(g);
                else positions[g] = positions[g].Play(Opponents.Move(opponent, positions[g], rng)).Next;
            }
            var stillLive = agentTurn.Where(g => !positions[g].IsTerminal).ToList();
            if (stillLive.Count > 0)
            {
                var result = agent.Search([.. stillLive.Select(g => positions[g])], options, rng);
                for (int i = 0; i < stillLive.Count; i++)
                    positions[stillLive[i]] = positions[stillLive[i]].Play(result.Actions[i]).Next;
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
}
