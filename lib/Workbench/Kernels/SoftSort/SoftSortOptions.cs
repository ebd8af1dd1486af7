namespace Workbench.Kernels.SoftSort;

/// <summary>Settings of a soft sort or soft rank.</summary>
/// <param name="Epsilon">Regularisation strength ε &gt; 0: ε → 0 gives the hard sort/rank, ε → ∞ the mean
/// (log-mean-exp for a KL sort). It acts on the values' scale: see the notebook's guidance on choosing it.</param>
/// <param name="Direction">Ascending (the default, as in the paper's reference code) or descending.</param>
/// <param name="Regularizer">L2 (quadratic) or KL (entropic).</param>
public sealed record SoftSortOptions(double Epsilon = 1.0, SortDirection Direction = SortDirection.Ascending,
    SoftRegularizer Regularizer = SoftRegularizer.L2);
