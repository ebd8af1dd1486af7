namespace Workbench.Kernels.Mcts;

/// <summary>
/// Sequential Halving's visit schedule at the root (Danihelka et al. 2022; mctx <c>seq_halving.py</c>): which visit
/// count the action chosen by each simulation must have, so that m actions get visits in rounds and the number of
/// considered actions halves each round (never below 2).
/// </summary>
public static class SequentialHalving
{
    /// <summary>
    /// For simulation i (0-based), the visit count a root action must have to be considered. With m ≤ 1 the sequence is
    /// 0, 1, 2, …. Each round adds max(1, ⌊n / (⌈log2 m⌉ · considered)⌋) visits to each considered action.
    /// </summary>
    /// <param name="consideredActions">m ≥ 0.</param>
    /// <param name="simulations">n ≥ 0.</param>
    public static int[] ConsideredVisits(int consideredActions, int simulations)
    {
        if (consideredActions <= 1) return [.. Enumerable.Range(0, simulations)];
        int log2Max = (int)Math.Ceiling(Math.Log2(consideredActions));
        var sequence = new List<int>(simulations + consideredActions);
        var visits = new int[consideredActions];
        int considered = consideredActions;
        while (sequence.Count < simulations)
        {
            int extra = Math.Max(1, (int)((double)simulations / (log2Max * considered)));
            for (int r = 0; r < extra; r++)
            {
                for (int i = 0; i < considered; i++) sequence.Add(visits[i]);
                for (int i = 0; i < considered; i++) visits[i]++;
            }
            considered = Math.Max(2, considered / 2);
        }
        return [.. sequence.Take(simulations)];
    }

    /// <summary>The schedules for every m in [0, <paramref name="maxConsidered"/>]: row m is <see cref="ConsideredVisits"/>.</summary>
    public static int[][] Table(int maxConsidered, int simulations) =>
        [.. Enumerable.Range(0, maxConsidered + 1).Select(m => ConsideredVisits(m, simulations))];
}
