using Workbench.Kernels.LearnedIndex;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>The main sweeps on the main key set: every index family's size vs lookup time, and the last-mile ablation.</summary>
public sealed record MainRun : RunConfig
{
    /// <summary>Key set specification.</summary>
    public string Keys { get; init; } = "lognormal";

    /// <summary>Keys drawn (generators) or read (files).</summary>
    public int KeyCount { get; init; } = 10_000_000;

    /// <summary>Root model of the last-mile ablation.</summary>
    public RootModelKind Root { get; init; } = RootModelKind.LogLinear;

    /// <summary>Leaves of the last-mile ablation's RMI.</summary>
    public int Leaves { get; init; } = 4096;

    /// <summary>Last-mile search of the sweeps' RMIs.</summary>
    public LastMileSearch Search { get; init; } = LastMileSearch.Binary;

    /// <summary>RMI leaf counts swept.</summary>
    public int[] Branching { get; init; } = [64, 256, 1024, 4096, 16384, 65536, 262144];

    /// <summary>RMI root models swept.</summary>
    public RootModelKind[] Roots { get; init; } = [RootModelKind.Linear, RootModelKind.LogLinear, RootModelKind.Cubic, RootModelKind.Mlp];

    /// <summary>B+tree page sizes swept.</summary>
    public int[] PageSizes { get; init; } = [16, 32, 64, 128, 256, 1024, 4096];

    /// <summary>PGM error bounds swept.</summary>
    public int[] Epsilons { get; init; } = [16, 64, 256, 1024];

    /// <summary>Lookups timed per index.</summary>
    public int Probes { get; init; } = 1_000_000;

    /// <summary>Hidden units of the MLP root.</summary>
    public int MlpHidden { get; init; } = 16;

    /// <summary>Adam steps of the MLP root.</summary>
    public int MlpSteps { get; init; } = 300;

    /// <summary>Seed of keys, probes and the MLP root.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Revision of the run's numbers; set explicitly by the config (non-default values enter the hash), so runs cached
    /// by older code are recomputed rather than served.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (1: <c>FindMany</c> picks its strategy by data size; the main run
    /// also measures the machine's random-access limits and each index's simulated cache misses. 2: lock-step searches
    /// take the compare as a flag, not a branch, and the RMI interleaves from 1 MB of keys. 3: the RMI's lock-step rounds
    /// run four probes per AVX2 vector, and the miss model replays the last-level cache measured in the run).</summary>
    public const int CurrentRevision = 3;
}

/// <summary>One comparison key set: its CDF and the RMI's fit, the root-model ablation and the learned hash.</summary>
public sealed record KeySetRun : RunConfig
{
    /// <summary>Key set specification.</summary>
    public string Keys { get; init; } = "lognormal";

    /// <summary>Keys drawn or read.</summary>
    public int KeyCount { get; init; } = 1_000_000;

    /// <summary>Root model of the RMI whose fit is drawn.</summary>
    public RootModelKind Root { get; init; } = RootModelKind.LogLinear;

    /// <summary>RMI leaves.</summary>
    public int Leaves { get; init; } = 4096;

    /// <summary>Root models compared.</summary>
    public RootModelKind[] Roots { get; init; } = [RootModelKind.Linear, RootModelKind.LogLinear, RootModelKind.Cubic, RootModelKind.Mlp];

    /// <summary>Lookups timed per index.</summary>
    public int Probes { get; init; } = 1_000_000;

    /// <summary>Hidden units of the MLP root.</summary>
    public int MlpHidden { get; init; } = 16;

    /// <summary>Adam steps of the MLP root.</summary>
    public int MlpSteps { get; init; } = 300;

    /// <summary>Learned-hash slots per key.</summary>
    public double HashSlotsPerKey { get; init; } = 1.0;

    /// <summary>Learned-hash leaves (0 = one per 16 keys).</summary>
    public int HashLeaves { get; init; }

    /// <summary>Seed of keys, probes, the MLP root and the random hash.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Revision of the run's numbers; set explicitly by the config (non-default values enter the hash), so runs cached
    /// by older code are recomputed rather than served.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (1: <c>FindMany</c> picks its strategy by data size; the main run
    /// also measures the machine's random-access limits and each index's simulated cache misses. 2: lock-step searches
    /// take the compare as a flag, not a branch, and the RMI interleaves from 1 MB of keys. 3: the RMI's lock-step rounds
    /// run four probes per AVX2 vector, and the miss model replays the last-level cache measured in the run).</summary>
    public const int CurrentRevision = 3;
}

/// <summary>The learned Bloom filter against a plain one on generated URL strings.</summary>
public sealed record BloomRun : RunConfig
{
    /// <summary>Keys (suspicious URLs) and non-keys per split.</summary>
    public int BloomKeys { get; init; } = 50_000;

