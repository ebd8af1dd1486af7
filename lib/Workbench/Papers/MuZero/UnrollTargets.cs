namespace Workbench.Papers.MuZero;

/// <summary>
/// Targets for K unroll steps from position i of a game (MuZero's <c>make_target</c>, with the reward aligned to the
/// transition it follows). Step k ∈ [0, K] is position i + k: value z_{i+k}, policy π_{i+k}, and for k ≥ 1 the reward
/// of action a_{i+k−1}. Past the end of the game the state is absorbing: value 0, reward 0, uniform policy, and the
/// actions fed to the dynamics are drawn uniformly at random.
/// </summary>
public static class UnrollTargets
{
    /// <summary>Writes the targets of one sample.</summary>
    /// <param name="game">The game.</param>
    /// <param name="i">Position index in [0, T).</param>
    /// <param name="unroll">K ≥ 0.</param>
    /// <param name="tdSteps">n of the n-step value target; n ≥ T gives the Monte Carlo return.</param>
    /// <param name="discount">Per-move discount of the backup (−1 for two-player games).</param>
    /// <param name="actionCount">A.</param>
    /// <param name="rng">Random actions after the end.</param>
    /// <param name="actions">Written: K actions.</param>
    /// <param name="values">Written: K + 1 value targets.</param>
    /// <param name="rewards">Written: K + 1 reward targets (index 0 unused, 0).</param>
    /// <param name="policies">Written: (K + 1) × A policy targets.</param>
    public static void Make(GameRecord game, int i, int unroll, int tdSteps, double discount, int actionCount, Random rng,
        Span<int> actions, Span<float> values, Span<float> rewards, Span<float> policies)
    {
        int T = game.Length;
        rewards[0] = 0;
        for (int k = 0; k <= unroll; k++)
        {
            int j = i + k;
            values[k] = j < T ? (float)ValueTarget(game, j, tdSteps, discount) : 0;
            if (k >= 1) rewards[k] = j - 1 < T ? game.Rewards[j - 1] : 0;
            var policy = policies.Slice(k * actionCount, actionCount);
            if (j < T) game.Policies.AsSpan(j * actionCount, actionCount).CopyTo(policy);
            else policy.Fill(1f / actionCount);
            if (k < unroll) actions[k] = j < T ? game.Actions[j] : rng.Next(actionCount);
        }
    }

    /// <summary>
    /// z_j = Σ_{m&lt;n} γ^m r_{j+m} + γ^n v_{j+n}, where rewards past the end are 0 and the bootstrap value v_{j+n} (a root
    /// search value) is used only when j + n &lt; T.
    /// </summary>
    public static double ValueTarget(GameRecord game, int j, int tdSteps, double discount)
    {
        int T = game.Length;
        double value = 0, factor = 1;
        for (int m = 0; m < tdSteps && j + m < T; m++)
        {
            value += factor * game.Rewards[j + m];
            factor *= discount;
        }
        if (j + tdSteps < T) value += Math.Pow(discount, tdSteps) * game.RootValues[j + tdSteps];
        return value;
    }
}
