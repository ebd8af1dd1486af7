using System.Diagnostics;
using Microsoft.Data.Analysis;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>
/// "The Case for Learned Index Structures" (Kraska et al., SIGMOD 2018), reproduced on CPU: RMIs against binary
/// search, a static B+tree and a PGM-style index on the main key set (size vs ns/lookup, AvgLg2 vs branching,
/// last-mile ablation), each comparison key set's CDF and root ablation, the learned hash and the learned Bloom filter.
/// Every part is a cached run; timings are wall-clock ns/lookup on this machine, cached with the run.
/// </summary>
public sealed class LearnedIndexExperiment : Experiment<LearnedIndexConfig>
{
    /// <inheritdoc/>
    protected override LearnedIndexConfig Smoke => new()
    {
        KeyCount = 100_000, CompareCount = 20_000, Probes = 100_000, Leaves = 1024, Branching = [64, 256, 1024, 4096],
        PageSizes = [16, 128, 1024], Epsilons = [16, 256], MlpSteps = 100, BloomKeys = 3_000, BloomBitsPerKey = [4, 8, 12],
        BloomFeatures = 512,
    };

    /// <inheritdoc/>
    protected override LearnedIndexConfig Paper => new()
    {
        KeyCount = 200_000_000, CompareCount = 10_000_000, Probes = 10_000_000, Leaves = 65_536,
        Branching = [64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20], BloomKeys = 500_000,
    };

    /// <summary>Runs (or loads) the main sweeps.</summary>
    public RunRecord<MainResult> RunMain(LearnedIndexConfig config, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var run = config.MainRun();
        return store.GetOrCompute(Name, run, ctx => ComputeMain(run, ctx), progress, cancellation);
    }

    /// <summary>Runs (or loads) one comparison key set.</summary>
    public RunRecord<KeySetResult> RunKeySet(LearnedIndexConfig config, string keySet, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var run = config.KeySetRun(keySet);
        return store.GetOrCompute(Name, run, ctx => ComputeKeySet(run, ctx), progress, cancellation);
    }

    /// <summary>Runs (or loads) the Bloom comparison.</summary>
    public RunRecord<BloomResult> RunBloom(LearnedIndexConfig config, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var run = config.BloomRun();
        return store.GetOrCompute(Name, run, ctx => ComputeBloom(run, ctx), progress, cancellation);
    }

    /// <inheritdoc/>
    protected override ExperimentReport Execute(LearnedIndexConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var mainRun = RunMain(config, store, progress, cancellation);
        var setRuns = config.CompareKeySets.Select(s => RunKeySet(config, s, store, progress, cancellation)).ToList();
        var bloomRun = RunBloom(config, store, progress, cancellation);
        store.AllRunsRequested();
        var (main, sets, bloom) = (mainRun.Result, setRuns.Select(r => r.Result).ToList(), bloomRun.Result);
        var tables = LearnedIndexReport.Tables(config, main, sets, bloom);
        var figures = LearnedIndexReport.All(Name, config, main, sets, bloom);
        return new ExperimentReport(Name, config, tables, figures, watch.Elapsed);
    }

    // ---- computations -------------------------------------------------------------------------------------------

    internal static RmiOptions Options(RootModelKind root, int leaves, LastMileSearch search, int mlpHidden, int mlpSteps, int seed) =>
        new(root, leaves, search,
            RootSample: root == RootModelKind.Mlp ? 20_000 : 100_000, MlpHidden: mlpHidden, MlpSteps: mlpSteps,
            Seed: Seeds.Derive(seed, "mlp-root"));

    static RmiOptions Options(MainRun c, RootModelKind root, int leaves, LastMileSearch? search = null) =>
        Options(root, leaves, search ?? c.Search, c.MlpHidden, c.MlpSteps, c.Seed);

    // The comparison key sets search the last mile by binary search.
    static RmiOptions Options(KeySetRun c, RootModelKind root, int leaves) =>
        Options(root, leaves, LastMileSearch.Binary, c.MlpHidden, c.MlpSteps, c.Seed);

