using Workbench.Kernels.LearnedIndex;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>
/// Knobs of the learned-index reproduction (Kraska et al., SIGMOD 2018). The defaults are the reading-group preset:
/// 10M lognormal keys, RMI branching 2^6 … 2^18 for four root models, B+tree pages 16 … 4096, PGM ε 16 … 1024.
/// </summary>
public sealed record LearnedIndexConfig : RunConfig
{
    /// <summary>The main key set: a generator name, "geoip", or a path to a file in SOSD's format.</summary>
    [Knob("main key set: lognormal, normal, uniform-dense, uniform-sparse, geoip, or a path to a SOSD file (…_uint64 / …_uint32)")]
    public string Keys { get; init; } = "lognormal";

    /// <summary>Keys drawn for a synthetic main key set (geoip and SOSD files have their own size).</summary>
    [Knob("keys drawn for a synthetic main key set", Unit = "keys", Min = 1, Max = 400_000_000)]
    public int KeyCount { get; init; } = 10_000_000;

    /// <summary>Key sets of the comparison figures (CDF fits, root ablation, learned hash).</summary>
    [Knob("key sets compared in the CDF, root-ablation and learned-hash figures (names or SOSD paths)")]
    public string[] CompareKeySets { get; init; } = ["lognormal", "normal", "uniform-dense", "uniform-sparse", "geoip"];

    /// <summary>Keys drawn for each synthetic comparison key set.</summary>
    [Knob("keys drawn per synthetic comparison key set", Unit = "keys", Min = 1_000, Max = 400_000_000)]
    public int CompareCount { get; init; } = 1_000_000;

    /// <summary>Root model of the main RMI.</summary>
    [Knob("root model of the main RMI")]
    public RootModelKind Root { get; init; } = RootModelKind.LogLinear;

    /// <summary>Leaves (branching factor) of the main RMI.</summary>
    [Knob("leaf models of the main RMI (branching)", Unit = "leaves", Min = 1, Max = 1 << 24)]
    public int Leaves { get; init; } = 4096;

    /// <summary>Last-mile search of the main RMI.</summary>
    [Knob("last-mile search of the main RMI")]
    public LastMileSearch Search { get; init; } = LastMileSearch.Binary;

    /// <summary>RMI branching factors of the Pareto and error sweeps.</summary>
    [Knob("RMI branching factors swept", Unit = "leaves", Min = 1, Max = 1 << 24)]
    public int[] Branching { get; init; } = [64, 256, 1024, 4096, 16384, 65536, 262144];

    /// <summary>Root models of the sweeps.</summary>
    [Knob("root models swept (linear, log-linear, cubic, mlp)")]
    public RootModelKind[] Roots { get; init; } = [RootModelKind.Linear, RootModelKind.LogLinear, RootModelKind.Cubic, RootModelKind.Mlp];

    /// <summary>B+tree page sizes of the Pareto sweep.</summary>
    [Knob("B+tree page sizes swept", Unit = "keys", Min = 2, Max = 65_536)]
    public int[] PageSizes { get; init; } = [16, 32, 64, 128, 256, 1024, 4096];

    /// <summary>PGM error bounds of the Pareto sweep.</summary>
    [Knob("PGM error bounds ε swept", Unit = "positions", Min = 1, Max = 1 << 20)]
    public int[] Epsilons { get; init; } = [16, 64, 256, 1024];

    /// <summary>Random present-key lookups timed per index.</summary>
    [Knob("lookups timed per index (random present keys)", Unit = "lookups", Min = 1_000, Max = 100_000_000)]
    public int Probes { get; init; } = 1_000_000;

    /// <summary>Hidden units of the MLP root.</summary>
    [Knob("hidden units of the MLP root", Unit = "units", Min = 1, Max = 256)]
    public int MlpHidden { get; init; } = 16;

    /// <summary>Adam steps of the MLP root.</summary>
    [Knob("Adam steps of the MLP root", Unit = "steps", Min = 1, Max = 100_000)]
    public int MlpSteps { get; init; } = 300;

