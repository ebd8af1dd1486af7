using Microsoft.Data.Analysis;
using TorchSharp;
using Workbench.Data;
using Workbench.Figures;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Tour;

/// <summary>Result of one training run.</summary>
/// <param name="TestAccuracy">Accuracy on the 10,000 test images, in [0, 1].</param>
/// <param name="TestLoss">Mean cross-entropy on the test images.</param>
/// <param name="TrainSeconds">Wall time of the training itself (a resumed run counts only its last part).</param>
public sealed record TourRunResult(double TestAccuracy, double TestLoss, double TrainSeconds);

/// <summary>
/// The tour: train a small Fashion-MNIST classifier over several seeds and a learning-rate sweep, every run cached.
/// It demonstrates each part of the workbench a paper notebook uses.
/// </summary>
public sealed class TourExperiment : Experiment<TourConfig>
{
    /// <inheritdoc/>
    protected override TourConfig Smoke => new() { Steps = 120, TrainImages = 5_000, Seeds = 2, SweepRates = [0.05, 0.5], EvalEvery = 40, CheckpointEvery = 40 };

    /// <inheritdoc/>
    protected override TourConfig Paper => new() { Steps = 5_000, TrainImages = 60_000, Seeds = 5, EvalEvery = 250, CheckpointEvery = 500 };

    /// <summary>Trains (or loads) one run of the given single-run config.</summary>
    public RunRecord<TourRunResult> RunOne(TourConfig single, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default) =>
        store.GetOrCompute(Name, single, ctx => Train(single, ctx), progress, cancellation);

    /// <inheritdoc/>
    public override ExperimentReport Run(TourConfig config, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seedRuns = Enumerable.Range(config.Seed, config.Seeds)
            .Select(s => RunOne(config.ForSingleRun(s, config.LearningRate), store, progress, cancellation)).ToList();
        var sweep = Sweep.Run(config.ForSingleRun(config.Seed, config.LearningRate), [SweepAxis.Of("learning_rate", config.SweepRates.Cast<object>().ToArray())],
            c => RunOne(c, store, progress, cancellation),
            r => new Dictionary<string, double> { ["test_accuracy"] = r.Result.TestAccuracy, ["test_loss"] = r.Result.TestLoss });

        var runsTable = new DataFrame(
            new Int32DataFrameColumn("seed", Enumerable.Range(config.Seed, config.Seeds)),
            new DoubleDataFrameColumn("test_accuracy", seedRuns.Select(r => r.Result.TestAccuracy)),
            new DoubleDataFrameColumn("test_loss", seedRuns.Select(r => r.Result.TestLoss)),
            new BooleanDataFrameColumn("from_cache", seedRuns.Select(r => r.FromCache)),
            new StringDataFrameColumn("run", seedRuns.Select(r => r.Hash)));

        var curves = seedRuns.Select(r => r.Series("test_accuracy")).ToList();
        var stats = SeriesStats.MeanStd(curves);
        var accuracyFigure = Plots.Lines(Name, "test-accuracy", $"Test accuracy during training (mean ± std over {config.Seeds} seeds)",
            "SGD step", "test accuracy (fraction)",
            [new Curve("ours", stats.Select(s => (double)s.Step).ToList(), stats.Select(s => s.Mean).ToList(), stats.Select(s => s.Std).ToList())]);
        var sweepFigure = Plots.Lines(Name, "learning-rate-sweep", $"Final test accuracy vs learning rate ({config.Steps} steps, seed {config.Seed})",
            "learning rate (log scale)", "test accuracy (fraction)",
            [new Curve("ours", config.SweepRates, sweep.Columns["test_accuracy"].Cast<double?>().Select(v => v ?? double.NaN).ToList(), Markers: true)],
            x: Scale.Log);

        var (mean, std) = SeriesStats.MeanStd(seedRuns.Select(r => r.Result.TestAccuracy));
        var paperVsOurs = PaperVsOurs.Table(
        [
            new PaperVsOurs.Row("A linear (softmax regression) classifier reaches about 84 % test accuracy on Fashion-MNIST",
                "84.2 % (reported: Xiao et al. 2017, benchmark LogisticRegression)", PaperVsOurs.Percent(mean, std, config.Seeds),
                config.Hidden == 0 && mean >= 0.81 ? "holds" : config.Hidden == 0
                    ? $"lower here: {config.Steps} SGD steps on {config.TrainImages:N0} images is far from convergence"
                    : "not comparable: hidden layer on"),
        ]);
        return new ExperimentReport(Name, config,
            [("runs", runsTable), ("learning-rate-sweep", sweep), ("paper-vs-ours", paperVsOurs)],
            [accuracyFigure, sweepFigure], watch.Elapsed);
    }

    /// <summary>One training run: seeded init and data order, SGD, periodic test evaluation and checkpoints.</summary>
    internal static TourRunResult Train(TourConfig config, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var trainSet = FashionMnist.Load(train: true);
        var testSet = FashionMnist.Load(train: false);
        var subset = trainSet.Select(Seeds.Permutation(trainSet.Count, config.Seed, "train-subset")[..config.TrainImages]);

        using var scope = NewDisposeScope();
        var (trainX, trainY) = TorchSetup.ToTensors(subset);
        var (testX, testY) = TorchSetup.ToTensors(testSet);
        using var model = TorchRandom.Build(config.Seed, "init", () => new TourClassifier(config.Hidden));
        using var optimizer = new SGD(model.parameters(), config.LearningRate);
        var training = new SupervisedTraining<NoState>
        {
            Model = model, Optimizer = optimizer, Inputs = trainX, Targets = trainY,
            Steps = config.Steps, BatchSize = config.BatchSize, Seed = config.Seed,
            LogLossEvery = 10, EvaluateEvery = config.EvalEvery, CheckpointEvery = config.CheckpointEvery,
            Evaluate = (done, state) =>
            {
                var (testLoss, accuracy) = SupervisedTraining<NoState>.Classify(model, testX, testY);
                ctx.Log(done, "test_accuracy", accuracy);
                ctx.Log(done, "test_loss", testLoss);
                return (state, $"test acc {accuracy:P1}");
            },
        };
        training.Run(ctx, new NoState());
        var (finalLoss, finalAccuracy) = SupervisedTraining<NoState>.Classify(model, testX, testY);
        return new TourRunResult(finalAccuracy, finalLoss, watch.Elapsed.TotalSeconds);
    }
}
