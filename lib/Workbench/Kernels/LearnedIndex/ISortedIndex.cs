namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// An index over a sorted array of <see cref="ulong"/> keys (duplicates allowed) that answers "lower-bound
/// position of k": the first position whose key is ≥ k, or the key count when every key is smaller. The index
/// holds a reference to the caller's key array; <see cref="SizeBytes"/> counts only the index's own structure,
/// as the paper does (the keys are the data, not the index).
/// </summary>
public interface ISortedIndex
{
    /// <summary>Short name for tables and figures, e.g. "RMI log-linear 4096".</summary>
    string Name { get; }

    /// <summary>The indexed keys (sorted ascending).</summary>
    ulong[] Keys { get; }

    /// <summary>Bytes of index structure beyond the keys.</summary>
    long SizeBytes { get; }

    /// <summary>The lower-bound position of <paramref name="key"/> in <see cref="Keys"/>.</summary>
    int Find(ulong key);

    /// <summary>
    /// The strategy <see cref="FindMany(ReadOnlySpan{ulong}, Span{int})"/> uses, chosen at construction from the size of
    /// the data (and, for models, their error), by the rule measured in benchmarks/README.md.
    /// </summary>
    BatchStrategy Strategy { get; }

    /// <summary>
    /// Lower-bound positions of many keys at once (<paramref name="positions"/>[i] for <paramref name="probes"/>[i]) with
    /// <see cref="Strategy"/>: a plain loop of <see cref="Find"/> while the keys are cache-resident, lock-step groups that
    /// overlap their cache misses when they are not. Answers equal <see cref="Find"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="positions"/> is shorter than <paramref name="probes"/>.</exception>
    void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions);

    /// <summary>
    /// <see cref="FindMany(ReadOnlySpan{ulong}, Span{int})"/> with the strategy forced (tests and benchmarks compare
    /// them). An index without a lock-step path runs the loop for both.
    /// </summary>
    void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions, BatchStrategy strategy);
}