    /// <summary>Hash-table slots per key for the learned-hash comparison.</summary>
    [Knob("hash-table slots per key", Unit = "slots/key", Min = 0.1, Max = 10)]
    public double HashSlotsPerKey { get; init; } = 1.0;

    /// <summary>Leaves of the learned hash's CDF model; 0 picks one leaf per 16 keys (the paper's hash models are large).</summary>
    [Knob("leaves of the learned hash's CDF model (0 = one per 16 keys)", Unit = "leaves", Min = 0, Max = 1 << 24)]
    public int HashLeaves { get; init; }

    /// <summary>URL-like keys stored in the Bloom filters (the same number of non-keys is used to train and to test).</summary>
    [Knob("URL-like keys stored in the Bloom filters", Unit = "keys", Min = 100, Max = 10_000_000)]
    public int BloomKeys { get; init; } = 50_000;

    /// <summary>Memory budgets of the Bloom comparison.</summary>
    [Knob("Bloom filter memory budgets", Unit = "bits/key", Min = 1, Max = 64)]
    public double[] BloomBitsPerKey { get; init; } = [2, 3, 4, 6, 8, 10, 12];

    /// <summary>Hashed character-trigram features of the learned Bloom filter's classifier (one byte each).</summary>
    [Knob("classifier features (hashed character trigrams, 1 byte each)", Unit = "features", Min = 16, Max = 1 << 20)]
    public int BloomFeatures { get; init; } = 2048;

    /// <summary>Seed of every generator, probe set and model initialisation.</summary>
    [Knob("random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>The main sweeps' run: only the knobs they depend on, so changing another knob reuses it.</summary>
    public MainRun MainRun() => new()
    {
        Keys = Keys, KeyCount = KeyCount, Root = Root, Leaves = Leaves, Search = Search, Branching = Branching, Roots = Roots,
        PageSizes = PageSizes, Epsilons = Epsilons, Probes = Probes, MlpHidden = MlpHidden, MlpSteps = MlpSteps, Seed = Seed,
        Revision = global::Workbench.Papers.LearnedIndex.MainRun.CurrentRevision,
    };

    /// <summary>One comparison key set's run (binary last mile, at most a million probes).</summary>
    public KeySetRun KeySetRun(string keySet) => new()
    {
        Keys = keySet, KeyCount = CompareCount, Root = Root, Leaves = Leaves, Roots = Roots, Probes = Math.Min(Probes, 1_000_000),
        MlpHidden = MlpHidden, MlpSteps = MlpSteps, HashSlotsPerKey = HashSlotsPerKey, HashLeaves = HashLeaves, Seed = Seed,
        Revision = global::Workbench.Papers.LearnedIndex.KeySetRun.CurrentRevision,
    };

    /// <summary>The Bloom comparison's run.</summary>
    public BloomRun BloomRun() =>
        new() { BloomKeys = BloomKeys, BloomBitsPerKey = BloomBitsPerKey, BloomFeatures = BloomFeatures, Seed = Seed };

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Roots.Length == 0) throw new ConfigException("roots is empty: give at least one root model, e.g. roots=log-linear.");
        if (Branching.Length == 0) throw new ConfigException("branching is empty: give at least one leaf count, e.g. branching=1024,4096.");
        foreach (var b in Branching)
            if (b <= 0) throw new ConfigException($"branching contains {b}: every RMI branching factor must be in [1, {1 << 24}].");
        foreach (var e in Epsilons)
            if (e <= 0) throw new ConfigException($"epsilons contains {e}: every PGM error bound ε must be in [1, {1 << 20}].");
        foreach (var p in PageSizes)
            if (p < 2 || p > 65_536)
                throw new ConfigException($"page_sizes contains {p}: every B+tree page size must be in [2, 65536] keys.");
        foreach (var b in BloomBitsPerKey)
            if (!(b >= 1 && b <= 64))
                throw new ConfigException($"bloom_bits_per_key contains {b}: every memory budget must be in [1, 64] bits per key.");
        LearnedIndexData.CheckSpec(Keys, "keys");
        foreach (var spec in CompareKeySets) LearnedIndexData.CheckSpec(spec, "compare_key_sets");
    }
}
