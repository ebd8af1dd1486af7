using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;
using static System.FormattableString;

namespace Workbench.Papers.FixMatch;

/// <summary>FixMatch's tables, figures and "paper vs ours", built from the typed run results.</summary>
public static class FixMatchReport
{
    /// <summary>Everything the notebook shows.</summary>
    public static ExperimentReport Build(string slug, FixMatchConfig config, IReadOnlyList<FixMatchTrial> headline,
        IReadOnlyList<FixMatchTrial> digits, IReadOnlyList<FixMatchTrial> ablations, IReadOnlyList<FixMatchTrial> selection,
        AugmentGrid grid, TimeSpan elapsed)
    {
        var tables = new List<(string, DataFrame)>();
        var figures = new List<Figure>();
        string seeds = $"{config.Seeds} seed{(config.Seeds == 1 ? "" : "s")}";

        figures.Add(Plots.Image(slug, "augment-samples",
            $"Weak and strong views ({grid.Columns.Count} columns as in the table below)", grid.Pixels, min: 0, max: 255,
            colorBarTitle: "pixel value (0–255)"));
        tables.Add(("augment-plans", new DataFrame(grid.Columns.Skip(2).Select((c, i) =>
            (DataFrameColumn)new StringDataFrameColumn(c, grid.Plans.Select(p => p[i]))).ToList())));

        // The headline: accuracy of the EMA model (mean of the last evaluations) by label count and method.
        var groups = headline.Concat(digits).GroupBy(t => (t.Run.Dataset, t.Run.Labels)).ToList();
        var summary = new List<(FixMatchDataset Dataset, int Labels, double FixMean, double FixStd, double SupMean, double SupStd,
            int N)>();
        var paired = new List<(double Mean, double Std)>();
        foreach (var g in groups)
        {
            var (fm, fs) = SeriesStats.MeanStd(g.Where(t => t.Run.Method == TrainingMethod.FixMatch)
                .Select(t => t.Record.Result.TestAccuracy));
            var (sm, ss) = SeriesStats.MeanStd(g.Where(t => t.Run.Method == TrainingMethod.Supervised)
                .Select(t => t.Record.Result.TestAccuracy));
            summary.Add((g.Key.Dataset, g.Key.Labels, fm, fs, sm, ss, g.Count(t => t.Run.Method == TrainingMethod.FixMatch)));
            // Paired by seed: FixMatch and supervised-only share the labelled split and the initialisation.
            paired.Add(SeriesStats.MeanStd(g.Where(t => t.Run.Method == TrainingMethod.FixMatch).Select(f => f.Record.Result.TestAccuracy
                - g.Single(t => t.Run.Method == TrainingMethod.Supervised && t.Run.Seed == f.Run.Seed).Record.Result.TestAccuracy)));
        }
        tables.Add(("headline", new DataFrame(
            new StringDataFrameColumn("dataset", summary.Select(s => EnumNames.Of(s.Dataset))),
            new Int32DataFrameColumn("labels", summary.Select(s => s.Labels)),
            new StringDataFrameColumn("fixmatch", summary.Select(s => PaperVsOurs.Percent(s.FixMean, s.FixStd, s.N))),
            new StringDataFrameColumn("supervised_only", summary.Select(s => PaperVsOurs.Percent(s.SupMean, s.SupStd, s.N))),
            new DoubleDataFrameColumn("gap_points", summary.Select(s => Math.Round(100 * (s.FixMean - s.SupMean), 2))),
            new DoubleDataFrameColumn("two_std_points", summary.Select(s => Math.Round(200 * Math.Max(s.FixStd, s.SupStd), 2))),
            new BooleanDataFrameColumn("gap_above_two_std", summary.Select(Beats)),
            new StringDataFrameColumn("paired_gap_points", paired.Select(p => Invariant($"{100 * p.Mean:0.0} ± {100 * p.Std:0.0}"))))));

        var panels = groups.Select(g => Plots.Lines(slug, "accuracy-panel",
            $"{EnumNames.Of(g.Key.Dataset)}, {g.Key.Labels} labels", "training step", "test accuracy of the EMA (fraction)",
            new[] { TrainingMethod.FixMatch, TrainingMethod.Supervised }.Select(m => Band(Arms.Of(m),
                g.Where(t => t.Run.Method == m).Select(t => t.Record.Series("test_accuracy")).ToList())))).ToList();
        figures.Add(SharedLegend(Plots.SmallMultiples(slug, "accuracy-vs-steps",
            $"Test accuracy during training, FixMatch vs supervised only (mean ± std over {seeds}, {PresetWords(config)})", panels,
            Math.Min(3, panels.Count))));

        // Mask rate and pseudo-label accuracy over training (FixMatch runs, mean over seeds, rolling mean of 5 logs).
        var maskPanels = groups.Select(g =>
        {
            var runs = g.Where(t => t.Run.Method == TrainingMethod.FixMatch).ToList();
            return Plots.Lines(slug, "mask-panel", $"{EnumNames.Of(g.Key.Dataset)}, {g.Key.Labels} labels", "training step", "fraction",
            [
                Band("mask rate (confidence ≥ τ)", runs.Select(t => t.Record.Series("mask_rate")).ToList(), 5),
                Band("accuracy of all pseudo-labels", runs.Select(t => t.Record.Series("pseudo_label_accuracy")).ToList(), 5),
                Band("precision of accepted pseudo-labels", runs.Select(t => t.Record.Series("accepted_precision")).ToList(), 5),
            ]);
        }).ToList();
        figures.Add(SharedLegend(Plots.SmallMultiples(slug, "mask-rate",
            $"Mask rate and pseudo-label accuracy on the unlabelled batches (mean ± std over {seeds})", maskPanels,
            Math.Min(3, maskPanels.Count))));

        AddAudit(slug, config, headline, tables, figures);
        AddAblations(slug, config, ablations, tables, figures);
        AddSelection(slug, config, selection, tables, figures);

        var all = headline.Concat(digits).Concat(ablations).Concat(selection).DistinctBy(t => t.Record.Hash).ToList();
        tables.Add(("runs", RunsTable(all)));
        // Runs computed now, by the steps' own wall time (the goal is a share of a training step, not of evaluations).
        var computed = all.Where(t => t.Run.Method == TrainingMethod.FixMatch && !t.Record.FromCache && t.Record.Result.StepSeconds > 0)
            .ToList();
        double augmentShare = computed.Count == 0 ? double.NaN
            : computed.Sum(t => t.Record.Result.AugmentSeconds) / computed.Sum(t => t.Record.Result.StepSeconds);
        tables.Add(("timing", new DataFrame(
            new StringDataFrameColumn("what", ["FixMatch runs computed now", "augmentation share of their training steps' wall time",
                "report wall time (s)"]),
            new StringDataFrameColumn("value", [computed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                double.IsNaN(augmentShare) ? "all loaded from the cache" : Invariant($"{100 * augmentShare:0.0} %"),
                Invariant($"{elapsed.TotalSeconds:0.0}")]))));

        tables.Add(("paper-vs-ours", PaperVsOursTable(config, summary, headline, ablations, augmentShare)));
        figures = Figure.Captioned(figures, new Dictionary<string, string>
        {
            ["augment-samples"] = $"deterministic (augmentation seed {config.Seed})",
            ["which-labels"] = $"{config.SelectionSeeds} seeds per varied bar, 1 run for the prototype and atypical bars",
        });
        return new ExperimentReport(slug, config, tables, figures, elapsed);
    }

