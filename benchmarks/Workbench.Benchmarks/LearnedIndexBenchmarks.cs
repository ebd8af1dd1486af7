using BenchmarkDotNet.Attributes;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Papers.LearnedIndex;

namespace Workbench.Benchmarks;

/// <summary>Shared set-up of the learned-index benchmarks: key sets, probes and the indexes compared.</summary>
public static class LearnedIndexBench
{
    /// <summary>
    /// The key sets: "lognormal-10M" (10M lognormal(0, 2) keys, seed 0), "geoip" (the real GeoIP range starts), and two
    /// cache-resident sets standing in for small public key lists: "lognormal-20k" and "normal-270k" (seed 0).
    /// </summary>
    public static ulong[] Keys(string keySet) => keySet switch
    {
        "geoip" => KeySets.GeoIp(),
        "lognormal-20k" => KeySets.Lognormal(20_000, 0),
        "normal-270k" => KeySets.Normal(270_000, 0),
        _ => KeySets.Lognormal(10_000_000, 0),
    };

    /// <summary>Random present keys (uniform over positions), seeded.</summary>
    public static ulong[] Probes(ulong[] keys, int count, int seed = 1)
    {
        var rng = new Random(seed);
        var probes = new ulong[count];
        for (int i = 0; i < count; i++) probes[i] = keys[rng.Next(keys.Length)];
        return probes;
    }
}

/// <summary>
/// Random present-key lookups, warm caches: ns per lookup of an RMI (≤ 1/10 the B+tree's size, and a large one),
/// the page-128 B+tree, and binary search (branch-free baseline; branchy = std::lower_bound as in SOSD), each as a loop
/// of single lookups and through <c>FindMany</c> (its default strategy for the key set). In the same run, the machine's
/// random-access limits over an array as large as the keys: one dependent access (pointer chase) and one access of a
/// batch of independent random reads (gather). The set-up prints each index's size and its simulated last-level-cache
/// misses per lookup (<see cref="CacheMissModel"/>), from which benchmarks/README.md computes the memory bound.
/// </summary>
[MemoryDiagnoser(false)]
public class LearnedIndexLookups
{
    const int Batch = 200_000;
    ulong[] _probes = [];
    int[] _out = [];
    ulong[] _chase = [];
    int[] _gather = [];
    BinarySearchIndex _bs = null!, _branchy = null!;
    StaticBPlusTree _tree = null!;
    RecursiveModelIndex _rmi = null!, _large = null!;
    int[] _rmiLines = [], _bsLines = [];

    /// <summary>Key set.</summary>
    [Params("lognormal-10M", "geoip", "normal-270k", "lognormal-20k")]
    public string KeySet { get; set; } = "lognormal-10M";

    sealed record State(ulong[] Probes, ulong[] Chase, int[] Gather, BinarySearchIndex Bs, BinarySearchIndex Branchy,
        StaticBPlusTree Tree, RecursiveModelIndex Rmi, RecursiveModelIndex Large, int[] RmiLines, int[] BsLines);

    /// <summary>The last-level cache measured once per process (<see cref="MemoryLimits.EffectiveCacheBytes"/>).</summary>
    static readonly Lazy<long> EffectiveLlc = new(() => MemoryLimits.EffectiveCacheBytes(MemoryLimits.LastLevelCacheBytes()));

    // With --inProcess every benchmark of a key set shares one build (and one print of the miss model).
    static readonly Dictionary<string, State> Built = [];

