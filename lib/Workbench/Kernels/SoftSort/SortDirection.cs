namespace Workbench.Kernels.SoftSort;

/// <summary>Order of a soft sort or soft rank.</summary>
public enum SortDirection
{
    /// <summary>Smallest first; the largest value gets rank n.</summary>
    Ascending,
    /// <summary>Largest first; the largest value gets rank 1.</summary>
    Descending,
}
