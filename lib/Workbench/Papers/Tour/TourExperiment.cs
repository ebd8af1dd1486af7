using Workbench.Runs;

namespace Workbench.Papers.Tour;

/// <summary>
/// The tour: train a small Fashion-MNIST classifier over several seeds and a learning-rate sweep, every run cached.
/// It demonstrates each part of the workbench a paper notebook uses.
/// </summary>
public sealed class TourExperiment : Experiment<TourConfig>
{
    /// <inheritdoc/>
    protected override TourConfig Smoke => new()
    {
        Steps = 120, TrainImages = 5_000, Seeds = 2, SweepRates = [0.05, 0.5], EvalEvery = 40, CheckpointEvery = 40,
    };

    /// <inheritdoc/>
    protected override TourConfig Paper => new()
    {
        Steps = 5_000, TrainImages = 60_000, Seeds = 5, EvalEvery = 250, CheckpointEvery = 500,
    };

    /// <summary>Trains (or loads) one run.</summary>
    public RunRecord<TourRunResult> RunOne(TourRun run, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default) =>
        store.GetOrCompute(Name, run, ctx => TourTrainer.Train(run, ctx), progress, cancellation);

    /// <inheritdoc/>
    protected override ExperimentReport Execute(TourConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seedRuns = Enumerable.Range(config.Seed, config.Seeds)
            .Select(s => RunOne(config.TrainingRun(s, config.LearningRate), store, progress, cancellation)).ToList();
        // Every run first, then the numbers: so a plan (`workbench plan tour`) sees the sweep's runs too.
        foreach (var rate in config.SweepRates) RunOne(config.TrainingRun(config.Seed, rate), store, progress, cancellation);
        store.AllRunsRequested();
        var sweep = Sweep.Run(config.TrainingRun(config.Seed, config.LearningRate),
            [SweepAxis.Of("learning_rate", config.SweepRates.Cast<object>().ToArray())],
            c => RunOne(c, store, progress, cancellation),
            r => new Dictionary<string, double> { ["test_accuracy"] = r.Result.TestAccuracy, ["test_loss"] = r.Result.TestLoss });

        var (tables, figures) = TourReport.Build(Name, config, seedRuns, sweep);
        return new ExperimentReport(Name, config, tables, figures, watch.Elapsed);
    }
}
