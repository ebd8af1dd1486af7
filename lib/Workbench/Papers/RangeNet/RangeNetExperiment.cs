using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.Gpu;
using Workbench.Kernels.RangeImage;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Papers.RangeNet;

/// <summary>
/// RangeNet++ on simulated scans: for every width and seed, train a network on spherical range images (cached runs),
/// project its predictions back to every point, clean them up with KNN, and score points; beside it the projection
/// ceiling (ground truth projected and back), KNN sweeps, the runtime split, and spherical vs ring-index projection on
/// an HDL-64E-like sensor.
/// </summary>
public sealed class RangeNetExperiment : Experiment<RangeNetConfig>
{
    /// <inheritdoc/>
    protected override RangeNetConfig Smoke => new()
    {
        Beams = 16, SensorColumns = 256, Width = 128, Widths = [128, 64], TrainScans = 8, TestScans = 2, Channels = 8,
        Steps = 20, BatchSize = 4, Seeds = 2,
    };

    /// <inheritdoc/>
    protected override RangeNetConfig Paper => new()
    {
        Beams = 64, SensorColumns = 2048, Width = 2048, Widths = [2048, 1024, 512], TrainScans = 2000, TestScans = 50,
        Channels = 32, Steps = 20_000, BatchSize = 8, LearningRate = 0.002, Seeds = 3,
    };

    /// <summary>Trains (or loads) the network of one width and seed.</summary>
    public RunRecord<RangeNetTrainResult> TrainOne(RangeNetConfig config, int width, int seed, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var run = config.TrainRun(width, seed);
        return store.GetOrCompute(Name, run, ctx => RangeNetTraining.Train(run, ctx), progress, cancellation);
    }

    /// <inheritdoc/>
    protected override ExperimentReport Execute(RangeNetConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        int[] widths = [.. config.Widths.Append(config.Width).Distinct().OrderByDescending(w => w)];
        int[] seeds = [.. Enumerable.Range(config.Seed, config.Seeds)];
        var runs = new Dictionary<(int Width, int Seed), RunRecord<RangeNetTrainResult>>();
        foreach (int width in widths)
            foreach (int seed in seeds)
                runs[(width, seed)] = TrainOne(config, width, seed, store, progress, cancellation);

        store.AllRunsRequested();
        var baseRun = config.TrainRun(config.Width, config.Seed);
        var scans = Enumerable.Range(0, config.TestScans).Select(i => RangeNetData.TestScan(baseRun, i)).ToList();
        var evaluations = widths.ToDictionary(w => w, w => Evaluation.Of(config.TrainRun(w, config.Seed), scans));
        var results = new List<WidthSeedResult>();
        foreach (int width in widths)
            foreach (int seed in seeds)
                results.Add(evaluations[width].Score(runs[(width, seed)].Result, width, seed, config.Knn));
        var ceilings = widths.ToDictionary(w => w, w => evaluations[w].Ceiling(config.Knn));

        var main = evaluations[config.Width];
        var mainRuns = seeds.Select(s => runs[(config.Width, s)]).ToList();
        var sweeps = KnnSweeps(config, main, mainRuns);
        var runtime = Runtime(config, main, mainRuns);
        var rows = RingVsSpherical.Measure(config, progress);
        return RangeNetReport.Build(this, config, widths, seeds, runs, results, ceilings, main, sweeps, runtime, rows, watch.Elapsed);
    }

    /// <summary>mIoU (mean over seeds) of KNN variants around the configured setting, one parameter at a time.</summary>
    static List<(string Parameter, double Value, double MeanIoU, double Gain, double GainStd)> KnnSweeps(RangeNetConfig config,
        Evaluation main,
        List<RunRecord<RangeNetTrainResult>> runs)
    {
        var knn = config.Knn;
        var variants = new List<(string, double, KnnOptions)>();
        foreach (int k in new[] { 1, 3, 5, 7, 9, 15 }) variants.Add(("k", k, knn with { K = Math.Min(k, knn.Window * knn.Window) }));
        foreach (int window in new[] { 3, 5, 7, 9 })
            variants.Add(("window", window, knn with { Window = window, K = Math.Min(knn.K, window * window) }));
        foreach (double cutoff in new[] { 0.0, 0.25, 0.5, 1, 2, 4 })
            variants.Add(("cutoff (m, 0 = off)", cutoff, knn with { Cutoff = cutoff }));
        foreach (double sigma in new[] { 0.25, 0.5, 1, 2, 4 }) variants.Add(("sigma (pixels)", sigma, knn with { Sigma = sigma }));
        variants.Add(("wrap (0 = zero-pad, 1 = wrap)", 0, knn with { WrapAzimuth = false }));
        variants.Add(("wrap (0 = zero-pad, 1 = wrap)", 1, knn with { WrapAzimuth = true }));
        var before = runs.Select(r => main.Scores(main.Labels(r.Result.TestPredictions, null)).MeanIoU).ToList();
        return variants.Select(v =>
        {
            var scores = runs.Select(r => main.PointScoresWithKnn(r.Result, v.Item3).MeanIoU).ToList();
            var (mean, _) = SeriesStats.MeanStd(scores);
            // The gain over back-projection alone, per seed: seed-to-seed spread of the network itself cancels out.
            var (gain, gainStd) = SeriesStats.MeanStd(scores.Select((s, i) => s - before[i]));
            return (v.Item1, v.Item2, mean, gain, gainStd);
        }).ToList();
    }

