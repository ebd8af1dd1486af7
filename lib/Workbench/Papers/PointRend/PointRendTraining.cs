using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.Points;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.PointRend;

/// <summary>One point of the point-budget frontier at the image side.</summary>
/// <param name="Method">pointrend (adaptive subdivision), uniform (random cells), dense, oracle (the wrong cells).</param>
/// <param name="PointEvaluations">Mean point-head evaluations per image.</param>
/// <param name="MaskIou">Mean mask IoU.</param>
/// <param name="BoundaryIou">Mean Boundary IoU.</param>
public sealed record FrontierPoint(string Method, double PointEvaluations, double MaskIou, double BoundaryIou);

/// <summary>Training (point loss on k·N-selected points, or dense loss) and evaluation of <see cref="PointRendNetwork"/>.</summary>
public static class PointRendTraining
{
    /// <summary>Weights file a training run leaves in its run folder.</summary>
    public const string WeightsFile = "final.weights";

    /// <summary>Budgets of the frontier, as multiples of the configured points per step.</summary>
    public static readonly double[] FrontierBudgets = [0.125, 0.25, 0.5, 1, 2];

    /// <summary>Training scenes of a run: the seed picks the scenes, so seeds differ in data as well as init.</summary>
    public static IReadOnlyList<SegmentationScene> TrainScenes(PointRendTrainRun run) =>
        SceneGenerator.Scenes(Seeds.Derive(run.Seed, "train-scenes"), run.TrainScenes, run.MaxShapes);

    /// <summary>The test scenes: one fixed stream, the same for every seed and method.</summary>
    public static IReadOnlyList<SegmentationScene> TestScenes(int count, int maxShapes) =>
        SceneGenerator.Scenes(Seeds.Derive(0, "test-scenes"), count, maxShapes);

    /// <summary>Images of scenes at a side, B × 1 × S × S values, with seeded noise per scene.</summary>
    public static float[] Images(IReadOnlyList<SegmentationScene> scenes, int size, double noise, int seed)
    {
        var images = new float[scenes.Count * size * size];
        for (int i = 0; i < scenes.Count; i++)
            scenes[i].Render(size, noise, Seeds.Rng(seed, $"noise-{i}")).CopyTo(images, i * size * size);
        return images;
    }

    // Runs of one process with the same data (the seeds' runs, the ablation grid) render their scenes once.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int, int, double),
        (IReadOnlyList<SegmentationScene> Scenes, float[] Images)> TrainingData = new();

    /// <summary>What a checkpoint records besides the model and optimizer (<see cref="TrainingCheckpoint"/>).</summary>
    /// <param name="RecentLosses">The last losses, for the final-loss average.</param>
    public sealed record TrainCheckpoint(double[] RecentLosses);

