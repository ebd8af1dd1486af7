namespace Workbench.Papers.LearnedIndex;

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
public sealed record IndexMeasurement(string Family, double Parameter, string Name, long SizeBytes, double NsPerLookup,
    double NsPerLookupBatched, double BuildNsPerKey, double AvgLg2, double MaxLg2);

/// <summary>The sweeps on the main key set.</summary>
/// <param name="KeySet">Key-set label.</param>
/// <param name="KeyCount">Keys.</param>
/// <param name="Indexes">Binary search, B+tree pages, PGM ε and RMI branching × root.</param>
/// <param name="LastMile">The main RMI with each last-mile search.</param>
public sealed record MainResult(string KeySet, int KeyCount, List<IndexMeasurement> Indexes, List<IndexMeasurement> LastMile);

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
