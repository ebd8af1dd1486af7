using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Papers.LotteryTicket;

/// <summary>
/// The Lottery Ticket report: summary and run tables, the sparsity figures, training curves, first-layer connections,
/// ablation panels and "paper vs ours", built from the experiment's typed run records.
/// </summary>
/// <param name="Name">The paper's slug (figures are exported under it).</param>
internal sealed class LotteryReport(string Name)
{
    /// <summary>Tables and figures of one experiment run.</summary>
    public (List<(string, DataFrame)> Tables, List<Figure> Figures) Build(LotteryConfig c,
        List<(LotteryArm Arm, int Seed, int Round, RunRecord<LotteryRunResult> Record)> main,
        List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)> ablations)
    {
        var summary = Summarize(main);
        var figures = new List<Figure>
        {
            SparsityFigure("accuracy-vs-remaining", $"Test accuracy at early stop vs weights remaining (mean ± std, {c.Seeds} seeds)",
                "test accuracy at early stop", summary, s => s.Accuracy, s => s.AccuracyStd),
            SparsityFigure("early-stop-vs-remaining", $"Early-stop iteration vs weights remaining (mean ± std, {c.Seeds} seeds)",
                "early-stop iteration (min. validation loss)", summary, s => s.EarlyStop, s => s.EarlyStopStd),
            TrainingCurves(main.Where(m => m.Arm == LotteryArm.Ticket).Select(m => (m.Round, m.Record)).ToList(), c),
        };
        if (c.Model == LotteryModel.LeNet300100)
            figures.Add(FirstLayerConnections(main.Where(m => m.Arm == LotteryArm.Ticket && m.Seed == c.Seed).OrderBy(m => m.Round)
                .Select(m => m.Record).ToList()));
        if (ablations.Count > 0) figures.Add(AblationFigure(ablations));
        figures = Figure.Captioned(figures, new Dictionary<string, string>
        {
            ["first-layer-connections"] = $"1 seed (seed {c.Seed})",
            ["ablations"] = $"1 seed (seed {c.Seed}): single-run curves, so differences of a point or less are noise",
        });

        var tables = new List<(string, DataFrame)>
        {
            ("summary", SummaryTable(summary)),
            ("runs", new DataFrame(
                new StringDataFrameColumn("arm", main.Select(m => Label(m.Arm))),
                new Int32DataFrameColumn("round", main.Select(m => m.Round)),
                new Int32DataFrameColumn("seed", main.Select(m => m.Seed)),
                new DoubleDataFrameColumn("remaining_%", main.Select(m => 100 * m.Record.Result.Remaining)),
                new Int64DataFrameColumn("early_stop_iteration", main.Select(m => m.Record.Result.EarlyStopIteration)),
                new DoubleDataFrameColumn("test_accuracy_at_early_stop", main.Select(m => m.Record.Result.EarlyStopTestAccuracy)),
                new DoubleDataFrameColumn("final_test_accuracy", main.Select(m => m.Record.Result.FinalTestAccuracy)),
                new BooleanDataFrameColumn("from_cache", main.Select(m => m.Record.FromCache)),
                new StringDataFrameColumn("run", main.Select(m => m.Record.Hash)))),
        };
        if (ablations.Count > 0)
            tables.Add(("ablations", new DataFrame(
                new StringDataFrameColumn("ablation", ablations.Select(a => a.Panel)),
                new StringDataFrameColumn("variant", ablations.Select(a => a.Variant)),
                new Int32DataFrameColumn("round", ablations.Select(a => a.Round)),
                new DoubleDataFrameColumn("remaining_%", ablations.Select(a => 100 * a.Record.Result.Remaining)),
                new Int64DataFrameColumn("early_stop_iteration", ablations.Select(a => a.Record.Result.EarlyStopIteration)),
                new DoubleDataFrameColumn("test_accuracy_at_early_stop", ablations.Select(a => a.Record.Result.EarlyStopTestAccuracy)))));
        tables.Add(("paper-vs-ours", PaperVsOursTable(c, summary, ablations)));
        return (tables, figures);
    }

    /// <summary>An arm as tables and legends name it.</summary>
    static string Label(LotteryArm arm) => arm == LotteryArm.RandomMask ? "random mask" : EnumNames.Of(arm);

    /// <summary>Mean ± std per arm and round.</summary>
    public sealed record SummaryRow(LotteryArm Arm, int Round, double Remaining, double EarlyStop, double EarlyStopStd, double Accuracy,
        double AccuracyStd, int Seeds);

    static List<SummaryRow> Summarize(IEnumerable<(LotteryArm Arm, int Seed, int Round, RunRecord<LotteryRunResult> Record)> runs) =>
        runs.GroupBy(m => (m.Arm, m.Round)).Select(g =>
        {
            var (es, esStd) = SeriesStats.MeanStd(g.Select(m => (double)m.Record.Result.EarlyStopIteration));
            var (acc, accStd) = SeriesStats.MeanStd(g.Select(m => m.Record.Result.EarlyStopTestAccuracy));
            return new SummaryRow(g.Key.Arm, g.Key.Round, g.Average(m => m.Record.Result.Remaining), es, esStd, acc, accStd, g.Count());
        }).OrderBy(r => Label(r.Arm), StringComparer.Ordinal).ThenBy(r => r.Round).ToList();

    static DataFrame SummaryTable(List<SummaryRow> rows) => new(
        new StringDataFrameColumn("arm", rows.Select(r => Label(r.Arm))),
        new Int32DataFrameColumn("round", rows.Select(r => r.Round)),
        new DoubleDataFrameColumn("remaining_%", rows.Select(r => 100 * r.Remaining)),
        new DoubleDataFrameColumn("early_stop_mean", rows.Select(r => r.EarlyStop)),
        new DoubleDataFrameColumn("early_stop_std", rows.Select(r => r.EarlyStopStd)),
        new DoubleDataFrameColumn("accuracy_mean", rows.Select(r => r.Accuracy)),
        new DoubleDataFrameColumn("accuracy_std", rows.Select(r => r.AccuracyStd)),
        new Int32DataFrameColumn("seeds", rows.Select(r => r.Seeds)));

    Figure SparsityFigure(string name, string title, string yTitle, List<SummaryRow> summary, Func<SummaryRow, double> value,
        Func<SummaryRow, double> std)
    {
        var curves = summary.GroupBy(s => s.Arm).OrderBy(g => (int)g.Key).Select(g =>
        {
            var rows = g.OrderBy(r => r.Round).ToList();
            return new Curve(Label(g.Key), rows.Select(r => 100 * r.Remaining).ToList(), rows.Select(value).ToList(),
                rows.Select(std).ToList(),
                Markers: true);
        }).ToList();
        var dense = summary.First(s => s.Round == 0);
        double minX = summary.Min(s => 100 * s.Remaining);
        curves.Add(new Curve("dense", [minX, 100], [value(dense), value(dense)], Dash: "dash"));
        var figure = Plots.Lines(Name, name, title, "weights remaining (%, log scale)", yTitle, curves, x: Scale.Log);
        figure.Spec["layout"]!["xaxis"]!["autorange"] = "reversed"; // pruning proceeds left to right, as in the paper
        return figure;
    }

    Figure TrainingCurves(List<(int Round, RunRecord<LotteryRunResult> Record)> ticket, LotteryConfig c)
    {
        var targets = new[] { 1.0, 0.51, 0.21, 0.07 };
        var chosen = targets.Select(t => ticket.MinBy(m => Math.Abs(Math.Log(m.Record.Result.Remaining / t))))
            .Select(m => m.Round).Distinct().Order().ToList();
        var curves = chosen.Select(round =>
        {
            var runs = ticket.Where(t => t.Round == round).Select(t => t.Record).ToList();
            var stats = SeriesStats.MeanStd(runs.Select(r => r.Series("test_accuracy")).ToList());
            return new Curve(FormattableString.Invariant($"{100 * runs[0].Result.Remaining:0.#} % remaining"),
                stats.Select(s => (double)s.Step).ToList(), stats.Select(s => s.Mean).ToList(), stats.Select(s => s.Std).ToList());
        });
        return Plots.Lines(Name, "training-curves", $"Winning tickets: test accuracy during training (mean ± std, {c.Seeds} seeds)",
            "training iteration", "test accuracy", curves);
    }

    Figure FirstLayerConnections(List<RunRecord<LotteryRunResult>> chain)
    {
        var panels = chain.Where((_, i) => i == 0 || i == chain.Count - 1 || i % Math.Max(1, chain.Count / 4) == 0).Take(6).Select(record =>
        {
            var fc1 = WeightFile.Read(Path.Combine(record.Directory, "mask.weights"))[0]; // 300 × 784, row per hidden unit
            var pixels = new double[28, 28];
            for (int unit = 0; unit < 300; unit++)
                for (int p = 0; p < 784; p++) pixels[p / 28, p % 28] += fc1[unit * 784 + p];
            return Plots.Image(Name, "fc1", FormattableString.Invariant($"{100 * record.Result.Remaining:0.#} % remaining"), pixels,
                "Viridis", min: 0, max: 300, colorBarTitle: "connections kept (of 300)");
        }).ToList();
        return Plots.SmallMultiples(Name, "first-layer-connections",
            "Surviving first-layer connections per input pixel (of 300), winning ticket, first seed",
            panels, columns: Math.Min(3, panels.Count), panelWidth: 300, panelHeight: 300);
    }

    Figure AblationFigure(List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)> ablations)
    {
        var panels = ablations.GroupBy(a => a.Panel).Select(panel =>
        {
            var curves = panel.GroupBy(a => a.Variant).Select(v =>
            {
                var rows = v.OrderBy(a => a.Round).ToList();
                return new Curve(v.Key, rows.Select(a => 100 * a.Record.Result.Remaining).ToList(),
                    rows.Select(a => a.Record.Result.EarlyStopTestAccuracy).ToList(), Markers: true);
            });
            var figure = Plots.Lines(Name, panel.Key, panel.Key, "weights remaining (%)", "test accuracy", curves, x: Scale.Log);
            figure.Spec["layout"]!["xaxis"]!["autorange"] = "reversed";
            return figure;
        }).ToList();
        return Plots.SmallMultiples(Name, "ablations", "Ablations (first seed): test accuracy at early stop vs weights remaining",
            panels, columns: 2, panelWidth: 460, panelHeight: 340);
    }

    static DataFrame PaperVsOursTable(LotteryConfig c, List<SummaryRow> summary,
        List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)> ablations)
    {
        string preset = $"{c.Iterations:N0} iterations, {c.Seeds} seeds, {EnumNames.Of(c.Dataset)}";
        var dense = summary.First(s => s.Arm == LotteryArm.Ticket && s.Round == 0);
        var tickets = summary.Where(s => s.Arm == LotteryArm.Ticket && s.Round > 0).ToList();
        var rows = new List<PaperVsOurs.Row>();
        if (tickets.Count == 0)
            return PaperVsOurs.Table([new("(no pruning rounds run)", "", "", "set rounds ≥ 1")]);

        var near21 = tickets.MinBy(s => Math.Abs(Math.Log(s.Remaining / 0.21)))!;
        bool faster = near21.EarlyStop + near21.EarlyStopStd < dense.EarlyStop - dense.EarlyStopStd;
        rows.Add(new("Winning tickets learn faster than the dense network (earlier early-stop iteration) as pruning proceeds, " +
            "down to about 21 % remaining",
            "LeNet: early-stop iteration falls with pruning until ~21 % remaining, then rises (reported, Figure 3)",
            FormattableString.Invariant($"dense {dense.EarlyStop:0} ± {dense.EarlyStopStd:0} ") +
                FormattableString.Invariant($"vs ticket at {100 * near21.Remaining:0.#} % ") +
                FormattableString.Invariant($"{near21.EarlyStop:0} ± {near21.EarlyStopStd:0} iterations ({preset})"),
            faster ? "holds"
                : near21.EarlyStop < dense.EarlyStop ? "partly: earlier on average, but within one std"
                : "does not hold at this scale"));

        var lowest = tickets.MaxBy(s => s.Round)!;
        bool matches = lowest.Accuracy >= dense.Accuracy - Math.Max(dense.AccuracyStd, 0.002);
        rows.Add(new("Winning tickets reach at least the dense network's test accuracy far below that (LeNet: down to ~3.6 %)",
            "accuracy ≥ dense down to 3.6 % remaining (reported)",
            FormattableString.Invariant($"dense {100 * dense.Accuracy:0.0} ± {100 * dense.AccuracyStd:0.0} %, ") +
                FormattableString.Invariant($"ticket at {100 * lowest.Remaining:0.#} %: ") +
                FormattableString.Invariant($"{100 * lowest.Accuracy:0.0} ± {100 * lowest.AccuracyStd:0.0} %"),
            (matches ? "holds down to the sparsest level run" : "does not hold at the sparsest level run") +
            (lowest.Remaining > 0.05
                ? FormattableString.Invariant($" ({100 * lowest.Remaining:0.#} %; the paper preset goes further)")
                : "")));

        var reinit = summary.Where(s => s.Arm == LotteryArm.Reinit && s.Round == lowest.Round).FirstOrDefault();
        if (reinit is not null)
            rows.Add(new("The same mask with a random re-initialisation learns slower and reaches lower accuracy",
                "reinit degrades early, e.g. well below dense accuracy at a few % remaining (reported, Figure 4)",
                FormattableString.Invariant($"at {100 * lowest.Remaining:0.#} %: ") +
                    FormattableString.Invariant($"ticket {100 * lowest.Accuracy:0.0} ± {100 * lowest.AccuracyStd:0.0} % ") +
                    FormattableString.Invariant($"vs reinit {100 * reinit.Accuracy:0.0} ± {100 * reinit.AccuracyStd:0.0} %"),
                lowest.Accuracy - lowest.AccuracyStd > reinit.Accuracy + reinit.AccuracyStd ? "holds"
                    : lowest.Accuracy > reinit.Accuracy ? "partly: lower on average, within one std at this sparsity"
                    : "does not hold at this sparsity"));

        var iterativeRuns = ablations.Where(a => a.Panel == "iterative vs one-shot" && a.Variant == "iterative").ToList();
        var oneShotRuns = ablations.Where(a => a.Panel == "iterative vs one-shot" && a.Variant == "one-shot").ToList();
        if (iterativeRuns.Count == 0 || oneShotRuns.Count == 0)
        {
            rows.Add(new("Iterative pruning finds smaller winning tickets than one-shot pruning", "(reported, Figure 4/Section 2)",
                "not run", "set ablations=true to compare"));
            return PaperVsOurs.Table(rows);
        }
        var iterative = iterativeRuns.MaxBy(a => a.Round);
        var oneShot = oneShotRuns.MaxBy(a => a.Round);
        if (iterative.Round > 0)
            rows.Add(new("Iterative pruning finds smaller winning tickets than one-shot pruning",
                "iterative pruning keeps dense accuracy at smaller sizes than one-shot (reported, Figure 4/Section 2)",
                FormattableString.Invariant($"at {100 * iterative.Record.Result.Remaining:0.#} % (first seed): ") +
                    FormattableString.Invariant($"iterative {100 * iterative.Record.Result.EarlyStopTestAccuracy:0.0} % ") +
                    FormattableString.Invariant($"vs one-shot {100 * oneShot.Record.Result.EarlyStopTestAccuracy:0.0} %"),
                iterative.Record.Result.EarlyStopTestAccuracy > oneShot.Record.Result.EarlyStopTestAccuracy
                    ? "holds (one seed)"
                    : "does not hold at this size (one seed; the gap grows at higher sparsity)"));
        return PaperVsOurs.Table(rows);
    }
}
