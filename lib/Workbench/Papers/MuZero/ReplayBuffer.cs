namespace Workbench.Papers.MuZero;

/// <summary>A minibatch of unroll samples (flat arrays, row-major).</summary>
/// <param name="Size">Samples B.</param>
/// <param name="Observations">B × O.</param>
/// <param name="Actions">B × K.</param>
/// <param name="Values">B × (K + 1).</param>
/// <param name="Rewards">B × (K + 1).</param>
/// <param name="Policies">B × (K + 1) × A.</param>
/// <param name="Weights">B importance weights of prioritized sampling in (0, 1], or null for uniform sampling (all 1).</param>
public sealed record UnrollBatch(int Size, float[] Observations, int[] Actions, float[] Values, float[] Rewards, float[] Policies,
    float[]? Weights = null);

/// <summary>
/// The replay buffer: the last <see cref="Capacity"/> self-play games; positions are sampled uniformly over all moves
/// it holds, or prioritized as MuZero does for Atari (Appendix G): P(i) ∝ p_i^α with p_i = |ν_i − z_i| (root search value
/// vs n-step target) and importance weights (N · P(i))^−1 scaled so the largest possible is 1. Its games are part of the
/// training checkpoint and the priorities are recomputed from them, so a resumed run samples the same batches.
/// </summary>
public sealed class ReplayBuffer(int capacity)
{
    readonly List<GameRecord> _games = [];

    /// <summary>Games kept.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>The games held, oldest first.</summary>
    public IReadOnlyList<GameRecord> Games => _games;

    /// <summary>Moves held.</summary>
    public int Positions => _games.Sum(g => g.Length);

    /// <summary>Adds games, dropping the oldest beyond the capacity.</summary>
    public void Add(IEnumerable<GameRecord> games)
    {
        _games.AddRange(games);
        if (_games.Count > Capacity) _games.RemoveRange(0, _games.Count - Capacity);
    }

    /// <summary>Smallest priority p_i, so every position can still be drawn.</summary>
    public const double PriorityFloor = 1e-3;

    /// <summary>
    /// Samples <paramref name="size"/> positions (uniformly when <paramref name="priorityExponent"/> is 0, else with
    /// P(i) ∝ max(|ν_i − z_i|, <see cref="PriorityFloor"/>)^α) and builds their unroll targets. With
    /// <paramref name="symmetries"/> (permutations of the actions, perm[a] = image of a, under which the game is invariant)
    /// each sample is mapped by one drawn uniformly: the observation's planes by <paramref name="planeSymmetries"/>' entry
    /// at the same index (perm[c] = image of cell c of one plane; null: the action permutation, for observations made of
    /// planes of one float per action, as in tic-tac-toe), the actions fed to the dynamics and every policy target
    /// (AlphaGo Zero's dihedral augmentation; Connect-4's left-right mirror).
    /// </summary>
    public UnrollBatch Sample(int size, int unroll, int tdSteps, double discount, int observationSize, int actionCount, Random rng,
        double priorityExponent = 0, IReadOnlyList<int[]>? symmetries = null, IReadOnlyList<int[]>? planeSymmetries = null)
    {
        var cumulative = new int[_games.Count];
        int total = 0;
        for (int g = 0; g < _games.Count; g++) cumulative[g] = total += _games[g].Length;
        double[]? mass = priorityExponent > 0 ? Priorities(total, tdSteps, discount, priorityExponent) : null;
        var batch = new UnrollBatch(size, new float[size * observationSize], new int[size * unroll], new float[size * (unroll + 1)],
            new float[size * (unroll + 1)], new float[size * (unroll + 1) * actionCount], mass is null ? null : new float[size]);
        for (int s = 0; s < size; s++)
        {
            int pick;
            if (mass is null) pick = rng.Next(total);
            else
            {
                double u = rng.NextDouble() * mass[total - 1];
                pick = Array.BinarySearch(mass, u);
                if (pick < 0) pick = ~pick;
                pick = Math.Min(pick, total - 1);
                double own = mass[pick] - (pick == 0 ? 0 : mass[pick - 1]);
                batch.Weights![s] = (float)(mass[total - 1] / (total * own)); // (N P(i))^−1, β = 1
            }
            int g = Array.BinarySearch(cumulative, pick + 1);
            if (g < 0) g = ~g;
            var game = _games[g];
            int i = pick - (cumulative[g] - game.Length);
            game.Observations.AsSpan(i * observationSize, observationSize).CopyTo(batch.Observations.AsSpan(s * observationSize));
            UnrollTargets.Make(game, i, unroll, tdSteps, discount, actionCount, rng,
                batch.Actions.AsSpan(s * unroll, unroll), batch.Values.AsSpan(s * (unroll + 1), unroll + 1),
                batch.Rewards.AsSpan(s * (unroll + 1), unroll + 1),
                batch.Policies.AsSpan(s * (unroll + 1) * actionCount, (unroll + 1) * actionCount));
            if (symmetries is { Count: > 0 })
            {
                int t = rng.Next(symmetries.Count);
                Transform(batch, s, symmetries[t], planeSymmetries?[t] ?? symmetries[t], unroll, observationSize, actionCount);
            }
        }
        if (batch.Weights is { } w)
        {
            // Scaled to mean 1 over the batch, so the step size does not depend on how peaked the priorities are.
            float mean = w.Average();
            for (int s = 0; s < size; s++) w[s] /= mean;
        }
        return batch;
    }

    static void Transform(UnrollBatch batch, int s, int[] perm, int[] planePerm, int unroll, int observationSize, int actionCount)
    {
        int planeSize = planePerm.Length;
        Span<float> copy = stackalloc float[Math.Max(observationSize, actionCount)];
        var obs = batch.Observations.AsSpan(s * observationSize, observationSize);
        for (int plane = 0; plane < observationSize / planeSize; plane++)
        {
            var cells = obs.Slice(plane * planeSize, planeSize);
            cells.CopyTo(copy);
            for (int c = 0; c < planeSize; c++) cells[planePerm[c]] = copy[c];
        }
        var actions = batch.Actions.AsSpan(s * unroll, unroll);
        for (int k = 0; k < unroll; k++) actions[k] = perm[actions[k]];
        for (int k = 0; k <= unroll; k++)
        {
            var policy = batch.Policies.AsSpan((s * (unroll + 1) + k) * actionCount, actionCount);
            policy.CopyTo(copy);
            for (int a = 0; a < actionCount; a++) policy[perm[a]] = copy[a];
        }
    }

    /// <summary>Cumulative p_i^α over every position held, in buffer order.</summary>
    double[] Priorities(int total, int tdSteps, double discount, double exponent)
    {
        var mass = new double[total];
        double sum = 0;
        int p = 0;
        foreach (var game in _games)
            for (int j = 0; j < game.Length; j++)
            {
                double error = Math.Abs(game.RootValues[j] - UnrollTargets.ValueTarget(game, j, tdSteps, discount));
                mass[p++] = sum += Math.Pow(Math.Max(error, PriorityFloor), exponent);
            }
        return mass;
    }
}
