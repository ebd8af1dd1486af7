using System.Buffers.Binary;
using System.Globalization;
using Workbench.Runs;

namespace Workbench.Data;

/// <summary>
/// Sorted unsigned 64-bit key sets for index structures: the real Tor GeoIP IPv4 range starts and seeded
/// synthetic distributions of any size. Duplicates are kept (a lower-bound index must handle them).
/// </summary>
public static class KeySets
{
    /// <summary>Where Debian's <c>tor-geoipdb</c> package installs the IPv4 table.</summary>
    public const string GeoIpPath = "/usr/share/tor/geoip";

    /// <summary>The command that installs the GeoIP table.</summary>
    public const string GeoIpInstall = "install it with `sudo apt-get install tor-geoipdb` (or set WORKBENCH_GEOIP to the file)";

    /// <summary>
    /// The start addresses of the IPv4 ranges in Tor's GeoIP table (lines "start,end,country"; 385,602 keys in the
    /// Debian 12 package): real, clustered keys. Read from <c>$WORKBENCH_GEOIP</c> or <see cref="GeoIpPath"/>.
    /// </summary>
    public static ulong[] GeoIp(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("WORKBENCH_GEOIP") is { Length: > 0 } env ? env : GeoIpPath;
        if (!File.Exists(path)) throw new DatasetException($"{path} does not exist; {GeoIpInstall}.");
        var keys = new List<ulong>(400_000);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            int comma = line.IndexOf(',');
            if (comma <= 0 || !ulong.TryParse(line.AsSpan(0, comma), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
                throw new DatasetException($"{path} line {lineNumber} is not 'start,end,country' ('{Truncate(line)}'); {GeoIpInstall}.");
            keys.Add(start);
        }
        if (keys.Count == 0) throw new DatasetException($"{path} holds no ranges; {GeoIpInstall}.");
        var array = keys.ToArray();
        Array.Sort(array);
        return array;
    }

    /// <summary>
    /// <paramref name="count"/> keys from a lognormal(μ, σ) distribution scaled so the largest possible draw fits in
    /// 2^63 (SOSD scales lognormal(0, 2) by 1e9 and stores integers; we scale by <paramref name="scale"/>), sorted.
    /// </summary>
    public static ulong[] Lognormal(int count, int seed, double mu = 0, double sigma = 2, double scale = 1e9) =>
        Generate(count, seed, "lognormal", rng => scale * Math.Exp(mu + sigma * Gaussian(rng)));

    /// <summary><paramref name="count"/> keys from a normal distribution centred at 2^62 (σ = 2^55), sorted.</summary>
    public static ulong[] Normal(int count, int seed) =>
        Generate(count, seed, "normal", rng => Math.Pow(2, 62) + Math.Pow(2, 55) * Gaussian(rng));

    /// <summary><paramref name="count"/> dense keys: a random subset of about 1.5 × count consecutive integers, sorted.</summary>
    public static ulong[] UniformDense(int count, int seed) =>
        Generate(count, seed, "uniform-dense", rng => 1e6 + rng.NextDouble() * count * 1.5);

    /// <summary><paramref name="count"/> keys drawn uniformly from [0, 2^63), sorted.</summary>
    public static ulong[] UniformSparse(int count, int seed) =>
        Generate(count, seed, "uniform-sparse", rng => rng.NextDouble() * Math.Pow(2, 63));

    /// <summary>Checks that keys are sorted ascending; names the first out-of-order position.</summary>
    public static void EnsureSorted(ReadOnlySpan<ulong> keys, string what = "keys")
    {
        for (int i = 1; i < keys.Length; i++)
            if (keys[i] < keys[i - 1])
                throw new ArgumentException(
                    $"{what} must be sorted ascending, but position {i} ({keys[i]}) is smaller than position {i - 1} ({keys[i - 1]}).");
    }

    /// <summary>
    /// Loads a key file in SOSD's binary format: a little-endian u64 count, then the keys; 32-bit keys when the
    /// file name ends in <c>_uint32</c>, else 64-bit. The keys must be sorted.
    /// </summary>
    public static ulong[] LoadSosd(string path)
    {
        if (!File.Exists(path))
            throw new DatasetException($"{path} does not exist; pass a file in SOSD's format (u64 count, then sorted keys).");
        var bytes = File.ReadAllBytes(path);
        bool is32 = Path.GetFileName(path).EndsWith("_uint32", StringComparison.Ordinal);
        int width = is32 ? 4 : 8;
        if (bytes.Length < 8) throw new DatasetException($"{path} is shorter than the 8-byte count header of SOSD's format.");
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if ((ulong)(bytes.Length - 8) != count * (ulong)width)
            throw new DatasetException($"{path} promises {count:N0} keys of {width} bytes but holds {(bytes.Length - 8) / width:N0} " +
                "(truncated, or the _uint32/_uint64 suffix is wrong).");
        var keys = new ulong[count];
        for (int i = 0; i < keys.Length; i++)
            keys[i] = is32
                ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8 + 4 * i))
                : BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8 + 8 * i));
        EnsureSorted(keys, path);
        return keys;
    }

    /// <summary>Writes keys in SOSD's 64-bit format (u64 count, then keys), atomically.</summary>
    public static void SaveSosd(string path, ReadOnlySpan<ulong> keys)
    {
        var bytes = new byte[8 + 8 * keys.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)keys.Length);
        for (int i = 0; i < keys.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 + 8 * i), keys[i]);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    static ulong[] Generate(int count, int seed, string purpose, Func<Random, double> draw)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"key count {count} must be ≥ 0.");
        var rng = Seeds.Rng(seed, "keys:" + purpose);
        var keys = new ulong[count];
        const double max = 9.2e18; // below 2^63, so every key also fits a signed 64-bit integer
        for (int i = 0; i < count; i++) keys[i] = (ulong)Math.Clamp(draw(rng), 0, max);
        Array.Sort(keys);
        return keys;
    }

    static double Gaussian(Random rng)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