    static bool Beats((FixMatchDataset, int, double FixMean, double FixStd, double SupMean, double SupStd, int N) s) =>
        s.N >= 2 && s.FixMean - s.SupMean > 2 * Math.Max(s.FixStd, s.SupStd);

    static string PresetWords(FixMatchConfig config) => Invariant($"{config.Steps} steps, B {config.BatchSize}, μ {config.Mu}");

    /// <summary>Mean ± std over runs at each step, then (window &gt; 1) a centred rolling mean of both over finite points.</summary>
    static Curve Band(string name, IReadOnlyList<IReadOnlyList<(long Step, double Value)>> curves, int window = 1)
    {
        var stats = curves.Count == 0 ? [] : SeriesStats.MeanStd(curves).Where(s => double.IsFinite(s.Mean)).ToList();
        double[] Smooth(Func<(long Step, double Mean, double Std, int Count), double> pick) =>
        [
            .. stats.Select((_, i) =>
            {
                var values = stats.Skip(Math.Max(0, i - window / 2)).Take(window).Select(pick).Where(double.IsFinite).ToList();
                return values.Count == 0 ? double.NaN : values.Average();
            }),
        ];
        return new Curve(name, stats.Select(s => (double)s.Step).ToList(), Smooth(s => s.Mean), Smooth(s => s.Std));
    }

