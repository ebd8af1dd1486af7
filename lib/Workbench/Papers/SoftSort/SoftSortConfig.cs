using Workbench.Kernels.SoftSort;
using Workbench.Runs;

namespace Workbench.Papers.SoftSort;

/// <summary>
/// Knobs of the soft sort/rank reproduction (Blondel et al., ICML 2020). The defaults are the reading-group preset
/// (at most 5 minutes on 2 CPU cores).
/// </summary>
public sealed record SoftSortConfig : RunConfig
{
    /// <summary>First seed; runs use seeds Seed … Seed + Seeds − 1.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds per setting (mean ± std are reported over them).</summary>
    [Knob("seeds per setting", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 3;

    /// <summary>Regulariser of the applications' main runs.</summary>
    [Knob("regulariser of the main runs (L2 or KL)")]
    public SoftRegularizer Regularizer { get; init; } = SoftRegularizer.L2;

    /// <summary>ε values of the ablations (each application is rerun with each, L2 and KL, first seed).</summary>
    [Knob("ε values of the ablation grid", Min = 0, MinExclusive = true)]
    public double[] AblationEpsilons { get; init; } = [0.01, 0.1, 1, 10];

    /// <summary>Largest n of the runtime sweep for PAV (powers of ten from 10).</summary>
    [Knob("largest n timed for PAV", Unit = "values", Min = 10, Max = 10_000_000)]
    public int RuntimeMaxN { get; init; } = 1_000_000;

    /// <summary>Largest n timed for the O(n²) baselines (all-pairs, Sinkhorn).</summary>
    [Knob("largest n timed for the O(n²) baselines", Unit = "values", Min = 10, Max = 1_000_000)]
    public int BaselineMaxN { get; init; } = 3_000;

    /// <summary>Memory the O(n²) baselines may use; larger n are reported as out of memory without running.</summary>
    [Knob("memory budget of the baselines", Unit = "MiB", Min = 16, Max = 1_048_576)]
    public int MemoryBudgetMegabytes { get; init; } = 4_096;

    /// <summary>Sinkhorn iterations T of the optimal-transport baseline.</summary>
    [Knob("Sinkhorn iterations T", Unit = "iterations", Min = 1, Max = 10_000)]
    public int SinkhornIterations { get; init; } = 50;

    /// <summary>ε of the main top-k run (the scale of the logits).</summary>
    [Knob("ε of the top-k loss", Min = 0, MinExclusive = true, Max = 1e6)]
    public double TopKEpsilon { get; init; } = 1.0;

    /// <summary>k of the top-k loss and the top-k accuracy.</summary>
    [Knob("k of the top-k loss", Unit = "classes", Min = 1, Max = 9)]
    public int TopK { get; init; } = 1;

    /// <summary>Adam steps per Fashion-MNIST run.</summary>
    [Knob("Adam steps per Fashion-MNIST run", Unit = "steps", Min = 1, Max = 100_000)]
    public int TopKSteps { get; init; } = 300;

    /// <summary>Training images used (a seeded subset of the 60,000).</summary>
    [Knob("training images used", Unit = "images", Min = 100, Max = 60_000)]
    public int TrainImages { get; init; } = 10_000;

    /// <summary>Hidden units of the classifier (0 = linear).</summary>
    [Knob("hidden units of the classifier (0 = linear)", Unit = "units", Min = 0, Max = 4096)]
    public int Hidden { get; init; } = 128;

    /// <summary>ε of the main label-ranking run.</summary>
    [Knob("ε of the soft Spearman loss", Min = 0, MinExclusive = true, Max = 1e6)]
    public double RankingEpsilon { get; init; } = 1.0;

    /// <summary>Generated label-ranking samples (train; the test set has half as many).</summary>
    [Knob("label-ranking training samples", Unit = "samples", Min = 10, Max = 1_000_000)]
    public int RankingSamples { get; init; } = 1_000;

    /// <summary>Labels to rank per sample.</summary>
    [Knob("labels to rank", Unit = "labels", Min = 2, Max = 1_000)]
    public int RankingLabels { get; init; } = 10;

    /// <summary>ε of the main soft least-trimmed-squares run.</summary>
    [Knob("ε of soft least trimmed squares", Min = 0, MinExclusive = true, Max = 1e6)]
    public double TrimmedEpsilon { get; init; } = 0.1;

    /// <summary>Outlier fractions of the robust-regression sweep.</summary>
    [Knob("outlier fractions of the regression sweep", Min = 0, Max = 0.9)]
    public double[] OutlierFractions { get; init; } = [0, 0.1, 0.2, 0.3, 0.4];

    /// <summary>Fraction of the largest residuals soft LTS trims.</summary>
    [Knob("fraction of residuals trimmed", Min = 0, Max = 0.9)]
    public double TrimFraction { get; init; } = 0.45;

    /// <summary>Adam steps of the label-ranking and regression runs.</summary>
    [Knob("Adam steps of label ranking and regression", Unit = "steps", Min = 1, Max = 100_000)]
    public int Steps { get; init; } = 300;

    /// <summary>The runtime sweep's run (its timings belong to this machine, so the machine is part of its identity).</summary>
    internal RuntimeRun RuntimeRun() => new()
    {
        MaxN = RuntimeMaxN, BaselineMaxN = BaselineMaxN, MemoryBudgetMegabytes = MemoryBudgetMegabytes,
        SinkhornIterations = SinkhornIterations,
        Machine = $"{Environment.MachineName}/{Environment.ProcessorCount} cores",
    };

    /// <summary>One Fashion-MNIST training run (cross-entropy ignores ε).</summary>
    internal TopKRun TopKRun(TopKLoss loss, int seed, SoftRegularizer regularizer, double epsilon) => new()
    {
        Method = loss, Regularizer = regularizer, Epsilon = loss == TopKLoss.CrossEntropy ? 1 : epsilon, K = TopK, Steps = TopKSteps,
        TrainImages = TrainImages, Hidden = Hidden, Seed = seed,
    };

    /// <summary>One label-ranking run (the no-projection baseline ignores ε).</summary>
    internal RankingRun RankingRun(RankingLoss loss, int seed, SoftRegularizer regularizer, double epsilon) => new()
    {
        Method = loss, Regularizer = regularizer, Epsilon = loss == RankingLoss.SoftSpearman ? epsilon : 1, Samples = RankingSamples,
        Labels = RankingLabels, Steps = Steps, Seed = seed,
    };

    /// <summary>One robust-regression run (ε and the trim fraction matter to soft LTS only; least squares is closed form).</summary>
    internal TrimmedRun TrimmedRun(RegressionMethod method, int seed, double outliers, SoftRegularizer regularizer, double epsilon) => new()
    {
        Method = method, Regularizer = regularizer, Epsilon = method == RegressionMethod.SoftLts ? epsilon : 1, Outliers = outliers,
        Trim = method == RegressionMethod.SoftLts ? TrimFraction : 0.4,
        Steps = method == RegressionMethod.LeastSquares ? 300 : Steps, Seed = seed,
        Revision = global::Workbench.Papers.SoftSort.TrimmedRun.CurrentRevision,
    };

    /// <inheritdoc/>
    public override void Validate()
    {
        foreach (var (name, values, lo, hi) in new[] { ("ablation_epsilons", AblationEpsilons, 0.0, double.PositiveInfinity),
            ("outlier_fractions", OutlierFractions, -1e-300, 0.9) })
        {
            if (values.Length == 0) throw new ConfigException($"{name} is empty: give at least one value, e.g. {name}=0.1,1.");
            foreach (var v in values)
                if (!(v > lo && v <= hi) || double.IsInfinity(v))
                    throw new ConfigException(
                        $"{name} contains {Configs.FormatValue(v)}: every value must be in {(lo == 0 ? "(0, inf)" : "[0, 0.9]")}.");
        }
        if (BaselineMaxN > RuntimeMaxN) throw new ConfigException(
            $"baseline_max_n = {BaselineMaxN} is larger than runtime_max_n = {RuntimeMaxN}: it must be in [10, {RuntimeMaxN}].");
        if (TopK >= 10) throw new ConfigException($"top_k = {TopK} is out of range: k must be in [1, 9] for 10 classes.");
    }
}