    /// <summary>
    /// Time per scan of each step at the main width, all measured here in one interleaved loop (scan by scan:
    /// projection with the normalised input, network, unprojection, KNN, then the allocating overloads and the plain
    /// references), so every stage sees the same machine load: one warm-up pass over the test scans is not counted
    /// (JIT, libtorch's first-call allocations, the pools filling), then the median of 3 passes. The pipeline stages use
    /// the buffer-reusing overloads (one projection, one label array), as a scan-by-scan pipeline would. The network is
    /// the trained architecture at batch 1 (forward, argmax, copy of the labels), built here with fresh weights: its cost
    /// does not depend on their values. The unprojection and KNN label the trained network's own predictions (the KNN's
    /// cost depends on how mixed the labels are). Three clocks per stage: wall time; the CPU time of the thread that runs
    /// the stage (<see cref="ThreadCpuTime"/>: its own work only, without time spent descheduled or the process's other
    /// threads — a notebook kernel's, the garbage collector's); and the process's CPU time over all threads. libtorch runs
    /// on <see cref="TorchSetup.Threads"/> thread(s) (one: on the calling thread; or on <see cref="TorchSetup.Device"/>
    /// when that is a GPU), the kernels on the calling thread below <see cref="SphericalProjection.ParallelPoints"/>
    /// points per scan and on every core above.
    /// </summary>
    static RuntimeSplit Runtime(RangeNetConfig config, Evaluation main, List<RunRecord<RangeNetTrainResult>> runs)
    {
        var run = config.TrainRun(config.Width, config.Seed);
        var geometry = new RangeImageGeometry(run.Beams, run.Width, run.FovUp, run.FovDown);
        var predictions = runs[0].Result.TestPredictions.Select(Evaluation.Ints).ToList();
        var knn = config.Knn;
        var (mean, std) = RangeNetData.Statistics(main.Projections);
        int pixels = run.Beams * run.Width, maxPoints = main.Scans.Max(s => s.Count);
        var input = new float[RangeNetData.Channels * pixels];
        var projection = new RangeProjection();
        var pointLabels = new int[maxPoints];
        TorchSetup.Initialize();
        using var model = TorchRandom.Build(config.Seed, "init",
            () => new RangeSegNet(RangeNetData.Channels, RangeNetData.Classes, run.Channels));
        var device = TorchSetup.Device;
        model.to(device);
        model.eval();
        var stages = new (string Name, Action<int> Work)[]
        {
            ("projection", i =>
            {
                RangeNetData.Project(run, main.Scans[i], projection);
                RangeNetData.Normalise(projection, mean, std, input);
            }),
            ($"network (forward, batch 1, {(TorchSetup.OnGpu ? device.ToString()
                : $"{TorchSetup.Threads} libtorch thread{(TorchSetup.Threads == 1 ? "" : "s")}")})", i =>
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                var logits = model.forward(torch.tensor(input, [1, RangeNetData.Channels, run.Beams, run.Width]).to(device));
                _ = logits.argmax(1).to_type(torch.ScalarType.Byte).cpu().data<byte>().ToArray();
            }),
            ("unprojection", i => Unprojection.Labels(predictions[i], main.Projections[i], pointLabels.AsSpan(0, main.Scans[i].Count))),
            ("KNN", i => KnnCleanup.Apply(main.Projections[i], predictions[i], RangeNetData.Classes, knn,
                pointLabels.AsSpan(0, main.Scans[i].Count))),
            ("projection, allocating overload", i => RangeNetData.Normalise(RangeNetData.Project(run, main.Scans[i]), mean, std, input)),
            ("KNN, allocating overload", i => KnnCleanup.Apply(main.Projections[i], predictions[i], RangeNetData.Classes, knn)),
            ("projection, plain reference", i => SphericalProjection.ProjectReference(main.Scans[i].X, main.Scans[i].Y,
                main.Scans[i].Z, main.Scans[i].Remission, geometry)),
            ("KNN, plain reference (unfold)", i => KnnCleanup.Reference(main.Projections[i], predictions[i], RangeNetData.Classes, knn)),
        };
        var wall = stages.Select(_ => new List<double>()).ToArray();
        var thread = stages.Select(_ => new List<double>()).ToArray();
        var cpu = stages.Select(_ => new List<double>()).ToArray();
        using var process = Process.GetCurrentProcess();
        for (int pass = 0; pass < 4; pass++)
            for (int i = 0; i < main.Scans.Count; i++)
                for (int s = 0; s < stages.Length; s++)
                {
                    process.Refresh();
                    var cpuStart = process.TotalProcessorTime;
                    double threadStart = ThreadCpuTime.Milliseconds();
                    var clock = Stopwatch.StartNew();
                    stages[s].Work(i);
                    double ms = clock.Elapsed.TotalMilliseconds;
                    double threadMs = ThreadCpuTime.Milliseconds() - threadStart;
                    process.Refresh();
                    if (pass == 0) continue; // warm-up
                    wall[s].Add(ms);
                    thread[s].Add(threadMs);
                    cpu[s].Add((process.TotalProcessorTime - cpuStart).TotalMilliseconds);
                }
        static double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }
        // Every stage of the pipeline runs on the calling thread when the kernels stay serial and libtorch computes on
        // the calling thread (one CPU thread): then the thread clock holds each stage's whole work.
        bool oneThread = maxPoints < Math.Min(SphericalProjection.ParallelPoints, KnnCleanup.ParallelPoints)
            && !TorchSetup.OnGpu && TorchSetup.Threads == 1 && ThreadCpuTime.Available;
        return new RuntimeSplit(
        [
            .. GpuRow(main, predictions, knn),
            .. stages.Select((stage, s) => new RuntimeRow(stage.Name, Median(wall[s]), Median(thread[s]), Median(cpu[s]))),
        ], oneThread, maxPoints);
    }

    /// <summary>The KNN kernel's time on a CUDA GPU when there is one (median over the test scans); none otherwise.</summary>
    static List<RuntimeRow> GpuRow(Evaluation main, List<int[]> predictions, KnnOptions knn)
    {
        try
        {
            using var gpu = new GpuKnnCleanup(AcceleratorChoice.Auto);
            if (!gpu.IsCuda || knn.K > GpuKnnCleanup.MaxK) return [];
            gpu.Apply(main.Projections[0], predictions[0], RangeNetData.Classes, knn); // compile the kernel
            var times = Enumerable.Range(0, main.Scans.Count)
                .Select(i => gpu.Apply(main.Projections[i], predictions[i], RangeNetData.Classes, knn).Kernel.TotalMilliseconds)
                .Order().ToList();
            return [new($"KNN, CUDA kernel ({gpu.DeviceName})", times[times.Count / 2], double.NaN, double.NaN)];
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ILGPU.Runtime.AcceleratorException)
        {
            return []; // no usable GPU: the CPU rows stand alone
        }
    }
}

