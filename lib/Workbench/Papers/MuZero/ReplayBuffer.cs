namespace Workbench.Papers.MuZero;

/// <summary>A minibatch of unroll samples (flat arrays, row-major).</summary>
/// <param name="Size">Samples B.</param>
/// <param name="Observations">B × O.</param>
/// <param name="Actions">B × K.</param>
/// <param name="Values">B × (K + 1).</param>
/// <param name="Rewards">B × (K + 1).</param>
/// <param name="Policies">B × (K + 1) × A.</param>
public sealed record UnrollBatch(int Size, float[] Observations, int[] Actions, float[] Values, float[] Rewards, float[] Policies);

/// <summary>
/// The replay buffer: the last <see cref="Capacity"/> self-play games; positions are sampled uniformly over all moves
/// it holds. Its games are part of the training checkpoint, so a resumed run samples the same batches.
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

    /// <summary>Samples <paramref name="size"/> positions uniformly and builds their unroll targets.</summary>
    public UnrollBatch Sample(int size, int unroll, int tdSteps, double discount, int observationSize, int actionCount, Random rng)
    {
        var cumulative = new int[_games.Count];
        int total = 0;
        for (int g = 0; g < _games.Count; g++) cumulative[g] = total += _games[g].Length;
        var batch = new UnrollBatch(size, new float[size * observationSize], new int[size * unroll], new float[size * (unroll + 1)],
            new float[size * (unroll + 1)], new float[size * (unroll + 1) * actionCount]);
        for (int s = 0; s < size; s++)
        {
            int pick = rng.Next(total);
            int g = Array.BinarySearch(cumulative, pick + 1);
            if (g < 0) g = ~g;
            var game = _games[g];
            int i = pick - (cumulative[g] - game.Length);
            game.Observations.AsSpan(i * observationSize, observationSize).CopyTo(batch.Observations.AsSpan(s * observationSize));
            UnrollTargets.Make(game, i, unroll, tdSteps, discount, actionCount, rng,
                batch.Actions.AsSpan(s * unroll, unroll), batch.Values.AsSpan(s * (unroll + 1), unroll + 1),
                batch.Rewards.AsSpan(s * (unroll + 1), unroll + 1),
                batch.Policies.AsSpan(s * (unroll + 1) * actionCount, (unroll + 1) * actionCount));
        }
        return batch;
    }
}
