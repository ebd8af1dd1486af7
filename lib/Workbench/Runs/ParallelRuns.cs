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

    /// <summary>Applies <paramref name="work"/> to every item, <see cref="Count"/> at a time; results in item order.</summary>
    public static TOut[] Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> work, CancellationToken cancellation = default)
    {
        var results = new TOut[items.Count];
        if (Count == 1 || items.Count <= 1)
        {
            for (int i = 0; i < items.Count; i++) results[i] = work(items[i]);
            return results;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Count, CancellationToken = cancellation };
        Parallel.For(0, items.Count, options, i => results[i] = work(items[i]));
        return results;
    }
}
