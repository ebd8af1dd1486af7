using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Kernels.Points;
using Workbench.Runs;

namespace Workbench.Papers.PointRend;

/// <summary>Tables, figures and the paper-vs-ours table of the PointRend experiment.</summary>
public static class PointRendReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report from the trials.</summary>
    public static ExperimentReport Build(string paper, PointRendConfig config, IReadOnlyList<PointRendTrial> pointRend,
        IReadOnlyList<PointRendTrial> dense, IReadOnlyList<PointRendTrial> ablation, IReadOnlyList<PointRendTrial> semantic,
        TimeSpan elapsed)
    {
        int side = config.ImageSize, seeds = pointRend.Count;
        // Per method and output side, one value per seed: coarse and PointRend from the PointRend runs, dense from the dense runs.
        IReadOnlyList<MethodScore> Scores(string method, int outputSide) =>
        [
            .. (method == "dense" ? dense : pointRend)
                .Select(t => t.Eval.Result.Scores.Single(s => s.Method == method && s.OutputSide == outputSide)),
        ];
        double Mean(string method, int outputSide, Func<MethodScore, double> metric) => Scores(method, outputSide).Average(metric);
        string[] methods = ["coarse", "pointrend", "dense"];
        string[] labels = ["coarse (bilinear ×)", "PointRend (subdivision)", "dense head"];
        var sides = pointRend[0].Eval.Result.Scores.Select(s => s.OutputSide).Distinct().Order().ToList();

        // Results at the image side.
        var rows = methods.Select(m => Scores(m, side)).ToList();
        var results = new DataFrame(
            new StringDataFrameColumn("method", labels),
            new StringDataFrameColumn("mask_iou", rows.Select(r => MeanStd(r.Select(s => s.MaskIou)))),
            new StringDataFrameColumn("boundary_iou", rows.Select(r => MeanStd(r.Select(s => s.BoundaryIou)))),
            new DoubleDataFrameColumn("point_evaluations", rows.Select(r => r.Average(s => s.PointEvaluations))),
            new DoubleDataFrameColumn("ms_per_image", rows.Select(r => Math.Round(r.Average(s => s.MillisecondsPerImage), 2))),
            new Int32DataFrameColumn("seeds", rows.Select(r => r.Count)));

        // IoU and Boundary IoU against output side.
        var resolution = new DataFrame(
            new StringDataFrameColumn("method", sides.SelectMany(_ => labels)),
            new Int32DataFrameColumn("output_side", sides.SelectMany(s => methods.Select(_ => s))),
            new DoubleDataFrameColumn("mask_iou", sides.SelectMany(s => methods.Select(m => Scores(m, s).Average(x => x.MaskIou)))),
            new DoubleDataFrameColumn("boundary_iou", sides.SelectMany(s => methods.Select(m => Scores(m, s).Average(x => x.BoundaryIou)))),
            new DoubleDataFrameColumn("point_evaluations", sides.SelectMany(s => methods.Select(m => Mean(m, s, x => x.PointEvaluations)))),
            new DoubleDataFrameColumn("ms_per_image",
                sides.SelectMany(s => methods.Select(m => Math.Round(Mean(m, s, x => x.MillisecondsPerImage), 2)))));
        var iouFigure = Plots.SmallMultiples(paper, "iou-vs-resolution",
            $"Mask IoU and Boundary IoU vs output side (trained at {side} px; {seeds} seeds, mean ± std)",
            [
                ResolutionPanel(paper, "Mask IoU", s => s.MaskIou),
                ResolutionPanel(paper, "Boundary IoU (d = 2 % of the diagonal)", s => s.BoundaryIou),
            ], columns: 2, panelWidth: 460, panelHeight: 340);
        foreach (var axis in new[] { "xaxis", "xaxis2" }) Plots.FixedTicks(iouFigure, axis, sides.Select(v => (double)v));

        // Cost: point predictions and time against a dense head at equal output side.
        var cost = new DataFrame(
            new Int32DataFrameColumn("output_side", sides),
            new DoubleDataFrameColumn("pointrend_points", sides.Select(s => Scores("pointrend", s).Average(x => x.PointEvaluations))),
            new DoubleDataFrameColumn("dense_points", sides.Select(s => (double)s * s)),
            new DoubleDataFrameColumn("points_ratio_dense_over_pointrend",
                sides.Select(s => Math.Round(s * s / Mean("pointrend", s, x => x.PointEvaluations), 2))),
            new DoubleDataFrameColumn("pointrend_ms", sides.Select(s => Math.Round(Mean("pointrend", s, x => x.MillisecondsPerImage), 2))),
            new DoubleDataFrameColumn("dense_ms", sides.Select(s => Math.Round(Mean("dense", s, x => x.MillisecondsPerImage), 2))),
            new DoubleDataFrameColumn("time_ratio_dense_over_pointrend",
                sides.Select(s => Math.Round(Mean("dense", s, x => x.MillisecondsPerImage)
                    / Mean("pointrend", s, x => x.MillisecondsPerImage), 2))));
        var costFigure = Plots.LogLog(paper, "cost", "Point-head evaluations per image vs output side", "output side (px)",
            "point-head evaluations per image",
            [
                ("PointRend (adaptive subdivision)", sides.Select(s => (double)s).ToList(),
                    sides.Select(s => Mean("pointrend", s, x => x.PointEvaluations)).ToList()),
                ("dense head", sides.Select(s => (double)s).ToList(), sides.Select(s => (double)s * s).ToList()),
            ]);
        Plots.FixedTicks(costFigure, "xaxis", sides.Select(v => (double)v));

        // Points per step on the example scene and the share of chosen points that hit a real error (all test scenes).
        var example = pointRend[0].Eval.Result;
        var perStep = PerStepTable(pointRend, config.PointsPerStep);
        var pointsFigure = PointsPerStepFigure(paper, example, side);
        var masksFigure = MasksFigure(paper, example, dense[0].Eval.Result, side);

        // The (k, β) grid.
        var ks = config.AblationOversample.Distinct().ToArray();
        var betas = config.AblationImportance.Distinct().ToArray();
        double GridValue(double k, double beta, Func<MethodScore, double> metric) =>
            metric(ablation.First(t => t.OversampleRatio == k && t.ImportanceRatio == beta).Eval.Result.Scores
                .Single(s => s.Method == "pointrend" && s.OutputSide == side));
        var kBeta = new DataFrame(
            new DoubleDataFrameColumn("k", ablation.Select(t => t.OversampleRatio)),
            new DoubleDataFrameColumn("beta", ablation.Select(t => t.ImportanceRatio)),
            new DoubleDataFrameColumn("mask_iou", ablation.Select(t => GridValue(t.OversampleRatio, t.ImportanceRatio, s => s.MaskIou))),
            new DoubleDataFrameColumn("boundary_iou",
                ablation.Select(t => GridValue(t.OversampleRatio, t.ImportanceRatio, s => s.BoundaryIou))),
            new StringDataFrameColumn("run", ablation.Select(t => t.Train.Hash)));
        var grid = new double[ks.Length, betas.Length];
        for (int a = 0; a < ks.Length; a++)
            for (int b = 0; b < betas.Length; b++) grid[a, b] = Math.Round(GridValue(ks[a], betas[b], s => s.BoundaryIou), 4);
        var kBetaFigure = Plots.Heatmap(paper, "k-beta-grid",
            $"Boundary IoU at {side} px by training-point selection (k, β); {config.AblationSteps} steps, seed {config.Seed}",
            grid, "importance ratio β", "oversampling ratio k", [.. betas.Select(b => "β = " + b.ToString("0.##", Inv))],
            [.. ks.Select(k => "k = " + k.ToString("0.##", Inv))], colorBarTitle: "Boundary IoU (0–1)");
        // The value in each cell (labels that are not numbers keep the axes categorical).
        kBetaFigure.Spec["data"]![0]!["text"] = new JsonArray([.. Enumerable.Range(0, ks.Length)
            .Select(a => (JsonNode)new JsonArray([.. Enumerable.Range(0, betas.Length)
                .Select(b => (JsonNode)grid[a, b].ToString("0.000", Inv))]))]);
        kBetaFigure.Spec["data"]![0]!["texttemplate"] = "%{text}";

        // The point-budget frontier at the image side.
        var frontierPoints = pointRend.SelectMany(t => t.Eval.Result.Frontier).ToList();
        var frontierNames = frontierPoints.Select(f => f.Method).Distinct().ToList();
        var frontierCurves = frontierNames.Select(name =>
        {
            // Average the seeds point by point (each seed lists the same budgets in the same order).
            var perSeed = pointRend.Select(t => t.Eval.Result.Frontier.Where(f => f.Method == name).ToList()).ToList();
            int count = perSeed.Min(p => p.Count);
            var x = Enumerable.Range(0, count).Select(i => perSeed.Average(p => p[i].PointEvaluations)).ToList();
            var y = Enumerable.Range(0, count).Select(i => perSeed.Average(p => p[i].BoundaryIou)).ToList();
            return (Name: FrontierLabel(name), X: x, Y: y);
        }).ToList();
        var frontier = new DataFrame(
            new StringDataFrameColumn("method", frontierCurves.SelectMany(c => c.X.Select(_ => c.Name))),
            new DoubleDataFrameColumn("point_evaluations", frontierCurves.SelectMany(c => c.X.Select(v => Math.Round(v, 1)))),
            new DoubleDataFrameColumn("boundary_iou", frontierCurves.SelectMany(c => c.Y.Select(v => Math.Round(v, 4)))));
        var frontierFigure = Plots.Lines(paper, "frontier",
            $"Boundary IoU vs point-head evaluations at {side} px ({seeds} seeds)", "point-head evaluations per image (log scale)",
            "Boundary IoU", frontierCurves.Select(c => new Curve(c.Name, c.X, c.Y, Markers: true)), x: Scale.Log);

        // The semantic variant (4 classes, top-2 margin uncertainty) at the image side.
        var (semanticTable, semanticSteps) = SemanticTables(semantic, side, config.PointsPerStep);

        var all = pointRend.Concat(dense).Concat(ablation).Concat(semantic).ToList();
        var runs = new DataFrame(
            new StringDataFrameColumn("head", all.Select(t => ablation.Contains(t)
                ? F($"PointRend k={t.OversampleRatio} β={t.ImportanceRatio}")
                : semantic.Contains(t) ? "PointRend, semantic (4 classes)" : dense.Contains(t) ? "dense" : "PointRend")),
            new Int32DataFrameColumn("seed", all.Select(t => t.Seed)),
            new DoubleDataFrameColumn("final_loss", all.Select(t => Math.Round(t.Train.Result.FinalLoss, 4))),
            new DoubleDataFrameColumn("train_seconds", all.Select(t => Math.Round(t.Train.Result.TrainSeconds, 1))),
            new Int64DataFrameColumn("parameters", all.Select(t => t.Train.Result.Parameters)),
            new BooleanDataFrameColumn("from_cache", all.Select(t => t.Train.FromCache)),
            new StringDataFrameColumn("run", all.Select(t => t.Train.Hash)));

        var paperVsOurs = PaperVsOursTable(config, Scores, sides, ablation, pointRend, semantic);
        List<Figure> figures = [pointsFigure, masksFigure, iouFigure, kBetaFigure, costFigure, frontierFigure];
        if (semantic.Count > 0) figures.Add(SemanticMasksFigure(paper, semantic[0].Eval.Result, side));
        return new ExperimentReport(paper, config,
            [("results", results), ("resolution", resolution), ("points-per-step", perStep), ("cost", cost), ("k-beta", kBeta),
             ("frontier", frontier), ("semantic", semanticTable), ("semantic-points", semanticSteps), ("training-runs", runs),
             ("paper-vs-ours", paperVsOurs)],
            Figure.Captioned(figures,
                new Dictionary<string, string>
                {
                    ["points-per-step"] = $"1 seed (seed {config.Seed}), first test scene",
                    ["masks"] = $"1 seed (seed {config.Seed}), first test scene",
                    ["semantic-masks"] = $"1 seed (seed {config.Seed}), first test scene",
                    ["cost"] = "deterministic (counts of point-head evaluations)",
                }), elapsed);

        Figure ResolutionPanel(string p, string title, Func<MethodScore, double> metric) =>
            Plots.Lines(p, title, title, "output side (px, log scale)", title.Split(' ')[0] + " IoU",
                methods.Select((m, i) =>
                {
                    var stats = sides.Select(s => SeriesStats.MeanStd(Scores(m, s).Select(metric))).ToList();
                    return new Curve(labels[i], sides.Select(s => (double)s).ToList(), stats.Select(v => v.Mean).ToList(),
                        stats.Select(v => v.Std).ToList(), Markers: true);
                }), x: Scale.Log);
    }

    static string FrontierLabel(string method) => method switch
    {
        "pointrend" => "adaptive subdivision",
        "uniform" => "uniform random cells",
        "oracle" => "oracle (the coarse mask's wrong pixels)",
        _ => "dense (every pixel)",
    };

    /// <summary>
    /// The semantic variant's methods at the image side (class-mean mask IoU and Boundary IoU, mean ± std over seeds) and,
    /// per subdivision step, the share of the cells chosen by the top-2 margin that were wrong against the share of all cells.
    /// </summary>
    static (DataFrame Methods, DataFrame Steps) SemanticTables(IReadOnlyList<PointRendTrial> semantic, int side, int pointsPerStep)
    {
        string[] methods = ["coarse", "pointrend", "dense"];
        string[] labels = ["coarse (bilinear ×)", "PointRend (subdivision, top-2 margin)", "point head on every pixel"];
        var rows = methods.Select(m => semantic.Select(t => t.Eval.Result.Scores.Single(s => s.Method == m && s.OutputSide == side))
            .ToList()).ToList();
        // The same predictions scored as foreground vs background.
        List<string> foreground = semantic.Count == 0 ? [] : [.. methods.Select(m => MeanStd(semantic.Select(t => t.Eval.Result.Scores
            .Single(s => s.Method == m + PointRendTraining.ForegroundSuffix && s.OutputSide == side).BoundaryIou)))];
        var methodsTable = new DataFrame(
            new StringDataFrameColumn("method", semantic.Count == 0 ? [] : labels),
            new StringDataFrameColumn("class_mean_mask_iou",
                semantic.Count == 0 ? [] : rows.Select(r => MeanStd(r.Select(s => s.MaskIou)))),
            new StringDataFrameColumn("class_mean_boundary_iou",
                semantic.Count == 0 ? [] : rows.Select(r => MeanStd(r.Select(s => s.BoundaryIou)))),
            new StringDataFrameColumn("foreground_boundary_iou", semantic.Count == 0 ? [] : foreground),
            new DoubleDataFrameColumn("point_evaluations", semantic.Count == 0 ? [] : rows.Select(r => r.Average(s => s.PointEvaluations))),
            new Int32DataFrameColumn("seeds", semantic.Count == 0 ? [] : rows.Select(r => r.Count)));
        return (methodsTable, PerStepTable(semantic, pointsPerStep));
    }

    /// <summary>
    /// Per subdivision step at the image side (the first trial's example scene for the counts): N, whether the step was
    /// skipped, points refined, and over all test scenes the share of chosen points that were wrong before refinement
    /// against the share of all cells (mean ± std over the trials).
    /// </summary>
    static DataFrame PerStepTable(IReadOnlyList<PointRendTrial> trials, int pointsPerStep)
    {
        var steps = trials.Count == 0 ? [] : trials[0].Eval.Result.ExampleSteps;
        return new DataFrame(
            new Int32DataFrameColumn("step", steps.Select(s => s.Step)),
            new Int32DataFrameColumn("grid_side", steps.Select(s => s.Side)),
            new Int32DataFrameColumn("N", steps.Select(_ => pointsPerStep)),
            new BooleanDataFrameColumn("skipped_N_ge_4HW", steps.Select(s => s.Skipped)),
            new Int32DataFrameColumn("points_refined", steps.Select(s => s.Coords.Length / 2)),
            new StringDataFrameColumn("share_hitting_real_errors", steps.Select(s =>
                MeanStd(trials.Select(t => t.Eval.Result.HitErrorByStep.ElementAtOrDefault(s.Step - 1))))),
            new StringDataFrameColumn("share_of_all_cells_wrong", steps.Select(s =>
                MeanStd(trials.Select(t => t.Eval.Result.CellErrorByStep.ElementAtOrDefault(s.Step - 1))))));
    }

    static Figure SemanticMasksFigure(string paper, PointRendEvalResult result, int side)
    {
        var grey = ToGrid([.. result.ExampleImage.Select(v => (double)v)], side);
        var panels = new List<Figure> { Plots.Image(paper, "input image", "input image", grey, min: 0, max: 1) };
        panels[0].Spec["data"]![0]!["showscale"] = false; // the class colour bar is the one that names what the panels show
        foreach (var name in new[] { "ground truth", "coarse (bilinear)", "PointRend", "point head on every pixel" })
        {
            var grid = ToGrid([.. result.ExampleMasks[name].Select(v => (double)v)], side);
            var labels = new int[side, side];
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++) labels[r, c] = (int)grid[r, c];
            // The scene generator's kinds (SegmentationScene.SemanticClasses), one flat colour each.
            panels.Add(Plots.ClassImage(paper, name, name, labels, ["ellipse", "star", "thin arms"], "background"));
        }
        return Plots.SmallMultiples(paper, "semantic-masks",
            $"Semantic variant (4 classes) at {side} px: coarse vs PointRend vs the point head on every pixel "
            + "(first test scene, first seed)",
            panels, columns: 5, panelWidth: 260, panelHeight: 260);
    }

    static DataFrame PaperVsOursTable(PointRendConfig config, Func<string, int, IReadOnlyList<MethodScore>> scores,
        IReadOnlyList<int> sides, IReadOnlyList<PointRendTrial> ablation, IReadOnlyList<PointRendTrial> pointRend,
        IReadOnlyList<PointRendTrial> semantic)
    {
        int side = config.ImageSize, top = sides[^1];
        var coarse = scores("coarse", side);
        var pr = scores("pointrend", side);
        var dense = scores("dense", side);
        var (cm, cs) = SeriesStats.MeanStd(coarse.Select(s => s.MaskIou));
        var (pm, ps) = SeriesStats.MeanStd(pr.Select(s => s.MaskIou));
        var (cb, cbs) = SeriesStats.MeanStd(coarse.Select(s => s.BoundaryIou));
        var (pb, pbs) = SeriesStats.MeanStd(pr.Select(s => s.BoundaryIou));
        var (db, dbs) = SeriesStats.MeanStd(dense.Select(s => s.BoundaryIou));
        int n = pr.Count;
        string seedsText = $"{n} seed{(n == 1 ? "" : "s")}, {config.TestScenes} test scenes, {side} px";
        bool gain = pb - cb > 2 * Math.Max(pbs, cbs) && pm > cm;
        bool boundaryLarger = pb - cb > pm - cm;
        double prPoints = pr.Average(s => s.PointEvaluations), prTop = scores("pointrend", top).Average(s => s.PointEvaluations);
        var (tb, _) = SeriesStats.MeanStd(scores("pointrend", top).Select(s => s.BoundaryIou));
        var (tc, _) = SeriesStats.MeanStd(scores("coarse", top).Select(s => s.BoundaryIou));
        var (td, _) = SeriesStats.MeanStd(scores("dense", top).Select(s => s.BoundaryIou));
        double Cell(double k, double beta) => ablation.FirstOrDefault(t => t.OversampleRatio == k && t.ImportanceRatio == beta)?
            .Eval.Result.Scores.Single(s => s.Method == "pointrend" && s.OutputSide == side).BoundaryIou ?? double.NaN;
        double uniform = Cell(1, 0), biased = Cell(3, 0.75);
        // Per step (not skipped): share of the chosen points that were wrong, against the share of all cells that were.
        int stepCount = pointRend[0].Eval.Result.HitErrorByStep.Length;
        var hits = Enumerable.Range(0, stepCount).Select(k => pointRend.Average(t => t.Eval.Result.HitErrorByStep[k])).ToList();
        var bases = Enumerable.Range(0, stepCount).Select(k => pointRend.Average(t => t.Eval.Result.CellErrorByStep[k])).ToList();
        // A step that refines every cell (N ≥ H·W) cannot be enriched; judge the others.
        var partial = pointRend[0].Eval.Result.ExampleSteps.Where(s => !s.Skipped && s.Coords.Length / 2 < s.Side * s.Side)
            .Select(s => s.Step - 1).ToList();
        bool enriched = partial.Count > 0 && partial.All(k => hits[k] > 2 * bases[k]);
        return PaperVsOurs.Table(
        [
            new PaperVsOurs.Row("PointRend improves masks over the coarse mask head, more at boundaries",
                "COCO mask AP 35.2 → 36.3 (R50-FPN, reported); larger gains on higher-quality boundaries (AP* with LVIS masks, reported)",
                F($"mask IoU {100 * cm:0.0} ± {100 * cs:0.0} → {100 * pm:0.0} ± {100 * ps:0.0} %, ")
                + F($"Boundary IoU {100 * cb:0.0} ± {100 * cbs:0.0} → {100 * pb:0.0} ± {100 * pbs:0.0} % ({seedsText})"),
                gain && boundaryLarger
                    ? F($"holds, far larger than the paper's gain: our coarse mask is {config.CoarseSize} × {config.CoarseSize}, ")
                        + "the paper's baseline 28 × 28"
                    : gain ? "partly: a gain, but not larger at boundaries" : "does not hold at this scale"),
            new PaperVsOurs.Row("Adaptive subdivision reaches a dense head's quality with far fewer point predictions",
                "224 × 224 output: dense ≈ 34 GFLOPs vs ≈ 0.9 GFLOPs for PointRend (reported)",
                F($"{side} px: {prPoints:0} vs {side * side} point evaluations ({side * side / prPoints:0.0}×), ")
                + F($"Boundary IoU {100 * pb:0.0} vs dense {100 * db:0.0} ± {100 * dbs:0.0} %; ")
                + F($"{top} px: {prTop:0} vs {top * top} ({top * top / prTop:0.0}×)"),
                pb >= db - 0.01 ? "holds: within 1 point of the dense head at a fraction of the predictions"
                    : F($"partly: fewer predictions, but {100 * (db - pb):0.0} points of Boundary IoU below the dense head")),
            new PaperVsOurs.Row("Segmentation as rendering: the point head renders at a higher resolution than it was trained at",
                "qualitative (paper Fig. 1, 2; no number)",
                F($"at {top} px ({top / side}× the training side), Boundary IoU vs the exact shapes: ")
                + F($"PointRend {100 * tb:0.0} %, coarse {100 * tc:0.0} %, dense head {100 * td:0.0} %"),
                tb > tc ? "holds: refining above the training resolution beats upsampling the coarse mask" : "does not hold at this scale"),
            new PaperVsOurs.Row("Training on biased points (k = 3, β = 0.75) beats uniform points (k = 1, β = 0)",
                "mild biasing best in the paper's ablation of (k, β) (Table 3, reported; same k, β reused by Mask2Former)",
                double.IsNaN(uniform) || double.IsNaN(biased) ? "not in the ablation grid"
                    : F($"Boundary IoU {100 * uniform:0.0} % (uniform) vs {100 * biased:0.0} % (k = 3, β = 0.75), ")
                        + F($"one seed, {config.AblationSteps} steps"),
                double.IsNaN(uniform) || double.IsNaN(biased) ? "not measured" : biased > uniform ? "holds (one seed: indicative only)"
                    : "does not hold at this scale (one seed)"),
            new PaperVsOurs.Row("The points chosen as uncertain are where the prediction is wrong",
                "implicit in the method (no number)",
                "wrong before refinement, chosen points vs all cells, per step: "
                + string.Join(", ", hits.Zip(bases).Select(p => F($"{100 * p.First:0.0} vs {100 * p.Second:0.0} %"))),
                enriched ? "holds: the chosen points are enriched in errors, yet most were already right (the oracle needs far fewer)"
                    : "partly: the chosen points are not much richer in errors than the grid as a whole"),
            SemanticRow(semantic, side),
        ]);
    }

    static PaperVsOurs.Row SemanticRow(IReadOnlyList<PointRendTrial> semantic, int side)
    {
        const string claim = "Semantic masks: refining the cells with the smallest margin between the two best classes improves them";
        const string reported = "Cityscapes semantic segmentation: mIoU gains over DeeplabV3 and SemanticFPN (reported)";
        if (semantic.Count == 0)
            return new PaperVsOurs.Row(claim, reported, "semantic variant not run (semantic_seeds = 0)", "not measured");
        IEnumerable<MethodScore> At(string method) =>
            semantic.Select(t => t.Eval.Result.Scores.Single(s => s.Method == method && s.OutputSide == side));
        var (cm, cs) = SeriesStats.MeanStd(At("coarse").Select(s => s.MaskIou));
        var (pm, ps) = SeriesStats.MeanStd(At("pointrend").Select(s => s.MaskIou));
        var (cb, cbs) = SeriesStats.MeanStd(At("coarse").Select(s => s.BoundaryIou));
        var (pb, pbs) = SeriesStats.MeanStd(At("pointrend").Select(s => s.BoundaryIou));
        var (db, _) = SeriesStats.MeanStd(At("dense").Select(s => s.BoundaryIou));
        int last = semantic[0].Eval.Result.HitErrorByStep.Length - 1;
        double hit = semantic.Average(t => t.Eval.Result.HitErrorByStep[last]);
        double all = semantic.Average(t => t.Eval.Result.CellErrorByStep[last]);
        int n = semantic.Count;
        string ours = F($"class-mean mask IoU {100 * cm:0.0} ± {100 * cs:0.0} → {100 * pm:0.0} ± {100 * ps:0.0} %, ")
            + F($"Boundary IoU {100 * cb:0.0} ± {100 * cbs:0.0} → {100 * pb:0.0} ± {100 * pbs:0.0} % (every pixel: {100 * db:0.0} %); ")
            + F($"last step: {100 * hit:0.0} % of the margin-chosen cells wrong vs {100 * all:0.0} % of all cells ")
            + F($"({n} seed{(n == 1 ? "" : "s")}, {side} px)");
        bool gain = pb - cb > 2 * Math.Max(pbs, cbs) && pm > cm;
        return new PaperVsOurs.Row(claim, reported, ours,
            gain && hit > 2 * all ? "holds: the margin finds the errors and refining them lifts boundary quality"
                : gain ? "partly: a gain, but the margin-chosen cells are not much richer in errors" : "does not hold at this scale");
    }

    static Figure PointsPerStepFigure(string paper, PointRendEvalResult example, int side)
    {
        var image = ToGrid(example.ExampleImage.Select(v => (double)v).ToArray(), side);
        var panels = new List<Figure>();
        foreach (var step in example.ExampleSteps)
        {
            var panel = Plots.Image(paper, $"step-{step.Step}", step.Skipped
                ? $"step {step.Step}: {step.Side}², skipped (N ≥ 4HW)"
                : $"step {step.Step}: {step.Coords.Length / 2} points on {step.Side}²",
                image, min: 0, max: 1, colorBarTitle: "input intensity (0–1)");
            var xs = new JsonArray();
            var ys = new JsonArray();
            for (int p = 0; p < step.Coords.Length / 2; p++)
            {
                // Continuous (x, y) in [0, 1]² → image pixel coordinates (pixel centres at integers).
                xs.Add(Math.Round(step.Coords[2 * p] * side - 0.5, 3));
                ys.Add(Math.Round(step.Coords[2 * p + 1] * side - 0.5, 3));
            }
            panel.Spec["data"]!.AsArray().Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "markers", ["x"] = xs, ["y"] = ys, ["name"] = "chosen points", ["showlegend"] = false,
                ["marker"] = new JsonObject { ["color"] = "#d62728", ["size"] = 3 },
            });
            panels.Add(panel);
        }
        return Plots.SmallMultiples(paper, "points-per-step", "Points chosen at each subdivision step, over the input image", panels,
            columns: Math.Min(panels.Count, 4), panelWidth: 300, panelHeight: 300);
    }

    static Figure MasksFigure(string paper, PointRendEvalResult pointRend, PointRendEvalResult dense, int side)
    {
        Figure Panel(string name, IEnumerable<double> values) =>
            Plots.Image(paper, name, name, ToGrid([.. values], side), min: 0, max: 1, colorBarTitle: "pixel value (0–1)");
        var panels = new List<Figure> { Panel("input image", pointRend.ExampleImage.Select(v => (double)v)) };
        foreach (var name in new[] { "ground truth", "coarse (bilinear)", "PointRend" })
            panels.Add(Panel(name, pointRend.ExampleMasks[name].Select(v => (double)v)));
        panels.Add(Panel("dense head", dense.ExampleMasks["dense head"].Select(v => (double)v)));
        return Plots.SmallMultiples(paper, "masks", $"Coarse vs PointRend vs dense head at {side} px (first test scene, first seed)",
            panels,
            columns: 5, panelWidth: 260, panelHeight: 260);
    }

    static double[,] ToGrid(double[] values, int side)
    {
        var grid = new double[side, side];
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++) grid[i, j] = values[i * side + j];
        return grid;
    }

    static string MeanStd(IEnumerable<double> values)
    {
        var (mean, std) = SeriesStats.MeanStd(values);
        return F($"{mean:0.0000} ± {std:0.0000}");
    }

    static string F(FormattableString s) => s.ToString(Inv);
}