    static MainResult ComputeMain(MainRun c, RunContext ctx)
    {
        var keys = LearnedIndexData.Load(c.Keys, c.KeyCount, c.Seed);
        // The machine's random-access limits over an array as large as the keys, measured before the indexes.
        var (dependentNs, independentNs) = MemoryLimits.Measure(keys.Length);
        // The miss model replays the last-level cache this process really gets (on a shared VM far below the nominal one).
        long cacheBytes = MemoryLimits.EffectiveCacheBytes(MemoryLimits.LastLevelCacheBytes());
        var bench = new Bench(keys, c.Probes, c.Seed) { CacheBytes = cacheBytes };
        string mainRoot = "RMI " + EnumNames.Of(c.Root);
        var builders = new List<(string Family, double Parameter, Func<ISortedIndex> Build)>
        {
            ("binary search", 0, () => new BinarySearchIndex(keys, validate: false)),
            ("binary search (branchy)", 0, () => new BinarySearchIndex(keys, BinarySearchKind.Branchy, validate: false)),
        };
        foreach (var p in c.PageSizes) builders.Add(("B+tree", p, () => new StaticBPlusTree(keys, p, validate: false)));
        foreach (var e in c.Epsilons) builders.Add(("PGM", e, () => new PiecewiseLinearIndex(keys, e, validate: false)));
        foreach (var root in c.Roots)
            foreach (var b in c.Branching)
                builders.Add(("RMI " + EnumNames.Of(root), b, () => new RecursiveModelIndex(keys, Options(c, root, b), validate: false)));
        var searches = Enum.GetValues<LastMileSearch>();
        int total = builders.Count + searches.Length, done = 0;
        var rows = new List<IndexMeasurement>();
        foreach (var (family, parameter, build) in builders)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            // Simulated misses for the families drawn with their memory bound (the simulation costs ~1 s per index).
            bool misses = family == "binary search" || family == "B+tree" || family == mainRoot;
            rows.Add(bench.Measure(family, parameter, build, misses));
            ctx.Log(done, $"ns/{family}/{parameter}", rows[^1].NsPerLookup);
            ctx.Report(++done, total, $"{rows[^1].Name}: {rows[^1].NsPerLookup:0} ns");
        }
        var lastMile = new List<IndexMeasurement>();
        foreach (var s in searches)
        {
            lastMile.Add(bench.Measure("RMI " + EnumNames.Of(c.Root) + " / " + EnumNames.Of(s), c.Leaves,
                () => new RecursiveModelIndex(keys, Options(c, c.Root, c.Leaves, s), validate: false)));
            ctx.Report(++done, total, $"last mile {EnumNames.Of(s)}: {lastMile[^1].NsPerLookup:0} ns");
        }
        return new MainResult(LearnedIndexData.Label(c.Keys), keys.Length, rows, lastMile, dependentNs, independentNs, cacheBytes);
    }

    static KeySetResult ComputeKeySet(KeySetRun c, RunContext ctx)
    {
        var keys = LearnedIndexData.Load(c.Keys, c.KeyCount, c.Seed);
        var bench = new Bench(keys, c.Probes, c.Seed);
        var roots = new List<IndexMeasurement>
        {
            bench.Measure("binary search", 0, () => new BinarySearchIndex(keys, validate: false)),
            bench.Measure("B+tree", 128, () => new StaticBPlusTree(keys, 128, validate: false)),
        };
        int done = 0;
        RecursiveModelIndex? main = null;
        foreach (var root in c.Roots)
        {
            roots.Add(bench.Measure("RMI " + EnumNames.Of(root), c.Leaves, () =>
            {
                var rmi = new RecursiveModelIndex(keys, Options(c, root, c.Leaves), validate: false);
                if (root == c.Root) main = rmi;
                return rmi;
            }));
            ctx.Report(++done, c.Roots.Length + 1, $"{LearnedIndexData.Label(c.Keys)}: RMI {EnumNames.Of(root)}");
        }
        main ??= new RecursiveModelIndex(keys, Options(c, c.Root, c.Leaves), validate: false);

        // CDF sample: 400 evenly spaced ranks.
        int points = Math.Min(400, keys.Length);
        var cdfKeys = new double[points]; var cdf = new double[points]; var fit = new double[points];
        for (int i = 0; i < points; i++)
        {
            int rank = points == 1 ? 0 : (int)((long)i * (keys.Length - 1) / (points - 1));
            cdfKeys[i] = keys[rank];
            cdf[i] = (double)LowerBound.BranchFree(keys, keys[rank]) / keys.Length;
            fit[i] = main.Predict(keys[rank]) / keys.Length;
        }

        long slots = Math.Max(1, (long)Math.Round(c.HashSlotsPerKey * keys.Length));
        int hashLeaves = c.HashLeaves > 0 ? c.HashLeaves : Math.Max(1, keys.Length / 16);
        var learned = new LearnedHash(keys, slots, Options(c, c.Root, hashLeaves));
        double learnedConflicts = LearnedHash.ConflictRate(keys, slots, learned.Slot);
        ulong hashSeed = (ulong)Seeds.Derive(c.Seed, "random-hash");
        double randomConflicts = LearnedHash.ConflictRate(keys, slots, k => LearnedHash.RandomSlot(k, hashSeed, slots));
        ctx.Report(c.Roots.Length + 1, c.Roots.Length + 1,
            $"{LearnedIndexData.Label(c.Keys)}: hash conflicts {learnedConflicts:P1} vs {randomConflicts:P1}");
        return new KeySetResult(LearnedIndexData.Label(c.Keys), keys.Length, cdfKeys, cdf, fit, roots, learnedConflicts, randomConflicts,
            learned.SizeBytes);
    }

    static BloomResult ComputeBloom(BloomRun c, RunContext ctx)
    {
        var keys = UrlStrings.Generate(c.BloomKeys, suspicious: true, c.Seed, "keys");
        var train = UrlStrings.Generate(c.BloomKeys, suspicious: false, c.Seed, "train");
        var validation = UrlStrings.Generate(c.BloomKeys / 2, suspicious: false, c.Seed, "validation");
        var test = UrlStrings.Generate(c.BloomKeys, suspicious: false, c.Seed, "test");
        var keySet = keys.ToHashSet();
        // Non-keys that collide with a key string are not non-keys.
        train = train.Where(s => !keySet.Contains(s)).ToArray();
        validation = validation.Where(s => !keySet.Contains(s)).ToArray();
        test = test.Where(s => !keySet.Contains(s)).ToArray();
        var classifier = LearnedBloomFilter.Classifier.Train(keys, train, c.BloomFeatures, Seeds.Derive(c.Seed, "bloom-classifier"));
        double recall = keys.Count(k => classifier.Score(k) >= 0.5) / (double)keys.Length;
        double nonKeyFpr = test.Count(k => classifier.Score(k) >= 0.5) / (double)test.Length;
        var points = new List<BloomPoint>();
        int done = 0;
        foreach (var bpk in c.BloomBitsPerKey)
        {
            long bits = (long)Math.Round(bpk * keys.Length);
            var plain = BloomFilter.ForKeys(keys.Length, bits);
            foreach (var k in keys) plain.Add(k);
            double plainFpr = test.Count(plain.MayContain) / (double)test.Length;
            double learnedFpr = double.NaN, tau = double.NaN;
            int backupKeys = 0;
            try
            {
                var learned = LearnedBloomFilter.Build(keys, classifier, bits, validation);
                if (keys.Any(k => !learned.MayContain(k))) throw new InvalidOperationException("learned Bloom filter lost a key (bug)");
                learnedFpr = test.Count(learned.MayContain) / (double)test.Length;
                tau = learned.Threshold;
                backupKeys = learned.BackupKeys;
            }
            catch (ArgumentException) { /* budget below the classifier's size: no learned point */ }
            points.Add(new BloomPoint(bpk, bits / 8192.0, plainFpr, learnedFpr, tau, backupKeys));
            ctx.Report(++done, c.BloomBitsPerKey.Length, $"Bloom {bpk} bits/key: plain {plainFpr:P2}, learned {learnedFpr:P2}");
        }
        return new BloomResult(points, classifier.Weights.Length, recall, nonKeyFpr);
    }

    /// <summary>Times indexes on one probe set and checks every answer against binary search.</summary>
    sealed class Bench
    {
        readonly ulong[] _keys, _probes;
        readonly int[] _expected, _buffer;

        public Bench(ulong[] keys, int probes, int seed)
        {
            _keys = keys;
            _probes = LearnedIndexData.PresentProbes(keys, probes, seed);
            _expected = new int[probes];
            _buffer = new int[probes];
            new BinarySearchIndex(keys, validate: false).FindMany(_probes, _expected);
        }

        /// <summary>The cache the miss model replays.</summary>
        public long CacheBytes { get; init; } = MemoryLimits.LastLevelCacheBytes();

        public IndexMeasurement Measure(string family, double parameter, Func<ISortedIndex> build, bool misses = false)
        {
            var watch = Stopwatch.StartNew();
            var index = build();
            double buildNs = watch.Elapsed.TotalNanoseconds / Math.Max(1, _keys.Length);
            // Warm-up (JIT tiers, caches), then one timed pass each of single and batched lookups.
            long sink = 0;
            for (int i = 0; i < Math.Min(_probes.Length, 100_000); i++) sink += index.Find(_probes[i]);
            watch.Restart();
            for (int i = 0; i < _probes.Length; i++) sink += index.Find(_probes[i]);
            double single = watch.Elapsed.TotalNanoseconds / _probes.Length;
            watch.Restart();
            index.FindMany(_probes, _buffer);
            double batched = watch.Elapsed.TotalNanoseconds / _probes.Length;
            if (!_buffer.AsSpan().SequenceEqual(_expected))
                throw new InvalidOperationException(
                    $"{index.Name} answered a lookup differently from binary search (a bug: please report it with the config).");
            GC.KeepAlive(sink);
            double avg = double.NaN, max = double.NaN;
            switch (index)
            {
                case RecursiveModelIndex rmi: avg = rmi.AvgLg2; max = rmi.MaxLg2; break;
                case PiecewiseLinearIndex pgm: avg = max = Math.Log2(2.0 * pgm.Epsilon + 3); break;
                case BinarySearchIndex: avg = max = Math.Log2(Math.Max(1, _keys.Length)); break;
            }
            double missesPerLookup = misses
                ? CacheMissModel.MissesPerLookup(index, _probes.AsSpan(0, Math.Min(_probes.Length, 100_000)), CacheBytes)
                : double.NaN;
            return new IndexMeasurement(family, parameter, index.Name, index.SizeBytes, single, batched,
                buildNs, avg, max, missesPerLookup);
        }
    }
}
