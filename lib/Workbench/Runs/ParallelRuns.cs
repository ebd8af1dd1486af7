namespace Workbench.Runs;

/// <summary>
/// Runs independent pieces of work (seeds, ablation chains) side by side. Each run seeds its own randomness and builds
/// its modules under <see cref="Torch.TorchRandom"/>'s lock, so the numbers do not depend on the schedule.
/// </summary>
public static class ParallelRuns
{
    /// <summary>How many at once: <c>$WORKBENCH_PARALLEL_RUNS</c>, default the processor count (1 = one after the other).</summary>
    public static int Count => int.TryParse(Environment.GetEnvironmentVariable("WORKBENCH_PARALLEL_RUNS"), out var n) && n > 0
        ? n : Environment.ProcessorCount;

    /// <summary>
    /// Applies <paramref name="work"/> to every item, <see cref="Count"/> at a time; results in item order. Each lane takes
    /// the next item from one queue: in item order, or, given <paramref name="cost"/>, the most expensive first (longest
    /// processing time first), so a long run does not start last and leave the other lanes idle while it finishes.
    /// After a failure no new item starts; the failures are thrown together as an <see cref="AggregateException"/>.
    /// </summary>
    /// <param name="items">The work items.</param>
    /// <param name="work">The work for one item.</param>
    /// <param name="cancellation">Stops the queue (items already started see the token through <paramref name="work"/>).</param>
    /// <param name="cost">An estimate of each item's time in any unit; only the order matters.</param>
    public static TOut[] Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> work, CancellationToken cancellation = default,
        Func<TIn, double>? cost = null)
    {
        var results = new TOut[items.Count];
        int[] order = [.. Enumerable.Range(0, items.Count)];
        if (cost is not null) order = [.. order.OrderByDescending(i => cost(items[i]))]; // stable: ties keep item order
        if (Count == 1 || items.Count <= 1)
        {
            foreach (int i in order) results[i] = work(items[i]);
            return results;
        }
        int next = -1, failed = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Count, CancellationToken = cancellation };
        Parallel.For(0, Math.Min(Count, items.Count), options, _ =>
        {
            int k;
            while (Volatile.Read(ref failed) == 0 && (k = Interlocked.Increment(ref next)) < order.Length)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    results[order[k]] = work(items[order[k]]);
                }
                catch
                {
                    Volatile.Write(ref failed, 1);
                    throw;
                }
            }
        });
        return results;
    }
}