/// <summary>Time per scan of one pipeline stage.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Ms">Median wall time, milliseconds.</param>
/// <param name="ThreadCpuMs">
/// Median CPU time of the thread that ran the stage (<see cref="ThreadCpuTime"/>), milliseconds; NaN for a GPU kernel
/// or where the clock is unavailable.
/// </param>
/// <param name="CpuMs">Median CPU time of the process over the stage (all threads), milliseconds; NaN for a GPU kernel.</param>
public sealed record RuntimeRow(string Stage, double Ms, double ThreadCpuMs, double CpuMs);

/// <summary>The runtime split: one row per stage, and whether the whole pipeline ran on the calling thread.</summary>
/// <param name="Rows">The stages.</param>
/// <param name="OneThread">
/// True when every pipeline stage ran on the calling thread (kernels below their parallel thresholds, libtorch on one CPU
/// thread, the thread clock available): then the thread clock holds each stage's whole work.
/// </param>
/// <param name="MaxPoints">Points of the largest test scan.</param>
public sealed record RuntimeSplit(List<RuntimeRow> Rows, bool OneThread, int MaxPoints);

/// <summary>Scores of one trained network at one width.</summary>
/// <param name="Width">Range image width.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="Before">Points labelled by back-projection alone.</param>
/// <param name="After">Points after the KNN clean-up.</param>
/// <param name="PixelMeanIoU">mIoU on occupied pixels (truth = the label of each pixel's nearest point).</param>
public sealed record WidthSeedResult(int Width, int Seed, PointScores Before, PointScores After, double PixelMeanIoU);

/// <summary>The test scans of one width: projections, ground truth per pixel, border flags, distances.</summary>
public sealed class Evaluation
{
    /// <summary>The test scans.</summary>
    public required IReadOnlyList<LidarScan> Scans { get; init; }

