using System.Diagnostics;
using Workbench.Kernels.SoftSort;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.SoftSort;

/// <summary>Times forward + backward of PAV soft rank and the two O(n²) baselines for n = 10, 100, ….</summary>
internal static class Runtime
{
    public const double SinkhornEpsilon = 1e-2;

    public static RuntimeResult Measure(RuntimeRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var points = new List<RuntimePoint>();
        var sizes = new List<int>();
        for (long n = 10; n <= run.MaxN; n *= 10) sizes.Add((int)n);
        double budget = run.MemoryBudgetMegabytes * 1024.0 * 1024.0;
        int done = 0;
        foreach (var method in new[] { "pav", "all-pairs", "sinkhorn" })
        {
            foreach (int n in sizes)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                ctx.Report(done++, 3 * sizes.Count, $"{method} n={n}");
                if (method != "pav")
                {
                    double bytes = method == "all-pairs"
                        ? SoftRankBaselines.AllPairsBytes(n)
                        : SoftRankBaselines.SinkhornBytes(n, run.SinkhornIterations);
                    if (bytes > budget)
                    {
                        points.Add(new RuntimePoint(method, n, double.NaN,
                            $"out of memory: needs ~{bytes / (1 << 30):0.#} GiB > budget {run.MemoryBudgetMegabytes} MiB"));
                        continue;
                    }
                    if (n > run.BaselineMaxN)
                    {
                        points.Add(new RuntimePoint(method, n, double.NaN, $"not run: n > baseline_max_n = {run.BaselineMaxN}"));
                        continue;
                    }
                }
                points.Add(new RuntimePoint(method, n, Time(method, n, run.SinkhornIterations), "ok"));
            }
        }
        return new RuntimeResult(points);
    }

    static double Time(string method, int n, int iterations)
    {
        var rng = new Random(n);
        var data = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var weights = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        double Once()
        {
            using var scope = NewDisposeScope();
            var x = tensor(data, [1, n], ScalarType.Float64).requires_grad_();
            var w = tensor(weights, [1, n], ScalarType.Float64);
            var watch = Stopwatch.StartNew();
            var r = method switch
            {
                "pav" => SoftSortFunctions.soft_rank(x, 0.1),
                "all-pairs" => SoftRankBaselines.AllPairs(x, 0.1),
                _ => SoftRankBaselines.Sinkhorn(x, SinkhornEpsilon, iterations),
            };
            (r * w).sum().backward();
            return watch.Elapsed.TotalSeconds;
        }
        double first = Once();
        if (first > 0.5) return first;
        var times = new List<double> { first };
        var total = Stopwatch.StartNew();
        while (times.Count < 25 && (times.Count < 3 || total.Elapsed.TotalSeconds < 0.3)) times.Add(Once());
        times.Sort();
        return times[times.Count / 2];
    }
}
