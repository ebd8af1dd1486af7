namespace Workbench.Kernels.LearnedIndex;

/// <summary>How a binary search baseline runs.</summary>
public enum BinarySearchKind
{
    /// <summary>The textbook loop with one data-dependent branch per step (<c>std::lower_bound</c>, as SOSD's BS).</summary>
    Branchy,
    /// <summary>Fixed-length loop with a conditional move per step; no mispredictions.</summary>
    BranchFree,
}
