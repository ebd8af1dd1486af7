namespace Workbench.Kernels.LearnedIndex;

/// <summary>Scalars of an RMI for the GPU kernel.</summary>
/// <param name="MinKey">Smallest key.</param>
/// <param name="MaxKey">Largest key.</param>
/// <param name="Count">Key count.</param>
/// <param name="Leaves">Leaf count.</param>
public readonly record struct RmiGpuScalars(ulong MinKey, ulong MaxKey, int Count, int Leaves);
