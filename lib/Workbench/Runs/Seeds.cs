using System.Security.Cryptography;
using System.Text;

namespace Workbench.Runs;

/// <summary>Derives independent, reproducible seeds from a config's base seed and a purpose name.</summary>
public static class Seeds
{
    /// <summary>
    /// A non-negative seed for one stochastic step (e.g. "init", "shuffle:epoch3"), stable across processes
    /// and machines (SHA-256 of the base seed and the purpose, not <see cref="string.GetHashCode()"/>).
    /// </summary>
    public static int Derive(int baseSeed, string purpose)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{baseSeed}:{purpose}"));
        return BitConverter.ToInt32(hash, 0) & int.MaxValue;
    }

    /// <summary>A <see cref="Random"/> seeded for one purpose.</summary>
    public static Random Rng(int baseSeed, string purpose) => new(Derive(baseSeed, purpose));

    /// <summary>A permutation of 0..n-1 (Fisher–Yates) drawn for one purpose.</summary>
    public static int[] Permutation(int n, int baseSeed, string purpose)
    {
        var rng = Rng(baseSeed, purpose);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
