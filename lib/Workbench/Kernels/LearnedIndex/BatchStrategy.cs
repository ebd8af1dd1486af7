namespace Workbench.Kernels.LearnedIndex;

/// <summary>How <see cref="ISortedIndex.FindMany(ReadOnlySpan{ulong}, Span{int})"/> runs a batch of probes.</summary>
public enum BatchStrategy
{
    /// <summary>
    /// One <see cref="ISortedIndex.Find"/> after another. Best while the keys are cache-resident: the out-of-order core
    /// already overlaps neighbouring searches, and lock-step bookkeeping would only add instructions.
    /// </summary>
    Loop,
    /// <summary>
    /// Groups of probes advance through their searches in lock step, each prefetching the line it reads next, so the
    /// group's cache misses overlap (memory-level parallelism). Best once lookups miss the last-level cache.
    /// </summary>
    Interleaved,
}