    /// <summary>
    /// Trains one run and writes its weights to <see cref="WeightsFile"/> in the run folder; checkpoints model and optimizer
    /// every <paramref name="checkpointEvery"/> steps (0: never) and resumes from the last one. The points of step t are drawn
    /// from a generator seeded by (seed, t), so a resumed run draws the same points as an uninterrupted one.
    /// </summary>
    public static PointRendTrainResult Train(PointRendTrainRun run, RunContext ctx, int checkpointEvery = 0)
    {
        TorchSetup.Initialize();
        var watch = Stopwatch.StartNew();
        int s = run.ImageSize, c = s / 8, n = run.TrainScenes, b = run.BatchSize, classes = run.Classes;
        bool semantic = classes > 1;
        var (scenes, imageData) = TrainingData.GetOrAdd((run.Seed, run.TrainScenes, run.MaxShapes, s, run.Noise), _ =>
        {
            var generated = TrainScenes(run);
            return (generated, Images(generated, s, run.Noise, Seeds.Derive(run.Seed, "train-noise")));
        });
        var losses = new List<double>();
        long start = 0;

        using var scope = NewDisposeScope();
        var device = TorchSetup.Device;
        var images = tensor(imageData, [n, 1, s, s], device: device);
        // Targets: the exact label at each coarse cell centre (binary: 0/1 floats for the logistic loss; semantic: class
        // indices for the cross-entropy).
        var coarseTargets = semantic
            ? tensor(scenes.SelectMany(sc => sc.ClassMask(c, c)).Select(v => (long)v).ToArray(), [n, c, c], device: device)
            : tensor(scenes.SelectMany(sc => sc.Mask(c, c)).Select(v => v ? 1f : 0f).ToArray(), [n, 1, c, c], device: device);
        Tensor? denseCoords = null, denseTargets = null;
        if (run.Head == MaskHead.Dense)
        {
            // The dense head's targets: the exact label at every pixel centre of the output grid (the image side).
            denseCoords = tensor(PointSampling.Grid(s, s), [1, s * s, 2], device: device);
            denseTargets = semantic
                ? tensor(scenes.SelectMany(sc => sc.ClassMask(s, s)).Select(v => (long)v).ToArray(), [n, s * s], device: device)
                : tensor(scenes.SelectMany(sc => sc.Mask(s, s)).Select(v => v ? 1f : 0f).ToArray(), [n, s * s], device: device);
        }
        using var model = TorchRandom.Build(run.Seed, "init", () => NewNetwork(run)).to(device);
        using var optimizer = new Adam(model.parameters(), run.LearningRate);
        var schedule = new MinibatchSchedule(n, b, run.Seed);
        if (TrainingCheckpoint.TryResume(ctx, model, optimizer, out long resumed, out TrainCheckpoint checkpoint))
        {
            start = resumed;
            losses.AddRange(checkpoint.RecentLosses);
        }
        for (long step = start; step < run.Steps; step++)
        {
            var pointRandom = Seeds.Rng(run.Seed, FormattableString.Invariant($"points-{step}"));
            ctx.Cancellation.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var batch = schedule.Batch(step);
                var index = tensor(batch, device: device);
                var (coarse, fine) = model.Features(images.index_select(0, index));
                var coarseLoss = Loss(coarse, coarseTargets.index_select(0, index), semantic);
                Tensor coords, targets;
                if (run.Head == MaskHead.PointRend)
                {
                    // Point selection (k, β) on the detached coarse logits, by the compiled kernel (uncertainty −|logit| for
                    // one logit, the top-2 margin for classes); targets are the exact labels of the generated shapes at the
                    // chosen continuous points.
                    var coarseHost = coarse.detach().cpu().data<float>().ToArray();
                    int points = run.TrainPoints, plane = classes * c * c;
                    var coordData = new float[batch.Length * points * 2];
                    var labelData = new float[semantic ? 0 : batch.Length * points];
                    var classData = new long[semantic ? batch.Length * points : 0];
                    for (int i = 0; i < batch.Length; i++)
                    {
                        var chosen = UncertainPoints.ForTraining(coarseHost.AsSpan(i * plane, plane), classes, c, c, points,
                            run.OversampleRatio, run.ImportanceRatio, pointRandom);
                        chosen.CopyTo(coordData, i * points * 2);
                        if (semantic)
                        {
                            var labels = scenes[(int)batch[i]].ClassLabels(chosen);
                            for (int p = 0; p < points; p++) classData[i * points + p] = labels[p];
                        }
                        else scenes[(int)batch[i]].Labels(chosen).CopyTo(labelData, i * points);
                    }
                    coords = tensor(coordData, [batch.Length, points, 2], device: device);
                    targets = semantic ? tensor(classData, [batch.Length, points], device: device)
                        : tensor(labelData, [batch.Length, points], device: device);
                }
                else
                {
                    coords = denseCoords!.expand(batch.Length, -1, -1);
                    targets = denseTargets!.index_select(0, index);
                }
                var logits = model.PointLogits(fine, PointRendNetwork.Sample(coarse, coords), coords);
                // Semantic logits are B × P × K; the cross-entropy wants the classes second.
                var pointLoss = Loss(semantic ? logits.permute(0, 2, 1) : logits, targets, semantic);
                var loss = coarseLoss.add(pointLoss, Scalars.One);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                losses.Add(value);
                if ((step + 1) % 10 == 0)
                {
                    ctx.Log(step + 1, "train_loss", value);
                    ctx.Log(step + 1, "point_loss", pointLoss.item<float>());
                    ctx.Report(step + 1, run.Steps, $"{run.Head} loss {value:0.###}");
                }
            }
            long done = step + 1;
            if (checkpointEvery > 0 && done % checkpointEvery == 0 && done < run.Steps)
                TrainingCheckpoint.Save(ctx, done, model, optimizer, new TrainCheckpoint([.. losses.TakeLast(20)]));
        }
        TrainingCheckpoint.DeleteFiles(ctx);
        WeightFile.Write(Path.Combine(ctx.Directory, WeightsFile), TorchSetup.ExportParameters(model));
        long parameters = model.parameters().Sum(p => p.numel());
        return new PointRendTrainResult(losses.TakeLast(20).Average(), watch.Elapsed.TotalSeconds, parameters);
    }

    /// <summary>
    /// Suffix of the extra score rows a semantic evaluation records per method: the foreground mask (any class against
    /// background) scored like a binary run.
    /// </summary>
    public const string ForegroundSuffix = ":foreground";

    /// <summary>The network of a run (seeded initialisation is the caller's: <see cref="TorchRandom.Build{T}"/>).</summary>
    public static PointRendNetwork NewNetwork(PointRendTrainRun run) =>
        new(run.FineChannels, run.HeadWidth, classes: run.Classes, trunkChannels: run.TrunkChannels);

    /// <summary>
    /// Binary: logistic loss on one logit against 0/1; semantic: cross-entropy on B × K × … logits against class indices.
    /// </summary>
    static Tensor Loss(Tensor logits, Tensor targets, bool semantic) => semantic
        ? nn.functional.cross_entropy(logits, targets)
        : nn.functional.binary_cross_entropy_with_logits(logits, targets);

    /// <summary>Points per subdivision step at an output side: linear in the side, as boundary length is.</summary>
    public static int PointsAt(int pointsPerStep, int imageSize, int outputSide) =>
        Math.Max(1, (int)Math.Round((double)pointsPerStep * outputSide / imageSize));

    /// <summary>
    /// Evaluates a trained model on the test scenes at output sides coarse × 2^1 … coarse × 2^(steps + extra). A binary run
    /// is scored on the foreground mask; a semantic run (<see cref="PointRendTrainRun.Classes"/> &gt; 1) on its class
    /// labels (argmax), with the per-image class means of <see cref="BoundaryIoU.ClassMean"/>; subdivision then picks the
    /// cells with the smallest margin between the two best classes.
    /// </summary>
    public static PointRendEvalResult Evaluate(PointRendEvalRun eval,
        PointRendTrainRun train, string weightsPath, RunContext ctx)
    {
        TorchSetup.Initialize();
        int s = train.ImageSize, c = s / 8, classes = train.Classes;
        bool semantic = classes > 1;
        var scenes = TestScenes(eval.TestScenes, train.MaxShapes);
        var imageData = Images(scenes, s, train.Noise, Seeds.Derive(0, "test-noise"));
        var device = TorchSetup.Device;
        using var model = TorchRandom.Build(train.Seed, "init", () => NewNetwork(train)).to(device);
        TorchSetup.ImportParameters(model, WeightFile.Read(weightsPath));
        using var noGrad = no_grad();

        int maxSteps = eval.SubdivisionSteps + eval.ExtraSteps;
        var sums = new Dictionary<(string, int), (double Mask, double Boundary, double Points, double Ms, int Count)>();
        var frontier = new Dictionary<(string, int), (double Points, double Mask, double Boundary, int Count)>();
        var hitErrors = new double[eval.SubdivisionSteps];
        var hitCounts = new int[eval.SubdivisionSteps];
        var cellErrors = new double[eval.SubdivisionSteps];
        var exampleMasks = new Dictionary<string, byte[]>();
        var exampleSteps = new List<StepPoints>();
        for (int i = 0; i < scenes.Count; i++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            ctx.Report(i, scenes.Count, train.Head.ToString());
            using var scope = NewDisposeScope();
            var (coarseT, fine) = model.Features(tensor(imageData.AsSpan(i * s * s, s * s).ToArray(), [1, 1, s, s], device: device));
            var coarse = coarseT.cpu().data<float>().ToArray(); // K × c × c
            float[] Head(float[] coords, float[] coarseAtPoints)
            {
                using var inner = NewDisposeScope();
                int p = coords.Length / 2;
                if (!semantic)
                    return model.PointLogits(fine, tensor(coarseAtPoints, [1, p, 1], device: device),
                            tensor(coords, [1, p, 2], device: device))
                        .cpu().data<float>().ToArray();
                // The kernels lay logits out K × P; the network takes and returns P × K.
                var atPoints = tensor(coarseAtPoints, [1, classes, p], device: device).permute(0, 2, 1);
                return model.PointLogits(fine, atPoints, tensor(coords, [1, p, 2], device: device)).permute(0, 2, 1).contiguous()
                    .cpu().data<float>().ToArray();
            }
            // Exact labels at every side first, so the timings below measure only the methods.
            var truths = Enumerable.Range(1, maxSteps).ToDictionary(k => c << k,
                k => semantic ? scenes[i].ClassMask(c << k, c << k) : [.. scenes[i].Mask(c << k, c << k).Select(v => v ? 1 : 0)]);
            for (int steps = 1; steps <= maxSteps; steps++)
            {
                int side = c << steps;
                var gt = truths[side];
                if (!gt.Any(v => v != 0)) continue; // too small to hit a pixel centre at this side: IoU undefined
                bool atImageSide = steps == eval.SubdivisionSteps;
                int n = PointsAt(eval.PointsPerStep, s, side);

                var watch = Stopwatch.StartNew();
                var upsampled = BilinearResize.Resize(coarse, classes, c, c, side, side);
                Add("coarse", side, gt, Predict(upsampled, classes), 0, watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                var result = Subdivision.Run(coarse, classes, c, c, steps, n, Head, atImageSide ? (step, logits) =>
                {
                    // How many of the cells chosen as uncertain are really wrong before refinement (exact labels).
                    var truth = truths[step.Height];
                    var predicted = Predict(logits, classes);
                    double wrong = step.Indices.Count(k => predicted[k] != truth[k]);
                    hitErrors[step.Step - 1] += wrong / step.Indices.Length;
                    double wrongCells = 0;
                    for (int k = 0; k < truth.Length; k++) if (predicted[k] != truth[k]) wrongCells++;
                    cellErrors[step.Step - 1] += wrongCells / truth.Length;
                    hitCounts[step.Step - 1]++;
                } : null);
                var pointRend = Predict(result.Logits, classes);
                Add("pointrend", side, gt, pointRend, result.PointEvaluations, watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                var grid = PointSampling.Grid(side, side);
                var denseLogits = Head(grid, PointSampling.Bilinear(coarse, classes, c, c, grid));
                var dense = Predict(denseLogits, classes);
                Add("dense", side, gt, dense, side * side, watch.Elapsed.TotalMilliseconds);

                if (!atImageSide) continue;
                if (i == 0)
                {
                    exampleMasks["ground truth"] = ToBytes(gt);
                    exampleMasks["coarse (bilinear)"] = ToBytes(Predict(upsampled, classes));
                    exampleMasks[train.Head == MaskHead.PointRend ? "PointRend" : "dense head (PointRend net)"] = ToBytes(pointRend);
                    exampleMasks[train.Head == MaskHead.Dense ? "dense head" : "point head on every pixel"] = ToBytes(dense);
                    foreach (var st in result.Steps)
                        exampleSteps.Add(new StepPoints(st.Step, st.Height, st.Skipped, st.Coords, double.NaN));
                }
                if (!eval.Frontier) continue;
                AddFrontier("dense", side * side, gt, dense);
                // The oracle refines exactly the cells the bilinear-upsampled coarse mask gets wrong (exact ground truth).
                var coarseLabels = Predict(upsampled, classes);
                var wrongCells = Enumerable.Range(0, side * side).Where(k => coarseLabels[k] != gt[k]).ToArray();
                var oracle = Refine(upsampled, classes, wrongCells, side, coarse, c, Head);
                AddFrontier("oracle", wrongCells.Length, gt, Predict(oracle, classes));
                for (int budget = 0; budget < FrontierBudgets.Length; budget++)
                {
                    int nb = Math.Max(1, (int)Math.Round(FrontierBudgets[budget] * n));
                    var adaptive = Subdivision.Run(coarse, classes, c, c, steps, nb, Head);
                    AddFrontier($"pointrend:{budget}", adaptive.PointEvaluations, gt, Predict(adaptive.Logits, classes));
                    // Uniform: the same number of point-head evaluations on cells drawn uniformly at random.
                    var cells = Seeds.Permutation(side * side, i, $"uniform-{budget}")[..Math.Min(adaptive.PointEvaluations, side * side)];
                    AddFrontier($"uniform:{budget}", cells.Length, gt,
                        Predict(Refine(upsampled, classes, cells, side, coarse, c, Head), classes));
                }
            }
        }
        if (scenes.Count > 0 && exampleMasks.Count > 0)
            for (int k = 0; k < exampleSteps.Count; k++)
                exampleSteps[k] = exampleSteps[k] with
                {
                    HitError = hitCounts.ElementAtOrDefault(k) > 0 ? hitErrors[k] / hitCounts[k] : double.NaN,
                };
        var scores = sums.Select(kv => new MethodScore(kv.Key.Item1, kv.Key.Item2, kv.Value.Mask / kv.Value.Count,
                kv.Value.Boundary / kv.Value.Count, kv.Value.Points / kv.Value.Count, kv.Value.Ms / kv.Value.Count, kv.Value.Count))
            .OrderBy(m => m.OutputSide).ThenBy(m => m.Method).ToList();
        var frontierPoints = frontier.Select(kv => new FrontierPoint(kv.Key.Item1.Split(':')[0], kv.Value.Points / kv.Value.Count,
            kv.Value.Mask / kv.Value.Count, kv.Value.Boundary / kv.Value.Count)).ToList();
        var hit = Enumerable.Range(0, hitErrors.Length).Select(k => hitCounts[k] > 0 ? hitErrors[k] / hitCounts[k] : double.NaN).ToArray();
        var cellError = Enumerable.Range(0, cellErrors.Length)
            .Select(k => hitCounts[k] > 0 ? cellErrors[k] / hitCounts[k] : double.NaN).ToArray();
        return new PointRendEvalResult(scores, imageData[..(s * s)], exampleMasks, exampleSteps, hit, frontierPoints, cellError);

        void Add(string method, int side, int[] gt, int[] prediction, double points, double ms)
        {
            sums.TryGetValue((method, side), out var t);
            var (mask, boundary) = Score(gt, prediction, classes, side);
            sums[(method, side)] = (t.Mask + mask, t.Boundary + boundary, t.Points + points, t.Ms + ms, t.Count + 1);
            if (!semantic) return;
            // Semantic runs also score the foreground (any class against background), which separates finding the
            // shapes' boundaries from telling their kinds apart.
            string key = method + ForegroundSuffix;
            sums.TryGetValue((key, side), out var f);
            var (fm, fb) = Score(gt, prediction, 1, side);
            sums[(key, side)] = (f.Mask + fm, f.Boundary + fb, f.Points + points, f.Ms + ms, f.Count + 1);
        }

        void AddFrontier(string key, double points, int[] gt, int[] prediction)
        {
            int side = (int)Math.Sqrt(gt.Length);
            frontier.TryGetValue((key, 0), out var t);
            var (mask, boundary) = Score(gt, prediction, classes, side);
            frontier[(key, 0)] = (t.Points + points, t.Mask + mask, t.Boundary + boundary, t.Count + 1);
        }
    }

    /// <summary>
    /// Mask IoU and Boundary IoU of predicted labels against exact ones at a side: the foreground mask for a binary run,
    /// the per-image class means for a semantic one.
    /// </summary>
    static (double Mask, double Boundary) Score(int[] gt, int[] prediction, int classes, int side)
    {
        if (classes > 1) return BoundaryIoU.ClassMean(gt, prediction, classes, side, side);
        bool[] g = [.. gt.Select(v => v != 0)], p = [.. prediction.Select(v => v != 0)];
        return (BoundaryIoU.MaskIou(g, p, side, side), BoundaryIoU.Compute(g, p, side, side));
    }

    /// <summary>Labels of K × H·W logits: logit &gt; 0 for one logit, the best class (first on ties) otherwise.</summary>
    public static int[] Predict(float[] logits, int classes)
    {
        if (classes == 1) return [.. logits.Select(v => v > 0 ? 1 : 0)];
        int cells = logits.Length / classes;
        var labels = new int[cells];
        for (int k = 0; k < cells; k++)
        {
            int best = 0;
            for (int cls = 1; cls < classes; cls++)
                if (logits[cls * cells + k] > logits[best * cells + k]) best = cls;
            labels[k] = best;
        }
        return labels;
    }

    static float[] Refine(float[] upsampled, int classes, int[] cells, int side, float[] coarse, int c, Subdivision.PointHead head)
    {
        var logits = (float[])upsampled.Clone();
        if (cells.Length == 0) return logits;
        var coords = new float[2 * cells.Length];
        for (int p = 0; p < cells.Length; p++) (coords[2 * p], coords[2 * p + 1]) = PointSampling.CellCentre(cells[p], side, side);
        var refined = head(coords, PointSampling.Bilinear(coarse, classes, c, c, coords));
        for (int cls = 0; cls < classes; cls++)
            for (int p = 0; p < cells.Length; p++) logits[cls * side * side + cells[p]] = refined[cls * cells.Length + p];
        return logits;
    }

    static byte[] ToBytes(int[] labels) => [.. labels.Select(v => (byte)v)];
}
