namespace Workbench.Kernels.LearnedIndex;

/// <summary>A classic Bloom filter over strings: m bits, k probes by double hashing of one 128-bit string hash.</summary>
public sealed class BloomFilter
{
    readonly ulong[] _bits;

    /// <summary>An empty filter of <paramref name="bits"/> bits (≥ 1) and <paramref name="hashes"/> probes (≥ 1).</summary>
    public BloomFilter(long bits, int hashes)
    {
        if (bits < 1) throw new ArgumentOutOfRangeException(null, $"Bloom filter size {bits} bits is out of range: it must be ≥ 1.");
        if (hashes < 1) throw new ArgumentOutOfRangeException(null, $"Bloom filter hash count {hashes} is out of range: it must be ≥ 1.");
        Bits = bits;
        Hashes = hashes;
        _bits = new ulong[(bits + 63) / 64];
    }

    /// <summary>The filter sized for <paramref name="keys"/> keys in <paramref name="bits"/> bits, with the optimal
    /// k = (m/n)·ln 2.</summary>
    public static BloomFilter ForKeys(long keys, long bits) =>
        new(Math.Max(1, bits), keys == 0 ? 1 : Math.Clamp((int)Math.Round((double)bits / keys * Math.Log(2)), 1, 30));

    /// <summary>Size in bits.</summary>
    public long Bits { get; }

    /// <summary>Probes per key.</summary>
    public int Hashes { get; }

    /// <summary>Inserts a key.</summary>
    public void Add(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = Math.BigMul(h1 + (ulong)i * h2, (ulong)Bits, out _);
            _bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>False when the key was certainly never added; true when it may have been.</summary>
    public bool MayContain(string key)
    {
        var (h1, h2) = Hash(key);
        for (int i = 0; i < Hashes; i++)
        {
            ulong bit = Math.BigMul(h1 + (ulong)i * h2, (ulong)Bits, out _);
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Two independent 64-bit hashes of a string (a multiply-rotate mix per character, MurmurHash3 finaliser).</summary>
    internal static (ulong, ulong) Hash(string key)
    {
        ulong a = 0x243F6A8885A308D3UL, b = 0x13198A2E03707344UL;
        foreach (char c in key)
        {
            a = ulong.RotateLeft((a ^ c) * 0x9E3779B97F4A7C15UL, 27);
            b = ulong.RotateLeft((b ^ c) * 0xC2B2AE3D27D4EB4FUL, 31);
        }
        return (Mix(a ^ (ulong)key.Length), Mix(b) | 1);
    }

    static ulong Mix(ulong h)
    {
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33; h *= 0xC4CEB9FE1A85EC53UL; h ^= h >> 33;
        return h;
    }
}
