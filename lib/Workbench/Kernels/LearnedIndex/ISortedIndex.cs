using System.Runtime.InteropServices;

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

/// <summary>Input checks shared by the index builders: each failure is one sentence naming the problem.</summary>
public static class IndexInput
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="keys"/> is null, longer than
    /// <see cref="Array.MaxLength"/>, or not sorted ascending (naming the first out-of-order position); an empty
    /// array is rejected only when <paramref name="allowEmpty"/> is false.
    /// </summary>
    public static void Check(ulong[]? keys, string index, bool allowEmpty = true, bool checkSorted = true)
    {
        ArgumentNullException.ThrowIfNull(keys, "keys");
        if (!allowEmpty && keys.Length == 0)
            throw new ArgumentException($"{index} needs at least one key to fit its models, but the key set is empty.");
        if (!checkSorted) return;
        var span = keys.AsSpan();
        for (int i = 1; i < span.Length; i++)
            if (span[i] < span[i - 1])
                throw new ArgumentException($"{index} needs keys sorted ascending, but position {i} ({span[i]}) is smaller than position {i - 1} ({span[i - 1]}); sort them first (Array.Sort).");
    }

    /// <summary>Checks that the position buffer is as long as the probe buffer.</summary>
    public static void CheckBatch(ReadOnlySpan<ulong> probes, Span<int> positions)
    {
        if (positions.Length < probes.Length)
            throw new ArgumentException($"positions holds {positions.Length} entries but {probes.Length} probes were given; it must be at least as long.");
    }
}

/// <summary>
/// Maps floating-point keys to <see cref="ulong"/> keys with the same order (IEEE-754 bit trick: flip all bits of
/// negatives, the sign bit of the rest), so every index here also serves <see cref="double"/> keys.
/// </summary>
public static class KeyEncoding
{
    /// <summary>The order-preserving code of one finite or infinite double; NaN throws.</summary>
    public static ulong FromDouble(double value)
    {
        if (double.IsNaN(value)) throw new ArgumentException("A NaN key has no place in a sorted order; drop or replace NaN values before indexing.");
        if (value == 0) value = 0; // -0.0 and +0.0 are the same key
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    /// <summary>Encodes every value; the first NaN is named by its position.</summary>
    public static ulong[] FromDoubles(ReadOnlySpan<double> values)
    {
        var result = new ulong[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
                throw new ArgumentException($"Key at position {i} is NaN, which has no place in a sorted order; drop or replace NaN values before indexing.");
            result[i] = FromDouble(values[i]);
        }
        return result;
    }

    /// <summary>The double whose code is <paramref name="code"/> (inverse of <see cref="FromDouble"/>).</summary>
    public static double ToDouble(ulong code)
    {
        ulong bits = (code & 0x8000_0000_0000_0000UL) != 0 ? code & 0x7FFF_FFFF_FFFF_FFFFUL : ~code;
        return BitConverter.Int64BitsToDouble((long)bits);
    }
}

/// <summary>How a binary search baseline runs.</summary>
public enum BinarySearchKind
{
    /// <summary>The textbook loop with one data-dependent branch per step (<c>std::lower_bound</c>, as SOSD's BS).</summary>
    Branchy,
    /// <summary>Fixed-length loop with a conditional move per step; no mispredictions.</summary>
    BranchFree,
}

/// <summary>The baseline with no structure at all: binary search over the keys.</summary>
public sealed class BinarySearchIndex : ISortedIndex
{
    /// <summary>Wraps sorted keys; <paramref name="validate"/> = false skips the O(n) sortedness check.</summary>
    public BinarySearchIndex(ulong[] keys, BinarySearchKind kind = BinarySearchKind.BranchFree, bool validate = true)
    {
        IndexInput.Check(keys, "Binary search", checkSorted: validate);
        Keys = keys;
        Kind = kind;
    }

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
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions)
    {
        IndexInput.CheckBatch(probes, positions);
        if (Kind == BinarySearchKind.Branchy)
        {
            for (int i = 0; i < probes.Length; i++) positions[i] = LowerBound.Reference(Keys, probes[i]);
            return;
        }
        BatchedSearch.Interleaved(Keys, probes, positions);
    }
}