    /// <summary>Builds the indexes and prints their sizes, strategies and simulated misses per lookup.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (!Built.TryGetValue(KeySet, out var state))
        {
            var keys = LearnedIndexBench.Keys(KeySet);
            var probes = LearnedIndexBench.Probes(keys, Batch);
            var chase = MemoryLimits.ChaseArray(Math.Max(16, keys.Length));
            state = new State(probes, chase, MemoryLimits.GatherPositions(chase.Length, Batch), new BinarySearchIndex(keys),
                new BinarySearchIndex(keys, BinarySearchKind.Branchy), new StaticBPlusTree(keys, 128),
                RmiChoice.BestRoot(keys, RmiChoice.TenthOfBPlusTreeLeaves(keys)),
                RmiChoice.BestRoot(keys, Math.Max(1024, keys.Length / 32)), [], []);
            var rmi = state.Rmi;
            state = state with { RmiLines = CacheMissModel.KeyLines(rmi, probes), BsLines = CacheMissModel.KeyLines(state.Bs, probes) };
            Built[KeySet] = state;
            long llc = MemoryLimits.LastLevelCacheBytes(), effective = EffectiveLlc.Value;
            Console.WriteLine($"// LLC {KeySet}: nominal {llc / 1048576.0:0.0} MB, measured {effective / 1048576.0:0.0} MB; key lines " +
                $"read per lookup: RMI {state.RmiLines.Length / (double)Batch:0.00}, " +
                $"binary search {state.BsLines.Length / (double)Batch:0.00}");
            foreach (var index in new ISortedIndex[] { state.Bs, state.Branchy, state.Tree, state.Rmi, state.Large })
                Console.WriteLine($"// SIZE {KeySet} ({keys.Length:N0} keys): {index.Name} = {index.SizeBytes / 1024.0:0.0} KB, " +
                    $"strategy {index.Strategy}, misses/lookup {CacheMissModel.MissesPerLookup(index, probes, llc):0.00} " +
                    $"(LLC {llc >> 20} MB), {CacheMissModel.MissesPerLookup(index, probes, effective):0.00} (measured LLC)" +
                    (index is RecursiveModelIndex r ? $", AvgLg2 {r.AvgLg2:0.00}, MaxLg2 {r.MaxLg2:0.00}" : ""));
        }
        (_probes, _chase, _gather, _bs, _branchy, _tree, _rmi, _large) =
            (state.Probes, state.Chase, state.Gather, state.Bs, state.Branchy, state.Tree, state.Rmi, state.Large);
        (_rmiLines, _bsLines) = (state.RmiLines, state.BsLines);
        _out = new int[Batch];
    }

    long Loop(ISortedIndex index)
    {
        long sum = 0;
        var probes = _probes;
        for (int i = 0; i < probes.Length; i++) sum += index.Find(probes[i]);
        return sum;
    }

    /// <summary>Branch-free binary search.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "binary search (branch-free)")]
    public long BinarySearch() => Loop(_bs);

    /// <summary>Textbook binary search.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "binary search (branchy, std::lower_bound)")]
    public long BinarySearchBranchy() => Loop(_branchy);

    /// <summary>B+tree, 128 keys per page.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "B+tree page 128")]
    public long BPlusTree() => Loop(_tree);

    /// <summary>RMI at ≤ 1/10 of the B+tree's size.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "RMI ≤ 1/10 B+tree size")]
    public long Rmi() => Loop(_rmi);

    /// <summary>RMI with one leaf per 32 keys.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "RMI n/32 leaves")]
    public long RmiLarge() => Loop(_large);

    /// <summary>Batched binary search (its default strategy).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "binary search, batched")]
    public int BinarySearchBatched() { _bs.FindMany(_probes, _out); return _out[^1]; }

    /// <summary>Batched B+tree (its default strategy).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "B+tree page 128, batched")]
    public int BPlusTreeBatched() { _tree.FindMany(_probes, _out); return _out[^1]; }

    /// <summary>Batched RMI at ≤ 1/10 of the B+tree's size (its default strategy).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "RMI ≤ 1/10 B+tree size, batched")]
    public int RmiBatched() { _rmi.FindMany(_probes, _out); return _out[^1]; }

    /// <summary>Batched RMI with one leaf per 32 keys (its default strategy).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "RMI n/32 leaves, batched")]
    public int RmiLargeBatched() { _large.FindMany(_probes, _out); return _out[^1]; }

    /// <summary>One dependent random access into an array as large as the keys.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "memory: dependent access (pointer chase)")]
    public ulong PointerChase() => MemoryLimits.Chase(_chase, Batch);

    /// <summary>One of a batch of independent random accesses into an array as large as the keys.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "memory: independent access (gather)")]
    public ulong Gather() => MemoryLimits.Gather(_chase, _gather);

    /// <summary>The key lines the batched RMI's lock-step search reads, read as independent loads (per lookup).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "memory: RMI ≤ 1/10's key lines, independent")]
    public ulong RmiLinesGather() => MemoryLimits.Gather(_rmi.Keys, _rmiLines);

    /// <summary>The key lines the batched binary search reads, read as independent loads (per lookup).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "memory: binary search's key lines, independent")]
    public ulong BsLinesGather() => MemoryLimits.Gather(_bs.Keys, _bsLines);
}

