using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.RangeImage;

namespace Workbench.GpuCheck.Families;

/// <summary>
/// RangeNet++'s KNN clean-up as an ILGPU kernel (<see cref="GpuKnnCleanup"/>, one thread per point) against the CPU
/// fast path (<see cref="KnnCleanup.Apply(RangeProjection, ReadOnlySpan{int}, int, KnnOptions)"/>, points in parallel on
/// all cores), on simulated HDL-64E-like scans projected to range images. Labels are discrete: a mismatch is a point
/// whose label differs (the kernel uses the same single-precision steps and tie rules, so there must be none).
/// </summary>
public sealed class RangeImageCheck : IGpuCheckFamily
{
    /// <inheritdoc/>
    public string Name => "range-image";

    /// <inheritdoc/>
    public string Description => "RangeNet++ KNN clean-up (GpuKnnCleanup) on simulated 64-beam scans, against KnnCleanup on all CPU cores";

    /// <inheritdoc/>
    public IReadOnlyList<GpuCheckOption> Options { get; } =
    [
        new("iterations", "N", "Kernel runs timed per case (default 20 on a GPU, 2 on the CPU accelerator).", GpuCheckValueKind.Count),
    ];

    /// <inheritdoc/>
    public IEnumerable<GpuCheckCase> Cases(GpuCheckSettings settings)
    {
        (int Beams, int Columns, int Width)[] shapes = settings.Size == GpuCheckSize.Tiny ? [(16, 256, 128)]
            : settings.FullSize ? [(64, 2048, 2048), (64, 2048, 1024), (64, 2048, 512)]
            : [(64, 1024, 1024)];
        int iterations = settings.Count("iterations", settings.Size == GpuCheckSize.Tiny ? 1 : settings.FullSize ? 20 : 2);
        using var gpu = new GpuKnnCleanup(settings.Device.Accelerator);
        foreach (var (beams, columns, width) in shapes)
            foreach (var options in new[] { KnnOptions.Paper, KnnOptions.Paper with { K = 7, Window = 7, WrapAzimuth = true } })
                yield return new GpuCheckCase($"{beams}x{width} k{options.K} w{options.Window}{(options.WrapAzimuth ? " wrap" : "")}",
                    () => Check(gpu, beams, columns, width, options, iterations));
    }

    static GpuCheckResult Check(GpuKnnCleanup gpu, int beams, int columns, int width, KnnOptions options, int iterations)
    {
        var scan = LidarSimulator.Simulate(LidarSensor.Hdl64Like with { Beams = beams, Columns = columns, EgoSpeed = 8 }, 7);
        var projection = SphericalProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, new RangeImageGeometry(beams, width, 3, -25));
        // Labels: the ground truth per pixel with every 7th pixel changed, so votes disagree somewhere.
        var labels = Unprojection.PixelLabels(scan.Label, projection).Select((l, i) => i % 7 == 0 ? (l + 1) % 9 : l).ToArray();
        var cpuClock = Stopwatch.StartNew();
        var cpu = KnnCleanup.Apply(projection, labels, 9, options);
        double cpuSeconds = cpuClock.Elapsed.TotalSeconds;
        var (gpuLabels, _) = gpu.Apply(projection, labels, 9, options); // compiles the kernel
        var times = Enumerable.Range(0, iterations)
            .Select(_ => gpu.Apply(projection, labels, 9, options).Kernel.TotalSeconds)
            .Order().ToList();
        long mismatches = cpu.Zip(gpuLabels).Count(p => p.First != p.Second);
        return new GpuCheckResult(null, 0, mismatches, new GpuCheckTiming("per scan, kernel only", times[times.Count / 2], cpuSeconds),
            $"{scan.Count:N0} points");
    }
}
