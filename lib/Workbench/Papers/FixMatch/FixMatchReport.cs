using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>FixMatch's tables, figures and "paper vs ours", built from the typed run results.</summary>
public static class FixMatchReport
{
    /// <summary>Everything the notebook shows.</summary>
    public static ExperimentReport Build(string slug, FixMatchConfig config, IReadOnlyList<FixMatchTrial> headline,
        IReadOnlyList<FixMatchTrial> digits, IReadOnlyList<FixMatchTrial> ablations, IReadOnlyList<FixMatchTrial> selection, TimeSpan elapsed)
    {
        var tables = new List<(string, DataFrame)> { ("runs", RunsTable(headline.Concat(digits).Concat(ablations).Concat(selection))) };
        var figures = new List<Figure>();
        return new ExperimentReport(slug, config, tables, figures, elapsed);
    }

    static DataFrame RunsTable(IEnumerable<FixMatchTrial> trials)
    {
        var list = trials.DistinctBy(t => t.Record.Hash).ToList();
        return new DataFrame(
            new StringDataFrameColumn("arm", list.Select(t => t.Arm)),
            new StringDataFrameColumn("dataset", list.Select(t => EnumNames.Of(t.Run.Dataset))),
            new Int32DataFrameColumn("labels", list.Select(t => t.Run.Labels)),
            new Int32DataFrameColumn("seed", list.Select(t => t.Run.Seed)),
            new Int32DataFrameColumn("split_seed", list.Select(t => t.Run.SplitSeed)),
            new Int32DataFrameColumn("steps", list.Select(t => t.Run.Steps)),
            new DoubleDataFrameColumn("test_accuracy", list.Select(t => t.Record.Result.TestAccuracy)),
            new DoubleDataFrameColumn("mask_rate", list.Select(t => t.Record.Result.MaskRate)),
            new DoubleDataFrameColumn("train_seconds", list.Select(t => t.Record.Result.TrainSeconds)),
            new DoubleDataFrameColumn("augment_seconds", list.Select(t => t.Record.Result.AugmentSeconds)),
            new BooleanDataFrameColumn("from_cache", list.Select(t => t.Record.FromCache)),
            new StringDataFrameColumn("run", list.Select(t => t.Record.Hash)));
    }
}
