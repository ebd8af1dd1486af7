using Workbench.Kernels.LearnedIndex;

namespace Workbench.Papers.LearnedIndex;

/// <summary>How the benchmarks and checks pick "the RMI at a tenth of the B+tree's size": one rule, shared.</summary>
public static class RmiChoice
{
    /// <summary>The largest leaf count whose RMI is at most a tenth of the size of the page-128 B+tree over
    /// <paramref name="keys"/>.</summary>
    public static int TenthOfBPlusTreeLeaves(ulong[] keys) => Math.Max(16, (int)(new StaticBPlusTree(keys, 128).SizeBytes / 10 - 200) / 16);

    /// <summary>
    /// The root with the smallest AvgLg2 among linear, log-linear and cubic at this leaf count (a deterministic model
    /// choice, as SOSD's RMI optimiser makes), and the RMI built with it.
    /// </summary>
    public static RecursiveModelIndex BestRoot(ulong[] keys, int leaves) =>
        new[] { RootModelKind.Linear, RootModelKind.LogLinear, RootModelKind.Cubic }
            .Select(root => new RecursiveModelIndex(keys, new RmiOptions(root, leaves)))
            .OrderBy(r => r.AvgLg2).First();
}