    /// <summary>Room on the left for class names as row labels.</summary>
    static Figure WideLabels(Figure figure)
    {
        var layout = figure.Spec["layout"]!.AsObject();
        layout["margin"] ??= new System.Text.Json.Nodes.JsonObject();
        layout["margin"]!["l"] = 110;
        return figure;
    }

    /// <summary>
    /// Small multiples whose panels show the same curves: one legend, below the panels, instead of one inside each panel
    /// (the house style keeps legends off the data).
    /// </summary>
    static Figure SharedLegend(Figure figure)
    {
        var layout = figure.Spec["layout"]!.AsObject();
        foreach (var trace in figure.Spec["data"]!.AsArray())
        {
            if ((string?)trace!["legend"] is { } legend && legend != "legend") trace["showlegend"] = false;
            trace.AsObject().Remove("legend");
        }
        foreach (var key in layout.Select(kv => kv.Key).Where(k => k.StartsWith("legend", StringComparison.Ordinal)).ToList())
            layout.Remove(key);
        double height = double.Parse(layout["height"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        layout["height"] = (int)height + 60;
        layout["margin"]!["b"] = 70;
        layout["legend"] = new System.Text.Json.Nodes.JsonObject
        {
            ["orientation"] = "h", ["x"] = 0, ["y"] = -60 / height, ["xanchor"] = "left", ["yanchor"] = "top",
        };
        return figure;
    }

    static void AddAudit(string slug, FixMatchConfig config, IReadOnlyList<FixMatchTrial> headline, List<(string, DataFrame)> tables,
        List<Figure> figures)
    {
        int labels = config.LabelCounts.Min();
        var runs = headline.Where(t => t.Run.Method == TrainingMethod.FixMatch && t.Run.Labels == labels).ToList();
        if (runs.Count == 0) return;
        var names = Data.FashionMnist.ClassNames;
        var steps = runs[0].Record.Series("test_accuracy").Select(p => p.Step).ToList();
        double[,] Grid(string metric)
        {
            var z = new double[names.Count, steps.Count];
            for (int c = 0; c < names.Count; c++)
                for (int s = 0; s < steps.Count; s++)
                {
                    var values = runs.SelectMany(r => r.Record.Series($"{metric}:{c}")).Where(p => p.Step == steps[s])
                        .Select(p => p.Value).ToList();
                    z[c, s] = values.Count == 0 ? double.NaN : values.Average();
                }
            return z;
        }
        var stepLabels = steps.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        figures.Add(WideLabels(Plots.Heatmap(slug, "audit-acceptance",
            $"Acceptance rate per true class between evaluations ({labels} labels, mean over {runs.Count} seeds)", Grid("acceptance_rate"),
            "training step (end of window)", "true class", stepLabels, names, reverseY: true,
            colorBarTitle: "accepted share (0–1)")));
        figures.Add(WideLabels(Plots.Heatmap(slug, "audit-precision",
            $"Precision of accepted pseudo-labels per pseudo-label class ({labels} labels, mean over {runs.Count} seeds)",
            Grid("precision"), "training step (end of window)", "pseudo-label", stepLabels, names, reverseY: true,
            colorBarTitle: "precision (0–1)")));

        var confusion = new double[names.Count, names.Count];
        foreach (var r in runs)
            for (int t = 0; t < names.Count; t++)
                for (int p = 0; p < names.Count; p++) confusion[t, p] += r.Record.Result.AcceptedConfusion[t][p];
        for (int t = 0; t < names.Count; t++)
        {
            double row = Enumerable.Range(0, names.Count).Sum(p => confusion[t, p]);
            for (int p = 0; p < names.Count; p++) confusion[t, p] = row == 0 ? 0 : confusion[t, p] / row;
        }
        figures.Add(WideLabels(Plots.Heatmap(slug, "audit-confusion",
            $"Accepted pseudo-labels by true class, row fractions ({labels} labels, {runs.Count} seeds)",
            confusion, "pseudo-label", "true class", names, names, reverseY: true, colorBarTitle: "row fraction (0–1)")));

        var first = runs[0];
        var stuck = first.Record.Result.Stuck.Take(8).ToList();
        tables.Add(("confidently-wrong", new DataFrame(
            new Int32DataFrameColumn("pool_index", stuck.Select(s => s.PoolIndex)),
            new StringDataFrameColumn("true_class", stuck.Select(s => names[s.TrueLabel])),
            new StringDataFrameColumn("predicted_with_confidence_at_least_tau", stuck.Select(s => names[s.PredictedLabel])),
            new Int32DataFrameColumn("consecutive_evaluations", stuck.Select(s => s.Evaluations)),
            new Int32DataFrameColumn("of_evaluations", stuck.Select(_ => first.Record.Series("test_accuracy").Count)))));
        figures.Add(stuck.Count == 0
            ? Plots.Message(slug, "confidently-wrong", $"None confidently wrong (seed {first.Run.Seed}, {labels} labels)",
                $"No audited unlabelled image was predicted with confidence ≥ τ = {first.Run.Threshold:0.##} and the wrong class "
                + $"at any of the {first.Record.Series("test_accuracy").Count} evaluations of this run.")
            : Plots.Image(slug, "confidently-wrong",
                $"Confidently wrong longest (seed {first.Run.Seed}, {labels} labels; row by row as in the table)",
                FixMatchSamples.Tiles(FixMatchSplits.Of(FixMatchDataset.FashionMnist).Pool, stuck.Select(s => s.PoolIndex).ToList()),
                min: 0, max: 255, colorBarTitle: "pixel value (0–255)"));
    }

    static void AddAblations(string slug, FixMatchConfig config, IReadOnlyList<FixMatchTrial> ablations, List<(string, DataFrame)> tables,
        List<Figure> figures)
    {
        if (ablations.Count == 0) return;
        tables.Add(("ablations", new DataFrame(
            new StringDataFrameColumn("arm", ablations.Select(t => t.Arm)),
            new DoubleDataFrameColumn("test_accuracy", ablations.Select(t => Math.Round(t.Record.Result.TestAccuracy, 4))),
            new DoubleDataFrameColumn("mask_rate_last_tenth", ablations.Select(t => Math.Round(t.Record.Result.MaskRate, 3))),
            new DoubleDataFrameColumn("accepted_precision_last_tenth",
                ablations.Select(t => Math.Round(t.Record.Result.AcceptedPrecision, 3))))));
        var run = ablations[0].Run;
        figures.Add(Plots.GroupedBars(slug, "ablations",
            Invariant($"Ablations: test accuracy (one seed, {run.Labels} labels, {run.Steps} steps: a smaller scale than the headline)"),
            "arm", "test accuracy of the EMA (fraction)", ablations.Select(t => t.Arm).ToList(),
            [new BarGroup("test accuracy", ablations.Select(t => t.Record.Result.TestAccuracy).ToList())]));
        var taus = ablations.Where(t => t.Run.Method == TrainingMethod.FixMatch && t.Run.PseudoLabels == PseudoLabels.Hard
            && t.Run.StrongView == StrongView.RandAugment && t.Run.Cutout == config.Cutout
                && t.Run.ApplyProbability == config.ApplyProbability)
            .OrderBy(t => t.Run.Threshold).ToList();
        figures.Add(Plots.Lines(slug, "threshold-sweep",
            Invariant($"τ sweep: accuracy, mask rate and precision (one seed, {run.Labels} labels, {run.Steps} steps)"),
            "confidence threshold τ", "fraction",
            [
                new Curve("test accuracy", taus.Select(t => t.Run.Threshold).ToList(),
                    taus.Select(t => t.Record.Result.TestAccuracy).ToList(),
                    Markers: true),
                new Curve("mask rate (last tenth)", taus.Select(t => t.Run.Threshold).ToList(),
                    taus.Select(t => t.Record.Result.MaskRate).ToList(), Markers: true),
                new Curve("precision of accepted (last tenth)", taus.Select(t => t.Run.Threshold).ToList(),
                    taus.Select(t => t.Record.Result.AcceptedPrecision).ToList(), Markers: true),
            ]));
    }

    static void AddSelection(string slug, FixMatchConfig config, IReadOnlyList<FixMatchTrial> selection, List<(string, DataFrame)> tables,
        List<Figure> figures)
    {
        if (selection.Count == 0) return;
        var arms = selection.GroupBy(t => t.Arm).Select(g =>
        {
            var (mean, std) = SeriesStats.MeanStd(g.Select(t => t.Record.Result.TestAccuracy));
            return (Arm: g.Key, Mean: mean, Std: std, N: g.Count());
        }).ToList();
        tables.Add(("which-labels", new DataFrame(
            new StringDataFrameColumn("labelled_examples", arms.Select(a => a.Arm)),
            new Int32DataFrameColumn("runs", arms.Select(a => a.N)),
            new StringDataFrameColumn("test_accuracy", arms.Select(a => PaperVsOurs.Percent(a.Mean, a.Std, a.N))))));
        var run = selection[0].Run;
        figures.Add(Plots.GroupedBars(slug, "which-labels",
            Invariant($"Which {run.Labels} labels? Test accuracy (mean ± std over the runs of each bar, {run.Steps} steps)"),
            "labelled examples", "test accuracy of the EMA (fraction)", arms.Select(a => a.Arm).ToList(),
            [new BarGroup("test accuracy", arms.Select(a => a.Mean).ToList(), arms.Select(a => a.Std).ToList())]));
    }

    static DataFrame PaperVsOursTable(FixMatchConfig config, IReadOnlyList<(FixMatchDataset Dataset, int Labels, double FixMean,
        double FixStd, double SupMean, double SupStd, int N)> summary, IReadOnlyList<FixMatchTrial> headline,
        IReadOnlyList<FixMatchTrial> ablations, double augmentShare)
    {
        // What the unlabelled loss had to work with at each label count, measured on the FixMatch runs: how often the
        // pool of unlabelled images was seen (paper: 2^20 steps × 448 / 50,000 ≈ 9,400 times on CIFAR-10) and the
        // mask rate and precision of accepted pseudo-labels over the last tenth of training.
        string Why(FixMatchDataset dataset, int labels)
        {
            var runs = headline.Where(t => t.Run.Dataset == dataset && t.Run.Labels == labels && t.Run.Method == TrainingMethod.FixMatch)
                .ToList();
            if (runs.Count == 0) return "";
            var run = runs[0].Run;
            double passes = (double)run.Steps * run.Mu * run.BatchSize / FixMatchSplits.Of(dataset).Pool.Count;
            double mask = runs.Average(t => t.Record.Result.MaskRate);
            var precisions = runs.Select(t => t.Record.Result.AcceptedPrecision).Where(double.IsFinite).ToList();
            string precision = precisions.Count == 0 ? "none accepted" : Invariant($"precision {100 * precisions.Average():0} %");
            return Invariant($"; measured: the unlabelled pool was seen {passes:0.0} times (paper ≈ 9,400), ")
                + Invariant($"{100 * mask:0} % of it accepted at the end ({precision}); likely too few passes for the pseudo-labels to ")
                + "add much beyond what the labels alone teach this network";
        }

        var rows = new List<PaperVsOurs.Row>();
        string network = config.Network == NetworkKind.WideResNet ? Invariant($"Wide ResNet, width {config.Width}") : "small CNN";
        string scale = $"this preset's scale: {PresetWords(config)}, {network}";
        foreach (var s in summary.Where(s => s.Dataset == FixMatchDataset.FashionMnist))
        {
            string ours = Invariant($"{PaperVsOurs.Percent(s.FixMean, s.FixStd, s.N)} vs {PaperVsOurs.Percent(s.SupMean, s.SupStd, s.N)}")
                + Invariant($" (gap {100 * (s.FixMean - s.SupMean):0.0} points, 2·std {200 * Math.Max(s.FixStd, s.SupStd):0.0})");
            rows.Add(new PaperVsOurs.Row(
                $"FixMatch beats supervised-only by more than two standard deviations over seeds at {s.Labels} labels (Fashion-MNIST)",
                s.Labels switch
                {
                    40 => "no Fashion-MNIST number; CIFAR-10: 88.61 % (CTAugment, abstract), 86.19 ± 3.37 % (RandAugment), as reported",
                    250 => "no Fashion-MNIST number; CIFAR-10: 94.93 ± 0.65 % (RandAugment), as reported",
                    _ => "no Fashion-MNIST number",
                },
                ours,
                s.N < 2 ? "needs at least two seeds"
                    : Beats(s) ? "holds"
                    : s.FixMean > s.SupMean
                        ? $"partly: FixMatch is ahead but within two std ({scale}{Why(s.Dataset, s.Labels)})"
                    : $"does not hold at this scale ({scale}{Why(s.Dataset, s.Labels)})"));
        }
        foreach (var s in summary.Where(s => s.Dataset == FixMatchDataset.MnistDigits))
            rows.Add(new PaperVsOurs.Row($"MNIST digits with {s.Labels} labels: the known-to-work case",
                "no number in the paper (MNIST is not among its benchmarks)",
                Invariant($"{PaperVsOurs.Percent(s.FixMean, s.FixStd, s.N)} vs supervised {PaperVsOurs.Percent(s.SupMean, s.SupStd, s.N)}"),
                Beats(s) ? "holds: FixMatch ahead by more than two std" : s.FixMean > s.SupMean ? "partly: ahead within two std"
                    : $"does not hold at this scale ({scale})"));
        var byArm = ablations.ToDictionary(t => t.Arm, t => t.Record.Result.TestAccuracy);
        if (byArm.TryGetValue(Arms.Base, out double baseAccuracy))
        {
            string at = Invariant($"one seed, {ablations[0].Run.Steps} steps");
            var taus = ablations.Where(t => t.Arm == Arms.Base || t.Arm.StartsWith("τ =", StringComparison.Ordinal))
                .OrderByDescending(t => t.Record.Result.TestAccuracy).ToList();
            rows.Add(new PaperVsOurs.Row("A high threshold (τ = 0.95) works best with hard pseudo-labels",
                "best at τ = 0.95 in the threshold ablation (CIFAR-10, 250 labels), as reported",
                Invariant($"best τ here: {taus[0].Run.Threshold} ({100 * taus[0].Record.Result.TestAccuracy:0.0} %; {at})"),
                taus[0].Run.Threshold >= 0.9 ? "holds (single seed)" : "does not hold at this scale (single seed: within seed noise)"));
            if (byArm.TryGetValue(Arms.Sharpened, out double sharp))
                rows.Add(new PaperVsOurs.Row("With a confidence threshold, sharpened soft pseudo-labels give no gain over hard ones",
                    "no significant difference, as reported",
                        Invariant($"hard {100 * baseAccuracy:0.0} % vs sharpened {100 * sharp:0.0} % ({at})"),
                    sharp <= baseAccuracy + 0.01 ? "holds (single seed)" : "does not hold at this scale (single seed)"));
            if (byArm.TryGetValue(Arms.WeakWeak, out double weakWeak))
                rows.Add(new PaperVsOurs.Row("Strong augmentation for the prediction matters: weak/weak consistency is much worse",
                    "weak/weak training diverges or is far worse, as reported",
                        Invariant($"strong {100 * baseAccuracy:0.0} % vs weak/weak {100 * weakWeak:0.0} % ({at})"),
                    weakWeak < baseAccuracy ? "holds (single seed)" : "does not hold at this scale (single seed)"));
            if (byArm.TryGetValue(Arms.NoCutout, out double noCutout))
                rows.Add(new PaperVsOurs.Row("Cutout is needed in the strong augmentation",
                    "removing Cutout increases the error, as reported",
                    Invariant($"with {100 * baseAccuracy:0.0} % vs without {100 * noCutout:0.0} % ({at})"),
                    noCutout < baseAccuracy ? "holds (single seed)" : "does not hold at this scale (single seed)"));
        }
        // The goal is set for the reading-group step or a larger one: a smaller network or batch (smoke) makes the step
        // cheaper while every image still costs the same to augment, so its share says nothing about the goal.
        var readingGroup = new FixMatchConfig();
        bool goalSize = config.Network != NetworkKind.SmallCnn
            || (config.Width >= readingGroup.Width && config.BatchSize >= readingGroup.BatchSize && config.Mu >= readingGroup.Mu);
        rows.Add(new PaperVsOurs.Row("Augmentation costs at most 10 % of a training step (our performance goal)", "—",
            double.IsNaN(augmentShare) ? "runs loaded from the cache"
                : Invariant($"{100 * augmentShare:0.0} % of the computed FixMatch runs' step time (each run's first step not counted)"),
            double.IsNaN(augmentShare) ? "not measured"
                : !goalSize ? Invariant($"not judged at this size: the goal is for the reading-group step (width {readingGroup.Width}, ") +
                    Invariant($"batch {readingGroup.BatchSize}, μ {readingGroup.Mu}) or larger")
                : augmentShare <= 0.1 ? "holds" : "does not hold"));
        return PaperVsOurs.Table(rows);
    }

    static DataFrame RunsTable(IReadOnlyList<FixMatchTrial> list) => new(
        new StringDataFrameColumn("arm", list.Select(t => t.Arm)),
        new StringDataFrameColumn("dataset", list.Select(t => EnumNames.Of(t.Run.Dataset))),
        new Int32DataFrameColumn("labels", list.Select(t => t.Run.Labels)),
        new StringDataFrameColumn("selection", list.Select(t => EnumNames.Of(t.Run.Selection))),
        new Int32DataFrameColumn("seed", list.Select(t => t.Run.Seed)),
        new Int32DataFrameColumn("split_seed", list.Select(t => t.Run.SplitSeed)),
        new Int32DataFrameColumn("steps", list.Select(t => t.Run.Steps)),
        new DoubleDataFrameColumn("test_accuracy", list.Select(t => Math.Round(t.Record.Result.TestAccuracy, 4))),
        new DoubleDataFrameColumn("validation_accuracy", list.Select(t => Math.Round(t.Record.Result.ValidationAccuracy, 4))),
        new DoubleDataFrameColumn("train_seconds", list.Select(t => Math.Round(t.Record.Result.TrainSeconds, 1))),
        new BooleanDataFrameColumn("from_cache", list.Select(t => t.Record.FromCache)),
        new StringDataFrameColumn("run", list.Select(t => t.Record.Hash)));
}
