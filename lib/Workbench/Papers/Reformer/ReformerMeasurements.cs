using System.Globalization;
using Workbench.Kernels.Attention;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Reformer;

/// <summary>
/// Time and peak resident memory (<see cref="PeakMemory"/>: the rise of the process's high-water mark) of full,
/// LSH and chunked attention against L, and of one training step of a reversible vs a standard stack against depth.
/// Timings depend on the machine and on whatever else runs on it; they are cached with the time they were measured.
/// </summary>
public static class ReformerMeasurements
{
    /// <summary>Status of a measured point within the budget.</summary>
    public const string Ok = "ok";

    /// <summary>Status of the first length whose measured peak exceeds the memory budget: the out-of-memory point.</summary>
    public const string OverBudget = "out of memory: measured peak over the budget";

    /// <summary>Free memory this machine keeps in reserve: a point predicted to need more than what is left is not run.</summary>
    public const int ReserveMiB = 2048;

    /// <summary>
    /// The sweep: one sequence, one head, forward without autograd for all three (LSH with 1 and with 4 hash rounds, so
    /// memory per round shows), forward + backward for full and LSH-1.
    /// Each method runs at doubling lengths until its measured peak first exceeds the memory budget (that length is its
    /// out-of-memory point, measured, not predicted), or a point takes longer than the time limit (full attention is
    /// exempt until it has reached its out-of-memory point), or the next point would not fit this machine's free memory
    /// (its need is predicted from the last measured peak: 4× per doubling for full attention, 2.5× for the others;
    /// the guard keeps the sweep away from the kernel's out-of-memory killer). An allocation libtorch refuses also ends
    /// the method. Every length not run is recorded with the reason.
    /// </summary>
    public static ReformerSweepResult Sweep(ReformerSweepRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var lengths = new List<int>();
        for (long l = run.MinLength; l <= run.MaxLength; l *= 2) lengths.Add((int)l);
        var methods = new (string Method, string Pass)[]
        {
            ("full", "forward"), ("LSH-1", "forward"), ("LSH-4", "forward"), ("chunked", "forward"), ("full", "forward+backward"),
            ("LSH-1", "forward+backward"),
        };
        var points = new List<SweepPoint>();
        double budget = run.MemoryBudget;
        foreach (var (method, pass) in methods)
        {
            Measure(method, pass, Math.Min(256, run.MinLength), run); // warm-up, not recorded
            string? stopped = null;
            double lastPeak = double.NaN;
            foreach (int length in lengths)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                double predicted = lastPeak * (method == "full" ? 4 : 2.5);
                double available = AvailableMiB();
                if (stopped is null && predicted > available - ReserveMiB)
                    stopped = string.Format(CultureInfo.InvariantCulture, "not run: about {0:0} MiB predicted, {1:0} MiB free on this " +
                        "machine ({2} MiB kept in reserve)", predicted, available, ReserveMiB);
                if (stopped is not null)
                {
                    points.Add(new SweepPoint(method, pass, length, double.NaN, double.NaN, stopped));
                    continue;
                }
                double seconds, peak;
                try
                {
                    (seconds, peak) = Measure(method, pass, length, run);
                }
                catch (Exception e) when (e is OutOfMemoryException || e.Message.Contains("alloc", StringComparison.OrdinalIgnoreCase))
                {
                    stopped = "not run: past the out-of-memory point";
                    points.Add(new SweepPoint(method, pass, length, double.NaN, double.NaN, "out of memory: allocation failed"));
                    continue;
                }
                lastPeak = peak;
                bool over = peak > budget;
                points.Add(new SweepPoint(method, pass, length, seconds, peak, over ? OverBudget : Ok));
                ctx.Report(points.Count, methods.Length * lengths.Count,
                    $"{method} {pass} L = {length}: {seconds * 1e3:0} ms, {peak:0} MiB");
                if (over) stopped = "not run: past the out-of-memory point";
                else if (seconds > run.SecondsLimit && method != "full") stopped = "not run: over the time limit";
            }
        }
        return new ReformerSweepResult(points, DateTime.UtcNow);
    }

    /// <summary>MemAvailable of /proc/meminfo in MiB (+∞ where it cannot be read).</summary>
    static double AvailableMiB()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return double.PositiveInfinity;
    }

    /// <summary>Calls shorter than this are repeated (up to <see cref="Repeats"/> times) and the fastest is kept.</summary>
    const double RepeatBelowSeconds = 0.05;

    /// <summary>Most calls of one short measurement.</summary>
    const int Repeats = 5;

    /// <summary>
    /// Seconds (the fastest of up to <see cref="Repeats"/> calls when a call takes under 50 ms, so one scheduling hiccup
    /// on the shared machine does not move the crossover) and peak MiB (the largest of those calls).
    /// </summary>
    static (double Seconds, double PeakMiB) Measure(string method, string pass, int length, ReformerSweepRun run)
    {
        var (seconds, peak) = MeasureOnce(method, pass, length, run);
        for (int i = 1; i < Repeats && seconds < RepeatBelowSeconds; i++)
        {
            var (s, p) = MeasureOnce(method, pass, length, run);
            (seconds, peak) = (Math.Min(seconds, s), Math.Max(peak, p));
        }
        return (seconds, peak);
    }

    /// <summary>Seconds and peak MiB of one call.</summary>
    static (double Seconds, double PeakMiB) MeasureOnce(string method, string pass, int length, ReformerSweepRun run)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(17);
        var qk = randn([1, length, run.Dim], ScalarType.Float32, generator: g);
        var v = randn([1, length, run.Dim], ScalarType.Float32, generator: g);
        int buckets = Math.Max(2, 2 * length / run.Chunk);
        buckets += buckets % 2;
        int rounds = method.StartsWith("LSH-", StringComparison.Ordinal) ? int.Parse(method[4..], CultureInfo.InvariantCulture) : 1;
        using var rotations = LshAttention.Rotations(run.Dim, buckets, rounds, 5);
        bool backward = pass != "forward";
        if (backward) qk.requires_grad_(true);
        var watch = new System.Diagnostics.Stopwatch();
        double bytes = PeakMemory.Measure(() =>
        {
            using var inner = NewDisposeScope();
            watch.Start();
            if (backward)
            {
                var output = method == "full" ? FullAttention.SharedQk(qk, v, causal: true)
                    : LshAttention.Forward(qk, v, rotations, buckets, causal: true);
                output.sum().backward();
            }
            else
            {
                using var noGrad = no_grad();
                _ = method switch
                {
                    "full" => FullAttention.SharedQk(qk, v, causal: true),
                    "chunked" => ChunkedAttention.Forward(qk, AttentionMasks.SharedKeys(qk), v, causal: true, maskSelf: true, run.Chunk),
                    _ => LshAttention.Forward(qk, v, rotations, buckets, causal: true),
                };
            }
            watch.Stop();
        });
        return (watch.Elapsed.TotalSeconds, bytes / (1024.0 * 1024.0));
    }

    /// <summary>Peak memory and time of one forward + backward step against depth, reversible and standard.</summary>
    public static ReformerDepthResult Depth(ReformerDepthRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var points = new List<DepthPoint>();
        foreach (int layers in run.Layers)
            foreach (bool reversible in new[] { false, true })
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                using var model = TorchRandom.Build(layers, "depth", () => new ReformerLM(64, run.Length, run.ModelDim, run.Heads, layers,
                    run.FeedForward, run.FeedForwardChunks, run.Buckets, 0, new AttentionMode(AttentionKind.Lsh, 1), 7));
                model.Reversible = reversible;
                using var scope = NewDisposeScope();
                using var g = new Generator(3);
                var input = randint(0, 64, [1, run.Length], generator: g);
                using (NewDisposeScope()) model.forward(input).logsumexp(-1).mean().backward(); // gradient buffers exist before
                var watch = new System.Diagnostics.Stopwatch();
                double bytes = PeakMemory.Measure(() =>
                {
                    using var inner = NewDisposeScope();
                    watch.Start();
                    model.forward(input).logsumexp(-1).mean().backward();
                    watch.Stop();
                });
                points.Add(new DepthPoint(layers, reversible, bytes / (1024.0 * 1024.0), watch.Elapsed.TotalSeconds));
                ctx.Report(points.Count, run.Layers.Length * 2, $"{layers} layers, {(reversible ? "reversible" : "standard")}");
            }
        return new ReformerDepthResult(points, DateTime.UtcNow);
    }
}
