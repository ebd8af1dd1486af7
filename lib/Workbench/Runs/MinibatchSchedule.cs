namespace Workbench.Runs;

/// <summary>
/// Which examples each training step uses: every epoch is a fresh seeded permutation, so the batch of step t depends
/// only on (seed, t). A run resumed at step t therefore sees exactly the batches an uninterrupted one would.
/// </summary>
/// <param name="count">Training examples.</param>
/// <param name="batchSize">Examples per step (the last partial batch of an epoch is skipped).</param>
/// <param name="seed">The run's seed.</param>
public sealed class MinibatchSchedule(int count, int batchSize, int seed)
{
    int[] _order = [];
    long _epoch = -1;

    /// <summary>Full batches per epoch.</summary>
    public int BatchesPerEpoch { get; } = Math.Max(1, count / batchSize);

    /// <summary>The example indices of step <paramref name="step"/> (0-based), as torch index values.</summary>
    public long[] Batch(long step)
    {
        long epoch = step / BatchesPerEpoch;
        if (epoch != _epoch)
        {
            _order = Seeds.Permutation(count, seed, $"epoch:{epoch}");
            _epoch = epoch;
        }
        int offset = (int)(step % BatchesPerEpoch) * batchSize;
        return Array.ConvertAll(_order[offset..(offset + batchSize)], i => (long)i);
    }
}
