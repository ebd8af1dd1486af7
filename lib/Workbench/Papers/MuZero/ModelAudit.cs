using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>
/// The exact audit of a learned model over every unfinished reachable tic-tac-toe position (4,520 of the 5,478):
/// representation + prediction against the minimax value and the optimal moves, and k-step rollouts of the learned
/// dynamics along random legal move sequences against the real game (true value, true reward). A step counts only
/// where a real move was made (the game had not ended before it); the position it reaches may be finished (value 0).
/// </summary>
public static class ModelAudit
{
    /// <summary>Audits <paramref name="net"/>; rollouts of 1 … <paramref name="maxSteps"/> dynamics steps.</summary>
    public static MuZeroAuditResult Run(MuZeroNetwork net, int maxSteps, int seed)
    {
        var oracle = TicTacToeOracle.Instance;
        var positions = oracle.Positions.Where(p => !p.IsTerminal).ToArray();
        int n = positions.Length, A = TicTacToe.Cells, O = TicTacToe.ObservationSize;
        var obs = new float[n * O];
        for (int i = 0; i < n; i++) positions[i].Observation(obs.AsSpan(i * O, O));
        var (hidden, logits, values) = NetworkInference.Initial(net, obs, n);
        double mae = 0, agree = 0, optimal = 0;
        for (int i = 0; i < n; i++)
        {
            int truth = oracle.Value(positions[i]);
            mae += Math.Abs(values[i] - truth);
            if (Math.Round(values[i]) == truth) agree++;
            if (oracle.OptimalMoves(positions[i]).Contains(BestLegal(positions[i], logits.AsSpan(i * A, A)))) optimal++;
        }
        var rng = Seeds.Rng(seed, "audit");
        var real = positions.ToArray();
        var finished = new bool[n];
        var rolloutMae = new double[maxSteps];
        var rolloutAgree = new double[maxSteps];
        var rewardAccuracy = new double[maxSteps];
        var rolloutOptimal = new double[maxSteps];
        var zeroRewards = new double[maxSteps];
        for (int k = 0; k < maxSteps; k++)
        {
            var actions = new int[n];
            var trueRewards = new int[n];
            for (int i = 0; i < n; i++)
            {
                if (finished[i])
                {
                    actions[i] = rng.Next(A);
                    continue;
                }
                var legal = real[i].LegalMoves().ToArray();
                actions[i] = legal[rng.Next(legal.Length)];
                (real[i], trueRewards[i]) = real[i].Play(actions[i]);
            }
            var (next, rewards, nextLogits, nextValues) = NetworkInference.Recurrent(net, hidden, actions, n);
            // Only real moves count: sequences whose game ended before this step are left out (their truth is trivially 0).
            int moved = 0, unfinished = 0;
            for (int i = 0; i < n; i++)
            {
                if (finished[i]) continue;
                moved++;
                int truth = real[i].IsTerminal ? 0 : oracle.Value(real[i]);
                rolloutMae[k] += Math.Abs(nextValues[i] - truth);
                if (Math.Round(nextValues[i]) == truth) rolloutAgree[k]++;
                if (Math.Round(rewards[i]) == trueRewards[i]) rewardAccuracy[k]++;
                if (trueRewards[i] == 0) zeroRewards[k]++;
                if (!real[i].IsTerminal)
                {
                    unfinished++;
                    if (oracle.OptimalMoves(real[i]).Contains(BestLegal(real[i], nextLogits.AsSpan(i * A, A)))) rolloutOptimal[k]++;
                }
                finished[i] = real[i].IsTerminal;
            }
            rolloutMae[k] = moved == 0 ? double.NaN : rolloutMae[k] / moved;
            rolloutAgree[k] = moved == 0 ? double.NaN : rolloutAgree[k] / moved;
            rewardAccuracy[k] = moved == 0 ? double.NaN : rewardAccuracy[k] / moved;
            zeroRewards[k] = moved == 0 ? double.NaN : zeroRewards[k] / moved;
            rolloutOptimal[k] = unfinished == 0 ? double.NaN : rolloutOptimal[k] / unfinished;
            hidden = next;
        }
        return new MuZeroAuditResult(n, mae / n, agree / n, optimal / n, rolloutMae, rolloutAgree, rewardAccuracy, rolloutOptimal,
            zeroRewards);
    }

    static int BestLegal(TicTacToe position, ReadOnlySpan<float> logits)
    {
        int best = -1;
        foreach (int c in position.LegalMoves())
            if (best < 0 || logits[c] > logits[best]) best = c;
        return best;
    }
}
