using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;

namespace Workbench.Papers.Tour;

/// <summary>The tour's tables, figures and "paper vs ours", built from its typed run results.</summary>
public static class TourReport
{
    /// <summary>Tables and figures of one tour run: the seed runs and the learning-rate sweep.</summary>
    public static (IReadOnlyList<(string Name, DataFrame Table)> Tables, IReadOnlyList<Figure> Figures) Build(string slug,
        TourConfig config, IReadOnlyList<RunRecord<TourRunResult>> seedRuns, DataFrame sweep)
    {
        var runsTable = new DataFrame(
            new Int32DataFrameColumn("seed", Enumerable.Range(config.Seed, config.Seeds)),
            new DoubleDataFrameColumn("test_accuracy", seedRuns.Select(r => r.Result.TestAccuracy)),
            new DoubleDataFrameColumn("test_loss", seedRuns.Select(r => r.Result.TestLoss)),
            new BooleanDataFrameColumn("from_cache", seedRuns.Select(r => r.FromCache)),
            new StringDataFrameColumn("run", seedRuns.Select(r => r.Hash)));

        var curves = seedRuns.Select(r => r.Series("test_accuracy")).ToList();
        var stats = SeriesStats.MeanStd(curves);
        var accuracyFigure = Plots.Lines(slug, "test-accuracy", $"Test accuracy during training (mean ± std over {config.Seeds} seeds)",
            "SGD step", "test accuracy (fraction)",
            [new Curve("ours", stats.Select(s => (double)s.Step).ToList(), stats.Select(s => s.Mean).ToList(),
                stats.Select(s => s.Std).ToList())]);
        var sweepFigure = Plots.Lines(slug, "learning-rate-sweep",
            $"Final test accuracy vs learning rate ({config.Steps} steps, seed {config.Seed})",
            "learning rate (log scale)", "test accuracy (fraction)",
            [new Curve("ours", config.SweepRates, sweep.Columns["test_accuracy"].Cast<double?>().Select(v => v ?? double.NaN).ToList(),
                Markers: true)],
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
        return ([("runs", runsTable), ("learning-rate-sweep", sweep), ("paper-vs-ours", paperVsOurs)], [accuracyFigure, sweepFigure]);
    }
}
