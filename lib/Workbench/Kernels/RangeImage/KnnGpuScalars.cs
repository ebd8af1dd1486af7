namespace Workbench.Kernels.RangeImage;

/// <summary>Scalars of the KNN clean-up for the GPU kernel (<see cref="GpuKnnCleanup"/>).</summary>
/// <param name="Height">Image rows.</param>
/// <param name="Width">Image columns.</param>
/// <param name="Window">Search window side (odd).</param>
/// <param name="K">Voting neighbours.</param>
/// <param name="Classes">Classes including unlabeled 0.</param>
/// <param name="Cutoff">Range cutoff in metres; ≤ 0 switches it off.</param>
/// <param name="Wrap">1 to wrap the window in azimuth, 0 to zero-pad.</param>
public readonly record struct KnnGpuScalars(int Height, int Width, int Window, int K, int Classes, float Cutoff, int Wrap);
