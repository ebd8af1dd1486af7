using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

/// <summary>Every index against the plain lower bound, on fresh random inputs (the seed is in every failure message).</summary>
public class LowerBoundIndexTests
{
    static readonly int RunSeed = Environment.GetEnvironmentVariable("WORKBENCH_TEST_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();

    public static IEnumerable<object[]> Builders() =>
    [
        ["binary search"], ["binary search (branchy)"], ["B+tree 2"], ["B+tree 16"], ["B+tree 128"], ["B+tree 4096"],
        ["PGM 1"], ["PGM 8"], ["PGM 256"],
        ["RMI linear 1 binary"], ["RMI linear 64 binary"], ["RMI log-linear 256 exponential"], ["RMI cubic 1000 linear"],
        ["RMI log-linear 4096 binary"], ["RMI cubic 64 exponential"], ["RMI linear 7 linear"],
    ];

    internal static ISortedIndex Build(string name, ulong[] keys)
    {
        var parts = name.Split(' ');
        return parts[0] switch
        {
            "binary" => new BinarySearchIndex(keys, name.Contains("branchy") ? BinarySearchKind.Branchy : BinarySearchKind.BranchFree),
            "B+tree" => new StaticBPlusTree(keys, int.Parse(parts[1])),
            "PGM" => new PiecewiseLinearIndex(keys, int.Parse(parts[1])),
            _ => new RecursiveModelIndex(keys, new RmiOptions(
                parts[1] switch
                {
                    "linear" => RootModelKind.Linear,
                    "log-linear" => RootModelKind.LogLinear,
                    "cubic" => RootModelKind.Cubic,
                    _ => RootModelKind.Mlp
                },
                int.Parse(parts[2]), Enum.Parse<LastMileSearch>(parts[3], ignoreCase: true))),
        };
    }

    /// <summary>Key sets that stress an index: clustered, duplicated, extreme, tiny.</summary>
    internal static IEnumerable<(string Name, ulong[] Keys)> KeySetsFor(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(1, 5000);
        yield return ("one key", [NextU64(rng)]);
        yield return ("one key 0", [0]);
        yield return ("one key max", [ulong.MaxValue]);
        yield return ("all equal", Enumerable.Repeat(NextU64(rng), n).ToArray());
        yield return ("0 and max", [0, 0, 1, ulong.MaxValue - 1, ulong.MaxValue, ulong.MaxValue]);
        yield return ("uniform full range", Sorted(n, () => NextU64(rng)));
        yield return ("dense with duplicates", Sorted(n, () => (ulong)rng.Next(0, n / 3 + 1)));
        yield return ("lognormal", KeySets.Lognormal(n, seed));
        yield return ("normal", KeySets.Normal(n, seed));
        yield return ("uniform dense", KeySets.UniformDense(n, seed));
        yield return ("clusters near max",
            Sorted(n, () => ulong.MaxValue - (ulong)rng.Next(0, 50) * (1UL << 40) - (ulong)rng.Next(0, 1000)));
        yield return ("heavy runs", Sorted(n, () => rng.Next(4) == 0 ? 12345UL : NextU64(rng) >> rng.Next(0, 64)));
        yield return ("large", KeySets.Lognormal(200_000, seed));
    }

    internal static ulong NextU64(Random rng) => (ulong)rng.NextInt64() << 1 ^ (ulong)rng.Next(2);

    static ulong[] Sorted(int n, Func<ulong> draw)
    {
        var a = new ulong[n];
        for (int i = 0; i < n; i++) a[i] = draw();
        Array.Sort(a);
        return a;
    }

    /// <summary>Probes: every key, its neighbours ±1, random values, the extremes.</summary>
    internal static ulong[] Probes(ulong[] keys, Random rng, int random = 2000)
    {
        var probes = new List<ulong> { 0, 1, ulong.MaxValue, ulong.MaxValue - 1 };
        int stride = Math.Max(1, keys.Length / 3000);
        for (int i = 0; i < keys.Length; i += stride)
        {
            probes.Add(keys[i]);
            probes.Add(keys[i] - 1);
            probes.Add(keys[i] + 1);
        }
        for (int i = 0; i < random; i++) probes.Add(NextU64(rng) >> rng.Next(0, 64));
        for (int i = 0; i < random && keys.Length > 1; i++)
        {
            int a = rng.Next(keys.Length - 1);
            probes.Add(keys[a] + (keys[a + 1] - keys[a]) / 2);
        }
        return [.. probes];
    }

    [Theory]
    [MemberData(nameof(Builders))]
    public void Agrees_with_the_plain_lower_bound_on_random_key_sets(string index)
    {
        for (int round = 0; round < 3; round++)
        {
            int seed = RunSeed + round;
            foreach (var (setName, keys) in KeySetsFor(seed))
            {
                if (index.StartsWith("B+tree 2") && keys.Length > 100_000) continue;
                var built = Build(index, keys);
                var probes = Probes(keys, new Random(seed));
                var batch = new int[probes.Length];
                built.FindMany(probes, batch);
                for (int i = 0; i < probes.Length; i++)
                {
                    int expected = LowerBound.Reference(keys, probes[i]);
                    int single = built.Find(probes[i]);
                    if (single != expected || batch[i] != expected)
                        Assert.Fail(
                            $"{index} on '{setName}' ({keys.Length} keys, seed {seed}; rerun with WORKBENCH_TEST_SEED={RunSeed}): " +
                            $"probe {probes[i]} → single {single}, batched {batch[i]}, expected {expected}.");
                }
            }
        }
    }

    [Theory]
    [InlineData("binary search")]
    [InlineData("B+tree 16")]
    [InlineData("PGM 4")]
    public void Empty_key_set_answers_zero_where_no_model_is_needed(string index)
    {
        var built = Build(index, []);
        Assert.Equal(0, built.Find(0));
        Assert.Equal(0, built.Find(ulong.MaxValue));
    }

    [Fact]
    public void Rmi_with_mlp_root_agrees_with_the_plain_lower_bound()
    {
        int seed = RunSeed;
        var keys = KeySets.Lognormal(50_000, seed);
        var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Mlp, 512, MlpSteps: 100, Seed: seed));
        var probes = Probes(keys, new Random(seed));
        foreach (var probe in probes)
            Assert.True(rmi.Find(probe) == LowerBound.Reference(keys, probe), $"MLP RMI, seed {seed}: probe {probe}");
        Assert.Equal(RootModelKind.Mlp, rmi.Root.Kind);
    }

    [Fact]
    public void Last_mile_primitives_agree_on_every_window()
    {
        int seed = RunSeed;
        var rng = new Random(seed);
        var keys = Sorted(300, () => (ulong)rng.Next(0, 200));
        ref ulong data = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(keys);
        for (int trial = 0; trial < 5000; trial++)
        {
            int lo = rng.Next(0, keys.Length + 1), hi = rng.Next(lo, keys.Length + 1);
            ulong key = (ulong)rng.Next(-5, 210);
            int expected = lo + LowerBound.Reference(keys.AsSpan(lo, hi - lo), key);
            Assert.True(LowerBound.BranchFree(ref data, lo, hi, key) == expected, $"branch-free, seed {seed}, [{lo},{hi}) key {key}");
            Assert.True(LowerBound.Flagged(ref data, lo, hi, key) == expected, $"flagged, seed {seed}, [{lo},{hi}) key {key}");
            Assert.True(LowerBound.LinearCount(ref data, lo, hi, key) == expected, $"linear, seed {seed}, [{lo},{hi}) key {key}");
            Assert.True(LowerBound.Page(ref data, lo, hi, key) == expected, $"page, seed {seed}, [{lo},{hi}) key {key}");
            if (hi > lo)
                Assert.True(LowerBound.Exponential(ref data, lo, hi, rng.Next(lo, hi), key) == expected,
                    $"exponential, seed {seed}, [{lo},{hi}) key {key}");
            int guarded = LowerBound.Guard(ref data, keys.Length, lo, hi, expected, key);
            Assert.True(guarded == LowerBound.Reference(keys, key), $"guard, seed {seed}, [{lo},{hi}) key {key}");
        }
    }

    [Fact]
    public void Rmi_reports_sizes_and_error_statistics()
    {
        var keys = KeySets.UniformDense(100_000, 1);
        var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Linear, 1000));
        Assert.Equal(1000 * 16 + rmi.Root.SizeBytes + 32, rmi.SizeBytes);
        Assert.InRange(rmi.AvgLg2, 0, 10);
        Assert.True(rmi.MaxLg2 >= rmi.AvgLg2);
        Assert.Equal(0, rmi.SaturatedLeaves);
        var tree = new StaticBPlusTree(keys, 128);
        Assert.Equal(2, tree.Height);
        Assert.Equal((782 + 7) * 8, tree.SizeBytes);
    }

    [Fact]
    public void Log_linear_root_beats_linear_root_on_lognormal_keys()
    {
        var keys = KeySets.Lognormal(200_000, 3);
        var linear = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Linear, 2048));
        var log = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.LogLinear, 2048));
        Assert.True(log.AvgLg2 < linear.AvgLg2 - 1, $"log-linear AvgLg2 {log.AvgLg2:0.00} vs linear {linear.AvgLg2:0.00}");
    }
}
