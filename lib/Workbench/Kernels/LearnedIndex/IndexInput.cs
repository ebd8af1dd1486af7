namespace Workbench.Kernels.LearnedIndex;

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
                throw new ArgumentException($"{index} needs keys sorted ascending, but position {i} ({span[i]}) " +
                    $"is smaller than position {i - 1} ({span[i - 1]}); sort them first (Array.Sort).");
    }

    /// <summary>Checks that the position buffer is as long as the probe buffer.</summary>
    public static void CheckBatch(ReadOnlySpan<ulong> probes, Span<int> positions)
    {
        if (positions.Length < probes.Length)
            throw new ArgumentException(
                $"positions holds {positions.Length} entries but {probes.Length} probes were given; it must be at least as long.");
    }
}
