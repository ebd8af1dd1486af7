namespace Workbench.Kernels.SoftSort;

/// <summary>
/// The regulariser of the soft sort/rank projection (Blondel et al. 2020, §3): quadratic (Euclidean projection
/// onto the permutahedron) or entropic (KL projection, results in log space).
/// </summary>
public enum SoftRegularizer
{
    /// <summary>Quadratic regularisation Q: Euclidean projection, piecewise-linear outputs.</summary>
    L2,
    /// <summary>Entropic regularisation E: KL projection; soft ranks are positive and soft sorts live in log space.</summary>
    KL,
}