    /// <summary>Memory budgets, in bits per key.</summary>
    public double[] BloomBitsPerKey { get; init; } = [2, 3, 4, 6, 8, 10, 12];

    /// <summary>Hashed n-gram features of the classifier.</summary>
    public int BloomFeatures { get; init; } = 2048;

    /// <summary>Seed of the strings and the classifier.</summary>
    public int Seed { get; init; }
}

/// <summary>One index measured on one key set.</summary>
/// <param name="Family">"binary search", "B+tree", "PGM" or "RMI &lt;root&gt;".</param>
/// <param name="Parameter">Page size, ε or branching (0 for binary search).</param>
/// <param name="Name">The index's display name.</param>
/// <param name="SizeBytes">Index bytes beyond the keys.</param>
/// <param name="NsPerLookup">Median-free mean ns per single lookup over the probe set (random present keys).</param>
/// <param name="NsPerLookupBatched">Mean ns per lookup through the batched API.</param>
/// <param name="BuildNsPerKey">Build time per key, ns.</param>
/// <param name="AvgLg2">Mean log2 of the search window (RMI: its leaf's error window; PGM: 2ε + 3; binary search: n).</param>
/// <param name="MaxLg2">Largest log2 window.</param>
/// <param name="MissesPerLookup">Simulated last-level-cache misses per batched lookup (<see cref="CacheMissModel"/>);
/// NaN where not computed.</param>
public sealed record IndexMeasurement(string Family, double Parameter, string Name, long SizeBytes, double NsPerLookup,
    double NsPerLookupBatched, double BuildNsPerKey, double AvgLg2, double MaxLg2, double MissesPerLookup = double.NaN);

/// <summary>The sweeps on the main key set.</summary>
/// <param name="KeySet">Key-set label.</param>
/// <param name="KeyCount">Keys.</param>
/// <param name="Indexes">Binary search, B+tree pages, PGM ε and RMI branching × root.</param>
/// <param name="LastMile">The main RMI with each last-mile search.</param>
/// <param name="DependentNs">One dependent random access into an array as large as the keys (pointer chase), ns.</param>
/// <param name="IndependentNs">One of a batch of independent random accesses into that array (gather), ns.</param>
/// <param name="CacheBytes">The last-level cache the miss model replays: measured in the run
/// (<see cref="MemoryLimits.EffectiveCacheBytes"/>), at most the nominal one.</param>
public sealed record MainResult(string KeySet, int KeyCount, List<IndexMeasurement> Indexes, List<IndexMeasurement> LastMile,
    double DependentNs = double.NaN, double IndependentNs = double.NaN, double CacheBytes = double.NaN);

/// <summary>One comparison key set: its CDF with the main RMI's fit, the root ablation, learned vs random hash.</summary>
/// <param name="KeySet">Key-set label.</param>
/// <param name="KeyCount">Keys.</param>
/// <param name="CdfKeys">Sampled keys (as doubles) for the CDF plot.</param>
/// <param name="Cdf">Their empirical CDF.</param>
/// <param name="FitCdf">The RMI's predicted CDF at those keys.</param>
/// <param name="Roots">Each root model at the main branching, plus binary search and B+tree 128.</param>
/// <param name="LearnedConflicts">Learned-hash conflict rate.</param>
/// <param name="RandomConflicts">Random-hash conflict rate.</param>
/// <param name="HashModelBytes">Learned-hash model bytes.</param>
public sealed record KeySetResult(string KeySet, int KeyCount, double[] CdfKeys, double[] Cdf, double[] FitCdf,
    List<IndexMeasurement> Roots, double LearnedConflicts, double RandomConflicts, long HashModelBytes);

/// <summary>Plain vs learned Bloom filter at one memory budget.</summary>
/// <param name="BitsPerKey">Budget in bits per stored key.</param>
/// <param name="MemoryKb">Budget in KB.</param>
/// <param name="PlainFpr">Plain Bloom filter false-positive rate on held-out non-keys.</param>
/// <param name="LearnedFpr">Learned Bloom filter false-positive rate on held-out non-keys.</param>
/// <param name="Threshold">Chosen τ.</param>
/// <param name="BackupKeys">Keys in the backup filter.</param>
public sealed record BloomPoint(double BitsPerKey, double MemoryKb, double PlainFpr, double LearnedFpr, double Threshold, int BackupKeys);

/// <summary>The Bloom comparison.</summary>
/// <param name="Points">One per budget.</param>
/// <param name="ClassifierBytes">Classifier bytes.</param>
/// <param name="KeyRecall">Share of keys the classifier scores ≥ 0.5.</param>
/// <param name="NonKeyFpr">Share of held-out non-keys it scores ≥ 0.5.</param>
public sealed record BloomResult(List<BloomPoint> Points, int ClassifierBytes, double KeyRecall, double NonKeyFpr);
