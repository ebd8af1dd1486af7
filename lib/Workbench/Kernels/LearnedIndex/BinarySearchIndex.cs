using System.Runtime.InteropServices;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>The baseline with no structure at all: binary search over the keys.</summary>
public sealed class BinarySearchIndex : ISortedIndex
{
    /// <summary>Wraps sorted keys; <paramref name="validate"/> = false skips the O(n) sortedness check.</summary>
    public BinarySearchIndex(ulong[] keys, BinarySearchKind kind = BinarySearchKind.BranchFree, bool validate = true)
    {
        IndexInput.Check(keys, "Binary search", checkSorted: validate);
        Keys = keys;
        Kind = kind;
        Strategy = kind == BinarySearchKind.Branchy ? BatchStrategy.Loop : BatchedSearch.ByDataSize(keys.Length);
    }

    /// <inheritdoc/>
    public BatchStrategy Strategy { get; }

    /// <summary>Branchy or branch-free.</summary>
    public BinarySearchKind Kind { get; }

    /// <inheritdoc/>
    public string Name => Kind == BinarySearchKind.BranchFree ? "binary search" : "binary search (branchy)";

    /// <inheritdoc/>
    public ulong[] Keys { get; }

    /// <inheritdoc/>
    public long SizeBytes => 0;

    /// <inheritdoc/>
    public int Find(ulong key) => Kind == BinarySearchKind.BranchFree
        ? LowerBound.BranchFree(ref MemoryMarshal.GetArrayDataReference(Keys), 0, Keys.Length, key)
        : LowerBound.Reference(Keys, key);

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions) => FindMany(probes, positions, Strategy);

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions, BatchStrategy strategy)
    {
        IndexInput.CheckBatch(probes, positions);
        if (Kind == BinarySearchKind.Branchy)
        {
            for (int i = 0; i < probes.Length; i++) positions[i] = LowerBound.Reference(Keys, probes[i]);
            return;
        }
        if (strategy == BatchStrategy.Interleaved) { BatchedSearch.Interleaved(Keys, probes, positions); return; }
        ref ulong keys = ref MemoryMarshal.GetArrayDataReference(Keys);
        int n = Keys.Length;
        for (int i = 0; i < probes.Length; i++) positions[i] = LowerBound.BranchFree(ref keys, 0, n, probes[i]);
    }
}