    /// <summary>Their projections at this width.</summary>
    public required IReadOnlyList<RangeProjection> Projections { get; init; }

    /// <summary>Ground truth per pixel (the nearest point's label; 0 where empty).</summary>
    public required IReadOnlyList<int[]> TruthPixels { get; init; }

    /// <summary>All test points' labels, concatenated.</summary>
    public required int[] Truth { get; init; }

    /// <summary>All test points: another label within 3 × 3 pixels of the point's pixel.</summary>
    public required bool[] Border { get; init; }

    /// <summary>All test points' ranges.</summary>
    public required float[] Range { get; init; }

    /// <summary>Builds the evaluation data of the run's width and projection.</summary>
    public static Evaluation Of(RangeNetTrainRun run, IReadOnlyList<LidarScan> scans)
    {
        var projections = scans.Select(s => RangeNetData.Project(run, s)).ToList();
        var truthPixels = scans.Select((s, i) => Unprojection.PixelLabels(s.Label, projections[i])).ToList();
        var border = new List<bool>();
        for (int i = 0; i < scans.Count; i++)
        {
            var p = projections[i];
            for (int j = 0; j < scans[i].Count; j++)
            {
                int row = p.PointRow[j], column = p.PointColumn[j], label = scans[i].Label[j];
                bool edge = false;
                for (int dy = -1; dy <= 1 && !edge; dy++)
                    for (int dx = -1; dx <= 1 && !edge; dx++)
                    {
                        int y = row + dy, x = column + dx;
                        if (y < 0 || y >= p.Height || x < 0 || x >= p.Width) continue;
                        int other = truthPixels[i][y * p.Width + x];
                        edge = other != 0 && other != label;
                    }
                border.Add(edge);
            }
        }
        return new Evaluation
        {
            Scans = scans, Projections = projections, TruthPixels = truthPixels,
            Truth = [.. scans.SelectMany(s => s.Label)], Border = [.. border], Range = [.. scans.SelectMany(s => s.Ranges())],
        };
    }

    /// <summary>Bytes to class ids.</summary>
    public static int[] Ints(byte[] values) => Array.ConvertAll(values, v => (int)v);

    /// <summary>Point scores of the network's predictions, before and after KNN, and its pixel mIoU.</summary>
    public WidthSeedResult Score(RangeNetTrainResult result, int width, int seed, KnnOptions knn)
    {
        var before = Labels(result.TestPredictions, knn: null);
        var after = Labels(result.TestPredictions, knn);
        var truth = TruthPixels.SelectMany(t => t).ToArray();
        var predicted = result.TestPredictions.SelectMany(p => p).Select(v => (int)v).ToArray();
        return new WidthSeedResult(width, seed, Scores(before), Scores(after),
            SegmentationScores.MeanIoU(truth, predicted, RangeNetData.Classes));
    }

    /// <summary>Point scores after a KNN variant.</summary>
    public PointScores PointScoresWithKnn(RangeNetTrainResult result, KnnOptions knn) => Scores(Labels(result.TestPredictions, knn));

    /// <summary>The projection ceiling: ground truth projected and back, without and with KNN.</summary>
    public (PointScores Before, PointScores After) Ceiling(KnnOptions knn)
    {
        var pixels = TruthPixels.Select(t => t.Select(v => (byte)v).ToArray()).ToArray();
        return (Scores(Labels(pixels, null)), Scores(Labels(pixels, knn)));
    }

    /// <summary>Every test point's label from per-scan pixel labels, back-projected and optionally cleaned by KNN.</summary>
    public int[] Labels(byte[][] pixelLabels, KnnOptions? knn) =>
    [
        .. Enumerable.Range(0, Scans.Count).SelectMany(i => knn is { } options
            ? KnnCleanup.Apply(Projections[i], Ints(pixelLabels[i]), RangeNetData.Classes, options)
            : Unprojection.Labels(Ints(pixelLabels[i]), Projections[i])),
    ];

    /// <summary>Point mIoU overall, per class, at borders and per distance band.</summary>
    public PointScores Scores(int[] predicted)
    {
        int classes = RangeNetData.Classes;
        var range = Range;
        var border = Border;
        return new PointScores(
            SegmentationScores.MeanIoU(Truth, predicted, classes),
            SegmentationScores.ClassIoU(Truth, predicted, classes),
            SegmentationScores.MeanIoU(Truth, predicted, classes, i => border[i]),
            SegmentationScores.MeanIoU(Truth, predicted, classes, i => range[i] < 10),
            SegmentationScores.MeanIoU(Truth, predicted, classes, i => range[i] >= 10 && range[i] < 20),
            SegmentationScores.MeanIoU(Truth, predicted, classes, i => range[i] >= 20));
    }
}
