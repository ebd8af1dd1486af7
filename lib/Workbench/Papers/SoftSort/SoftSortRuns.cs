using Workbench.Kernels.SoftSort;
using Workbench.Runs;

namespace Workbench.Papers.SoftSort;

/// <summary>The loss of the top-k classification application.</summary>
public enum TopKLoss
{
    /// <summary>Plain cross-entropy (the baseline).</summary>
    CrossEntropy,
    /// <summary>The soft top-k loss mean(relu(r_y − k)) on descending soft ranks.</summary>
    SoftTopK,
}

/// <summary>The loss of the label-ranking application.</summary>
public enum RankingLoss
{
    /// <summary>½‖r_ε(Wx) − r*‖²: soft ranks of the scores against the true ranks.</summary>
    SoftSpearman,
    /// <summary>½‖Wx − r*‖²: regressing the ranks directly (the paper's baseline).</summary>
    NoProjection,
}

/// <summary>The fitting method of the robust-regression application.</summary>
public enum RegressionMethod
{
    /// <summary>Ordinary least squares (closed form).</summary>
    LeastSquares,
    /// <summary>Huber loss with δ = 1.</summary>
    Huber,
    /// <summary>Soft least trimmed squares.</summary>
    SoftLts,
}

/// <summary>The runtime sweep's cache key.</summary>
internal sealed record RuntimeRun : RunConfig
{
    public int MaxN { get; init; } = 1_000_000;
    public int BaselineMaxN { get; init; } = 3_000;
    public int MemoryBudgetMegabytes { get; init; } = 4_096;
    public int SinkhornIterations { get; init; } = 50;
    public string Machine { get; init; } = "";
}

/// <summary>One timed point: forward + backward of one row of n values.</summary>
/// <param name="Method">pav, all-pairs or sinkhorn.</param>
/// <param name="N">Values in the row.</param>
/// <param name="Seconds">Median wall time of forward + backward; NaN when not run.</param>
/// <param name="Status">"ok", or why the point was not run (estimated memory over the budget, or above the n limit).</param>
public sealed record RuntimePoint(string Method, int N, double Seconds, string Status);

/// <summary>The runtime sweep's result.</summary>
/// <param name="Points">Every (method, n) point.</param>
public sealed record RuntimeResult(IReadOnlyList<RuntimePoint> Points);


/// <summary>One Fashion-MNIST training run (the cache key of <see cref="Applications.TopK"/>).</summary>
internal sealed record TopKRun : RunConfig
{
    public TopKLoss Method { get; init; } = TopKLoss.CrossEntropy;
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public int K { get; init; } = 1;
    public int Steps { get; init; } = 300;
    public int TrainImages { get; init; } = 10_000;
    public int Hidden { get; init; } = 128;
    public int Seed { get; init; }
}

/// <summary>Test metrics of a Fashion-MNIST run.</summary>
/// <param name="Top1">Top-1 test accuracy in [0, 1].</param>
/// <param name="TopK">Top-k test accuracy in [0, 1].</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record TopKResult(double Top1, double TopK, double Seconds);

/// <summary>One label-ranking run.</summary>
internal sealed record RankingRun : RunConfig
{
    public RankingLoss Method { get; init; } = RankingLoss.SoftSpearman;
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public int Samples { get; init; } = 1_000;
    public int Labels { get; init; } = 10;
    public int Steps { get; init; } = 300;
    public int Seed { get; init; }
}

/// <summary>Test metrics of a label-ranking run.</summary>
/// <param name="Spearman">Mean Spearman correlation between predicted and true rankings on the test set, in [−1, 1].</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record RankingResult(double Spearman, double Seconds);

/// <summary>One robust-regression run.</summary>
internal sealed record TrimmedRun : RunConfig
{
    public RegressionMethod Method { get; init; } = RegressionMethod.SoftLts;
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public double Outliers { get; init; }
    public double Trim { get; init; } = 0.4;
    public int Steps { get; init; } = 300;
    public int Seed { get; init; }

    /// <summary>
    /// Revision of the run's numbers; set explicitly by <c>SoftSortConfig.TrimmedRun</c> (non-default values enter the
    /// hash), so runs cached by older code are recomputed rather than served.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (1: least squares by normal equations and Cholesky in double, the same
    /// in every process; before, <c>linalg.lstsq</c>, whose result varied between processes).</summary>
    public const int CurrentRevision = 1;
}

/// <summary>Test metrics of a robust-regression run.</summary>
/// <param name="TestMse">Mean squared error on clean test data.</param>
/// <param name="CoefficientError">‖β̂ − β‖ / ‖β‖.</param>
public sealed record TrimmedResult(double TestMse, double CoefficientError);

/// <summary>One row of the robust-regression comparison: clean test MSE over seeds.</summary>
internal sealed record TrimmedRow(RegressionMethod Method, double Outliers, double Mean, double Std);

/// <summary>A value of an ε ablation at one regularizer.</summary>
internal sealed record AblationPoint(SoftRegularizer Regularizer, double Epsilon, double Value);

/// <summary>Everything one experiment run computed, typed: the report reads only this.</summary>
internal sealed record SoftSortResults(
    IReadOnlyList<RuntimePoint> Runtime,
    IReadOnlyList<TopKResult> CrossEntropy,
    IReadOnlyList<TopKResult> SoftTopK,
    IReadOnlyList<AblationPoint> TopKAblation,
    IReadOnlyList<double> SoftSpearman,
    IReadOnlyList<double> NoProjection,
    IReadOnlyList<AblationPoint> RankingAblation,
    IReadOnlyList<TrimmedRow> Trimmed,
    IReadOnlyList<AblationPoint> TrimmedAblation,
    double AblationOutlierFraction);
