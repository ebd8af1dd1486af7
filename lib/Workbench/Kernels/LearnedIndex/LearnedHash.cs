namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// The paper's learned hash function (§4): h(k) = ⌊F(k) · M⌋ with F the key distribution's CDF as learned by an RMI
/// and M the number of slots. If the model learned the CDF perfectly, keys would spread over the slots with no
/// conflicts at all; a random hash conflicts for about 1/e of the keys at one slot per key whatever the keys.
/// </summary>
public sealed class LearnedHash
{
    readonly RecursiveModelIndex _model;
    readonly double _scale;

    /// <summary>Fits the CDF model (an RMI over the keys) for a table of <paramref name="slots"/> slots.</summary>
    public LearnedHash(ulong[] keys, long slots, RmiOptions options)
    {
        if (slots <= 0) throw new ArgumentOutOfRangeException(null, $"hash-table slots {slots} is out of range: it must be ≥ 1.");
        _model = new RecursiveModelIndex(keys, options);
        Slots = slots;
        _scale = (double)slots / keys.Length;
    }

    /// <summary>Number of slots.</summary>
    public long Slots { get; }

    /// <summary>Model bytes.</summary>
    public long SizeBytes => _model.SizeBytes;

    /// <summary>The slot of a key.</summary>
    public long Slot(ulong key) => Math.Clamp((long)(_model.Predict(key) * _scale), 0, Slots - 1);

    /// <summary>
    /// A strong random hash (the 64-bit finaliser of MurmurHash3, seeded) mapped to <paramref name="slots"/> by a
    /// multiply-high, the baseline the learned hash is compared with.
    /// </summary>
    public static long RandomSlot(ulong key, ulong seed, long slots)
    {
        ulong h = key ^ (seed * 0x9E3779B97F4A7C15UL);
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 33;
        return (long)Math.BigMul(h, (ulong)slots, out _);
    }

    /// <summary>
    /// The share of keys that land in an already occupied slot (keys − occupied slots) / keys, counting each distinct
    /// key once (duplicates of a key are the same key to a hash table).
    /// </summary>
    public static double ConflictRate(ulong[] keys, long slots, Func<ulong, long> slot)
    {
        var occupied = new System.Collections.BitArray(checked((int)slots));
        long distinct = 0, conflicts = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (i > 0 && keys[i] == keys[i - 1]) continue;
            distinct++;
            int s = (int)slot(keys[i]);
            if (occupied[s]) conflicts++;
            else occupied[s] = true;
        }
        return distinct == 0 ? 0 : (double)conflicts / distinct;
    }
}
