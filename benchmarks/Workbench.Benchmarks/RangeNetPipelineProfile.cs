using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.RangeImage;
using Workbench.Papers.RangeNet;
using Workbench.Runs;

namespace Workbench.Benchmarks;

/// <summary>
/// Stopwatch profile of RangeNet++'s per-scan work around the network at the reading-group size (32 × 512, the
/// reading-group sensor), sub-step by sub-step, wall time and the CPU time of the calling thread
/// (<see cref="ThreadCpuTime"/>; median over repetitions). A probe, not a
/// benchmark: <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- profile-rangenet [repetitions]</c>.
/// The KNN labels the ground-truth pixel labels (the trained network's predictions are smoother).
/// </summary>
public static class RangeNetPipelineProfile
{
    public static void Run(string[] args)
    {
        int repetitions = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
        var run = new RangeNetConfig().TrainRun(512, 0);
        var scans = Enumerable.Range(0, 6).Select(i => RangeNetData.TestScan(run, i)).ToList();
        var projections = scans.Select(s => RangeNetData.Project(run, s)).ToList();
        var labels = scans.Select((s, i) => Unprojection.PixelLabels(s.Label, projections[i])).ToList();
        var (mean, std) = RangeNetData.Statistics(projections);
        var input = new float[RangeNetData.Channels * run.Beams * run.Width];
        var geometry = new RangeImageGeometry(run.Beams, run.Width, run.FovUp, run.FovDown);
        Console.WriteLine($"// {scans.Average(s => s.Count):0} points per scan, {run.Beams} × {run.Width}");
        var knn = new RangeNetConfig().Knn;
        var reused = new RangeProjection();
        var pointLabels = new int[scans.Max(s => s.Count)];
        var stages = new (string Name, Action<int> Work)[]
        {
            ("project (fast)", i => RangeNetData.Project(run, scans[i])),
            ("project (fast, reused projection)", i => RangeNetData.Project(run, scans[i], reused)),
            ("project (reference)", i => SphericalProjection.ProjectReference(scans[i].X, scans[i].Y, scans[i].Z,
                scans[i].Remission, geometry)),
            ("new RangeProjection (allocate)", i => _ = new RangeProjection(run.Beams, run.Width, scans[i].Count, run.Mask)),
            ("mask", i => projections[i].Mask()),
            ("normalise", i => RangeNetData.Normalise(projections[i], mean, std, input)),
            ("project + normalise", i => RangeNetData.Normalise(RangeNetData.Project(run, scans[i]), mean, std, input)),
            ("unprojection", i => Unprojection.Labels(labels[i], projections[i])),
            ("unprojection (into a buffer)", i => Unprojection.Labels(labels[i], projections[i], pointLabels.AsSpan(0, scans[i].Count))),
            ("KNN: check", i => KnnCleanup.Check(projections[i].Range, run.Beams, run.Width, projections[i].PointRange,
                projections[i].PointRow, projections[i].PointColumn, labels[i], 9, knn)),
            ("KNN: padded frame", i => KnnCleanup.Padded(projections[i].Range, labels[i], run.Beams, run.Width, 2, false)),
            ("KNN: uniform windows", i =>
            {
                var (range, label) = KnnCleanup.Padded(projections[i].Range, labels[i], run.Beams, run.Width, 2, false);
                KnnCleanup.UniformWindows(range, label, run.Beams, run.Width, 5, true, true);
            }),
            ("KNN (fast)", i => KnnCleanup.Apply(projections[i], labels[i], RangeNetData.Classes, knn)),
            ("KNN (fast, into a buffer)", i => KnnCleanup.Apply(projections[i], labels[i], RangeNetData.Classes, knn,
                pointLabels.AsSpan(0, scans[i].Count))),
            ("KNN (fast) k = 25", i => KnnCleanup.Apply(projections[i], labels[i], RangeNetData.Classes, knn with { K = 25 })),
            ("KNN (fast) window 9 (scalar)", i => KnnCleanup.Apply(projections[i], labels[i], RangeNetData.Classes,
                knn with { Window = 9 })),
        };
        foreach (var (name, work) in stages)
        {
            var wall = new List<double>();
            var cpu = new List<double>();
            long allocated = 0;
            for (int rep = 0; rep < repetitions; rep++)
            {
                int i = rep % scans.Count;
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                double cpuStart = ThreadCpuTime.Milliseconds();
                var clock = Stopwatch.StartNew();
                work(i);
                double ms = clock.Elapsed.TotalMilliseconds;
                double cpuMs = ThreadCpuTime.Milliseconds() - cpuStart;
                if (rep < scans.Count) continue;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
                wall.Add(ms);
                cpu.Add(cpuMs);
            }
            wall.Sort();
            cpu.Sort();
            Console.WriteLine($"{name,-36} wall {wall[wall.Count / 2],7:0.000} ms   thread cpu {cpu[cpu.Count / 2],7:0.000} ms   "
                + $"allocated {allocated / (double)wall.Count / 1024,8:0.0} KiB/call");
        }
    }
}