/// <summary>
/// The cache-cold variant: before each invocation a 96 MB buffer is written (3× the L3 here), evicting keys and
/// index; then 4,000 random present-key lookups run. Measures lookups that start from DRAM, index included.
/// </summary>
public class LearnedIndexColdLookups
{
    const int Batch = 4_000;
    ulong[] _probes = [];
    byte[] _evict = [];
    BinarySearchIndex _bs = null!;
    StaticBPlusTree _tree = null!;
    RecursiveModelIndex _rmi = null!;

    /// <summary>Key set.</summary>
    [Params("lognormal-10M", "geoip")]
    public string KeySet { get; set; } = "lognormal-10M";

    /// <summary>Builds the indexes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var keys = LearnedIndexBench.Keys(KeySet);
        _probes = LearnedIndexBench.Probes(keys, Batch, seed: 2);
        _evict = new byte[96 << 20];
        _bs = new BinarySearchIndex(keys);
        _tree = new StaticBPlusTree(keys, 128);
        _rmi = RmiChoice.BestRoot(keys, RmiChoice.TenthOfBPlusTreeLeaves(keys));
    }

    /// <summary>Evicts the caches.</summary>
    [IterationSetup]
    public void Evict()
    {
        var buffer = _evict;
        for (int i = 0; i < buffer.Length; i += 64) buffer[i]++;
    }

    long Loop(ISortedIndex index)
    {
        long sum = 0;
        foreach (var probe in _probes) sum += index.Find(probe);
        return sum;
    }

    /// <summary>Branch-free binary search, cold.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "binary search, cold")]
    public long BinarySearch() => Loop(_bs);

    /// <summary>B+tree page 128, cold.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "B+tree page 128, cold")]
    public long BPlusTree() => Loop(_tree);

    /// <summary>RMI at ≤ 1/10 of the B+tree's size, cold.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "RMI ≤ 1/10 B+tree size, cold")]
    public long Rmi() => Loop(_rmi);
}

/// <summary>Build time of each index over 10M lognormal keys (divide by 10^7 for ns per key).</summary>
public class LearnedIndexBuild
{
    ulong[] _keys = [];

    /// <summary>Generates the keys.</summary>
    [GlobalSetup]
    public void Setup() => _keys = LearnedIndexBench.Keys("lognormal-10M");

    /// <summary>B+tree page 128.</summary>
    [Benchmark(Baseline = true, Description = "B+tree page 128")]
    public object BPlusTree() => new StaticBPlusTree(_keys, 128, validate: false);

    /// <summary>PGM ε = 64.</summary>
    [Benchmark(Description = "PGM ε=64")]
    public object Pgm() => new PiecewiseLinearIndex(_keys, 64, validate: false);

    /// <summary>RMI log-linear, 3,840 leaves.</summary>
    [Benchmark(Description = "RMI log-linear 3840")]
    public object Rmi() => new RecursiveModelIndex(_keys, new RmiOptions(RootModelKind.LogLinear, 3840), validate: false);

    /// <summary>RMI linear, 312,500 leaves.</summary>
    [Benchmark(Description = "RMI linear 312500")]
    public object RmiLarge() => new RecursiveModelIndex(_keys, new RmiOptions(RootModelKind.Linear, 312_500), validate: false);
}
