using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

/// <summary>
/// <c>FindMany</c> against <c>Find</c> for every index and both batch strategies (the loop and the lock-step groups) on
/// small key sets: present keys, absent keys, both ends of the key range and duplicates. Speed is shown in benchmarks/.
/// </summary>
public class BatchedLookupTests
{
    static readonly int RunSeed = Environment.GetEnvironmentVariable("WORKBENCH_TEST_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();

    public static IEnumerable<object[]> Builders() => LowerBoundIndexTests.Builders();

    [Theory]
    [MemberData(nameof(Builders))]
    public void Find_many_equals_find_with_either_strategy(string index)
    {
        for (int round = 0; round < 2; round++)
        {
            // The second round runs the RMI's lock-step rounds in their scalar form (the first uses AVX2 where present).
            RecursiveModelIndex.ForceScalarLockStep = round == 1;
            try { FindManyEqualsFind(index, RunSeed + round); }
            finally { RecursiveModelIndex.ForceScalarLockStep = false; }
        }
    }

    static void FindManyEqualsFind(string index, int seed)
    {
        foreach (var (setName, keys) in LowerBoundIndexTests.KeySetsFor(seed).Where(k => k.Keys.Length <= 5000))
        {
            var built = LowerBoundIndexTests.Build(index, keys);
            var rng = new Random(seed);
            var probes = LowerBoundIndexTests.Probes(keys, rng, random: 500).ToList();
            // Duplicated probes, and runs of one probe, inside and across groups.
            for (int i = 0; i < 40 && keys.Length > 0; i++)
                probes.AddRange(Enumerable.Repeat(keys[rng.Next(keys.Length)], rng.Next(1, 40)));
            var shuffled = probes.OrderBy(_ => rng.Next()).ToArray();
            foreach (var strategy in Enum.GetValues<BatchStrategy>())
            {
                // An odd length leaves a partial last group.
                var batch = new int[shuffled.Length - 1];
                built.FindMany(shuffled.AsSpan(0, batch.Length), batch, strategy);
                for (int i = 0; i < batch.Length; i++)
                    if (batch[i] != built.Find(shuffled[i]))
                        Assert.Fail($"{index} ({strategy}) on '{setName}' ({keys.Length} keys, seed {seed}; rerun with " +
                            $"WORKBENCH_TEST_SEED={RunSeed}): probe {shuffled[i]} → batched {batch[i]}, "
                            + $"single {built.Find(shuffled[i])}.");
            }
        }
    }

    [Fact]
    public void The_strategy_follows_the_size_of_the_keys()
    {
        var small = KeySets.Lognormal(20_000, 1);
        var large = KeySets.Lognormal((int)(BatchedSearch.CacheResidentBytes / sizeof(ulong)) + 1, 1);
        foreach (var keys in new[] { small, large })
        {
            var expected = keys.Length * 8L <= BatchedSearch.CacheResidentBytes ? BatchStrategy.Loop : BatchStrategy.Interleaved;
            Assert.Equal(expected, new BinarySearchIndex(keys).Strategy);
            Assert.Equal(expected, new StaticBPlusTree(keys, 128).Strategy);
            foreach (int leaves in new[] { 4, 256 })
            {
                var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.LogLinear, leaves));
                bool loops = keys.Length * 8L <= BatchedSearch.CacheResidentBytes
                    || (keys.Length * 8L <= RecursiveModelIndex.LoopBytes && rmi.AvgLg2 <= 8);
                var rmiExpected = loops ? BatchStrategy.Loop : BatchStrategy.Interleaved;
                Assert.Equal(rmiExpected, rmi.Strategy);
                Assert.InRange(rmi.LockStepWindow, 256, 4096);
            }
            Assert.Equal(BatchStrategy.Loop, new BinarySearchIndex(keys, BinarySearchKind.Branchy).Strategy);
            Assert.Equal(BatchStrategy.Loop, new PiecewiseLinearIndex(keys, 64).Strategy);
        }
        Assert.Equal(BatchStrategy.Loop, new BinarySearchIndex(small).Strategy);
        Assert.Equal(BatchStrategy.Interleaved, new BinarySearchIndex(large).Strategy);
        // Wide windows (4 leaves over 131k lognormal keys) interleave beyond 1 MB; tight ones loop up to 8 MB.
        Assert.Equal(BatchStrategy.Interleaved, new RecursiveModelIndex(large, new RmiOptions(RootModelKind.Linear, 4)).Strategy);
    }

    [Fact]
    public void Find_many_rejects_a_short_position_buffer()
    {
        var index = new BinarySearchIndex([1, 2, 3]);
        var error = Assert.Throws<ArgumentException>(() => index.FindMany([1, 2], new int[1], BatchStrategy.Interleaved));
        Assert.Contains("at least as long", error.Message);
    }

    [Fact]
    public void The_miss_model_counts_only_first_touches_in_a_cache_that_holds_the_keys_and_more_in_one_that_does_not()
    {
        var keys = KeySets.UniformDense(4096, 2);
        var rng = new Random(RunSeed);
        var probes = Enumerable.Range(0, 2000).Select(_ => keys[rng.Next(keys.Length)]).ToArray();
        var bs = new BinarySearchIndex(keys);
        // 4,096 keys are 512 lines: in a 1 MB cache only a line's first touch misses, at most 512 over the 1,000 counted probes.
        Assert.InRange(CacheMissModel.MissesPerLookup(bs, probes, 1 << 20), 0, 512 / 1000.0);
        // A one-set cache of 16 lines keeps only the top of the search: at most log2(4096) + 1 lines miss.
        double misses = CacheMissModel.MissesPerLookup(bs, probes, 16 * 64);
        Assert.InRange(misses, 3, 13);
        Assert.True(double.IsNaN(CacheMissModel.MissesPerLookup(new PiecewiseLinearIndex(keys, 16), probes, 1 << 20)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lock_step_rmi_equals_find_at_both_ends_of_the_array_and_for_keys_near_the_top_of_the_range(bool scalarRounds)
    {
        // Both forms of the lock-step rounds: four probes per AVX2 vector (where the CPU has AVX2) and scalar.
        RecursiveModelIndex.ForceScalarLockStep = scalarRounds;
        try { LockStepAtTheEnds(); }
        finally { RecursiveModelIndex.ForceScalarLockStep = false; }
    }

    static void LockStepAtTheEnds()
    {
        // Keys near 2^64 check the unsigned compare flag; probes at positions 0 and 1 check the finished-probe clamp.
        var rng = new Random(RunSeed);
        var keys = KeySets.Lognormal(20_000, RunSeed % 1000).Select(k => ulong.MaxValue - 5_000_000_000UL + k % 4_000_000_000UL)
            .Order().ToArray();
        foreach (var (root, leaves) in new[] { (RootModelKind.Linear, 64), (RootModelKind.Linear, 1024), (RootModelKind.LogLinear, 256) })
        {
            var rmi = new RecursiveModelIndex(keys, new RmiOptions(root, leaves));
            Assert.True(rmi.BisectsInLockStep, $"{leaves} leaves: AvgLg2 {rmi.AvgLg2:0.00} should be lock-step");
            var probes = new List<ulong> { keys[0], keys[0] - 1, keys[1], keys[2] + 1, keys[^1], keys[^1] + 1, ulong.MaxValue, 0 };
            for (int i = 0; i < 3000; i++)
            {
                ulong key = keys[rng.Next(keys.Length)];
                probes.Add(rng.Next(3) == 0 ? key + 1 : key);
            }
            // Galloping windows (over the lock-step limit), keys outside the range and a partial last vector in one group.
            probes.AddRange([keys[^1] + 1, keys[^2], keys[0] + 1]);
            var shuffled = probes.OrderBy(_ => rng.Next()).ToArray();
            var batch = new int[shuffled.Length];
            rmi.FindMany(shuffled, batch, BatchStrategy.Interleaved);
            for (int size = 1; size <= 70; size += 3)
            {
                var part = new int[size];
                rmi.FindMany(shuffled.AsSpan(0, size), part, BatchStrategy.Interleaved);
                Assert.Equal(batch.AsSpan(0, size).ToArray(), part);
            }
            for (int i = 0; i < batch.Length; i++)
                Assert.True(batch[i] == rmi.Find(shuffled[i]) && batch[i] == LowerBound.Reference(keys, shuffled[i]),
                    $"{leaves} leaves, seed {RunSeed}: probe {shuffled[i]} → batched {batch[i]}, single {rmi.Find(shuffled[i])}");
        }
    }

    [Fact]
    public void Key_lines_are_the_line_starts_the_miss_model_replays()
    {
        var keys = KeySets.UniformDense(4096, 3);
        var rng = new Random(RunSeed);
        var probes = Enumerable.Range(0, 500).Select(_ => keys[rng.Next(keys.Length)]).ToArray();
        var bs = new BinarySearchIndex(keys);
        var bsLines = CacheMissModel.KeyLines(bs, probes);
        Assert.All(bsLines, p => Assert.True(p % 8 == 0 && p >= 0 && p < keys.Length, $"line start {p}"));
        // Bisection of 4,096 keys: at most 13 reads, of which the last 3 halvings stay within one line.
        Assert.InRange(bsLines.Length / (double)probes.Length, 9, 13);
        // The smallest simulated cache (16 lines) still hits on the top of the search: misses ≤ the lines read.
        Assert.InRange(CacheMissModel.MissesPerLookup(bs, [.. probes, .. probes], 64), 1, bsLines.Length / (double)probes.Length);
        var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Linear, 64));
        var rmiLines = CacheMissModel.KeyLines(rmi, probes);
        Assert.InRange(rmiLines.Length, probes.Length, bsLines.Length);
    }

    [Fact]
    public void The_measured_cache_is_at_most_the_nominal_one_and_the_nominal_one_must_be_real()
    {
        long effective = MemoryLimits.EffectiveCacheBytes(2 << 20, accesses: 20_000);
        Assert.InRange(effective, 1 << 20, 2 << 20);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MemoryLimits.EffectiveCacheBytes(1 << 20));
        Assert.Contains("at least 2 MiB", error.Message);
    }

    [Fact]
    public void Lock_step_chains_follow_the_same_cycle_as_the_pointer_chase()
    {
        var chase = MemoryLimits.ChaseArray(8 * 500, seed: RunSeed);
        // One chain from line 0 for h hops ends where the plain chase does; group g sums g chains' ends.
        foreach (int hops in new[] { 1, 3, 17 })
            Assert.Equal(MemoryLimits.Chase(chase, hops), MemoryLimits.LockStepChains(chase, [0], 1, hops));
        var starts = new[] { 0, 8, 16, 24 };
        ulong expected = 0;
        foreach (int start in starts)
        {
            ulong p = (ulong)start;
            for (int h = 0; h < 5; h++) p = chase[p];
            if (start == 0) expected += p;
        }
        Assert.Equal(expected, MemoryLimits.LockStepChains(chase, starts, 4, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryLimits.LockStepChains(chase, starts, 65, 1));
    }

    [Fact]
    public void The_chase_array_is_one_cycle_through_every_cache_line()
    {
        var chase = MemoryLimits.ChaseArray(8 * 1000, seed: RunSeed);
        var seen = new HashSet<ulong>();
        ulong p = 0;
        for (int hop = 0; hop < 1000; hop++)
        {
            Assert.True(seen.Add(p), $"line {p / 8} visited twice before the cycle closed (seed {RunSeed})");
            Assert.Equal(0UL, p % 8);
            p = chase[p];
        }
        Assert.Equal(0UL, p);
        Assert.Equal(1000, seen.Count);
    }
}
