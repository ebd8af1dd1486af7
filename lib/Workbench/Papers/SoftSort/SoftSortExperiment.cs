using Workbench.Kernels.SoftSort;
using Workbench.Runs;

namespace Workbench.Papers.SoftSort;

/// <summary>
/// Fast Differentiable Sorting and Ranking (Blondel, Teboul, Berthet &amp; Djolonga, ICML 2020): the reference outputs,
/// the ε sweep of the paper's Figure 2, runtime against the O(n²) baselines, the three applications with their
/// ablations, guidance on choosing ε, and "paper vs ours".
/// </summary>
public sealed class SoftSortExperiment : Experiment<SoftSortConfig>
{
    /// <inheritdoc/>
    protected override SoftSortConfig Smoke => new()
    {
        Seeds = 2, AblationEpsilons = [0.1, 1], RuntimeMaxN = 10_000, BaselineMaxN = 100, SinkhornIterations = 10,
        TopKSteps = 40, TrainImages = 2_000, Hidden = 0, RankingSamples = 200, Steps = 60, OutlierFractions = [0, 0.2, 0.4],
    };

    /// <inheritdoc/>
    protected override SoftSortConfig Paper => new()
    {
        Seeds = 5, AblationEpsilons = [0.001, 0.01, 0.1, 1, 10, 100], BaselineMaxN = 10_000, MemoryBudgetMegabytes = 16_384,
        SinkhornIterations = 100, TopKSteps = 3_000, TrainImages = 60_000, Hidden = 512, RankingSamples = 10_000, Steps = 1_000,
    };

    /// <inheritdoc/>
    protected override ExperimentReport Execute(SoftSortConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Enumerable.Range(config.Seed, config.Seeds).ToArray();
        SoftRegularizer[] regularizers = [SoftRegularizer.L2, SoftRegularizer.KL];
        RunRecord<TResult> Get<TRun, TResult>(TRun run, Func<TRun, RunContext, TResult> compute) where TRun : RunConfig =>
            store.GetOrCompute(Name, run, ctx => compute(run, ctx), progress, cancellation);
        List<AblationPoint> Ablation(Func<SoftRegularizer, double, double> value) =>
            [.. regularizers.SelectMany(reg => config.AblationEpsilons.Select(eps => new AblationPoint(reg, eps, value(reg, eps))))];

        // Runtime of PAV against the O(n²) baselines.
        var runtime = Get(config.RuntimeRun(), Runtime.Measure).Result.Points;

        // (a) Top-k classification on Fashion-MNIST.
        TopKResult TopK(TopKLoss loss, int seed, SoftRegularizer reg, double eps) =>
            Get(config.TopKRun(loss, seed, reg, eps), Applications.TopK).Result;
        var crossEntropy = seeds.Select(s => TopK(TopKLoss.CrossEntropy, s, config.Regularizer, 1)).ToList();
        var softTopK = seeds.Select(s => TopK(TopKLoss.SoftTopK, s, config.Regularizer, config.TopKEpsilon)).ToList();
        var topKAblation = Ablation((reg, eps) => TopK(TopKLoss.SoftTopK, config.Seed, reg, eps).Top1);

        // (b) Label ranking with soft Spearman.
        double Ranking(RankingLoss loss, int seed, SoftRegularizer reg, double eps) =>
            Get(config.RankingRun(loss, seed, reg, eps), Applications.Ranking).Result.Spearman;
        var softSpearman = seeds.Select(s => Ranking(RankingLoss.SoftSpearman, s, config.Regularizer, config.RankingEpsilon)).ToList();
        var noProjection = seeds.Select(s => Ranking(RankingLoss.NoProjection, s, config.Regularizer, 1)).ToList();
        var rankingAblation = Ablation((reg, eps) => Ranking(RankingLoss.SoftSpearman, config.Seed, reg, eps));

        // (c) Soft least trimmed squares against least squares and Huber.
        double Trimmed(RegressionMethod method, int seed, double outliers, SoftRegularizer reg, double eps) =>
            Get(config.TrimmedRun(method, seed, outliers, reg, eps), Applications.Trimmed).Result.TestMse;
        var trimmed = new List<TrimmedRow>();
        foreach (var method in Enum.GetValues<RegressionMethod>())
            foreach (var fraction in config.OutlierFractions)
            {
                var (mean, std) = SeriesStats.MeanStd(
                    seeds.Select(s => Trimmed(method, s, fraction, config.Regularizer, config.TrimmedEpsilon)));
                trimmed.Add(new TrimmedRow(method, fraction, mean, std));
            }
        double ablationFraction = config.OutlierFractions.OrderBy(f => Math.Abs(f - 0.2)).First();
        var trimmedAblation = Ablation((reg, eps) => Trimmed(RegressionMethod.SoftLts, config.Seed, ablationFraction, reg, eps));

        var results = new SoftSortResults(runtime, crossEntropy, softTopK, topKAblation, softSpearman, noProjection, rankingAblation,
            trimmed, trimmedAblation, ablationFraction);
        var (tables, figures) = new SoftSortReport(Name).Build(config, results);
        return new ExperimentReport(Name, config, tables, figures, watch.Elapsed);
    }
}
