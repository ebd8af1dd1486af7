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
    /// Lower-bound positions of many keys at once (<paramref name="positions"/>[i] for <paramref name="probes"/>[i]);
    /// implementations overlap the memory accesses of neighbouring probes.
    /// </summary>
    void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions);
}
