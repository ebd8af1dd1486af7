using System.Diagnostics;
using System.Globalization;
using Workbench.Kernels.SoftSort;

namespace Workbench.GpuCheck.Families;

/// <summary>
/// Soft sort's batched PAV kernel (<see cref="GpuIsotonic"/>, forward and backward, L2 and KL) against the CPU path
/// (<see cref="Pav.Forward"/>, <see cref="Pav.VjpS"/> with rows in parallel on all cores). The error is the larger
/// of the outputs' and the gradients'; a mismatch is a row whose block count differs.
/// </summary>
public sealed class SoftSortCheck : IGpuCheckFamily
{
    /// <summary>The agreement the kernel has always met (the H100 run: outputs within 1e-14, gradients 3e-15).</summary>
    const double Tolerance = 1e-9;

    static readonly (int Rows, int N)[] GpuShapes = [(128, 1000), (1024, 1000), (16_384, 100), (4096, 1000), (128, 100_000)];
    static readonly (int Rows, int N)[] CpuAcceleratorShapes = [(128, 1000), (32, 10_000)];
    static readonly (int Rows, int N)[] TinyShapes = [(16, 50), (4, 300)];

    /// <inheritdoc/>
    public string Name => "soft-sort";

    /// <inheritdoc/>
    public string Description => "batched PAV (GpuIsotonic) forward and backward, L2 and KL, against Pav on all CPU cores";

    /// <inheritdoc/>
    public IReadOnlyList<GpuCheckOption> Options { get; } =
    [
        new("shapes", "ROWSxN[,ROWSxN…]",
            "Batches to check, e.g. 1024x1000,128x100000 (default: five on a GPU, two on the CPU accelerator)."),
        new("regularizers", "l2,kl", "Regularisers to check (default both)."),
        new("iterations", "N", "GPU forward passes timed per shape (default 20 on a GPU, 2 on the CPU accelerator).",
            GpuCheckValueKind.Count),
    ];

    /// <inheritdoc/>
    public IEnumerable<GpuCheckCase> Cases(GpuCheckSettings settings)
    {
        var shapes = settings.Text("shapes") is { } text ? ParseShapes(text)
            : settings.Size == GpuCheckSize.Tiny ? TinyShapes
            : settings.FullSize ? GpuShapes : CpuAcceleratorShapes;
        var regularizers = settings.Text("regularizers") is { } names ? ParseRegularizers(names) : [SoftRegularizer.L2, SoftRegularizer.KL];
        int iterations = settings.Count("iterations", settings.Size == GpuCheckSize.Tiny ? 1 : settings.FullSize ? 20 : 2);
        // A tiny run times once; otherwise the CPU side repeats for half a second so short batches are not noise.
        var cpuBudget = settings.Size == GpuCheckSize.Tiny ? TimeSpan.Zero : TimeSpan.FromSeconds(0.5);

        using var gpu = new GpuIsotonic(settings.Device.Accelerator);
        foreach (var regularizer in regularizers)
            foreach (var (rows, n) in shapes)
                yield return new GpuCheckCase($"{regularizer} {rows}x{n}", () => Check(gpu, regularizer, rows, n, iterations, cpuBudget));
    }

    static GpuCheckResult Check(GpuIsotonic gpu, SoftRegularizer regularizer, int rows, int n, int iterations, TimeSpan cpuBudget)
    {
        // Rows sorted decreasingly (as after the soft rank's sort), w = ρ for L2 or log ρ for KL, as the operators call PAV.
        var rng = new Random(rows * 31 + n);
        var s = new double[rows * n];
        var w = new double[rows * n];
        for (int r = 0; r < rows; r++)
        {
            var row = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * n * 0.02).OrderDescending().ToArray();
            row.CopyTo(s, r * n);
            for (int i = 0; i < n; i++) w[r * n + i] = regularizer == SoftRegularizer.L2 ? n - i : Math.Log(n - i);
        }
        var g = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() - 0.5).ToArray();

        var cpuOut = new double[rows * n]; var cpuEnd = new int[rows * n]; var cpuBlocks = new int[rows];
        var cpuAggS = new double[rows * n]; var cpuAggW = new double[rows * n]; var cpuGrad = new double[rows * n];
        void Cpu() => Parallel.For(0, rows, r =>
        {
            int o = r * n;
            cpuBlocks[r] = Pav.Forward(s.AsSpan(o, n), w.AsSpan(o, n), regularizer, cpuOut.AsSpan(o, n), cpuEnd.AsSpan(o, n),
                cpuAggS.AsSpan(o, n), cpuAggW.AsSpan(o, n));
        });
        Cpu(); // warm-up (JIT)
        var watch = Stopwatch.StartNew();
        int reps = 0;
        while (reps < 1 || (cpuBudget > TimeSpan.Zero && (reps < 3 || watch.Elapsed < cpuBudget))) { Cpu(); reps++; }
        double cpuSeconds = watch.Elapsed.TotalSeconds / reps;
        Parallel.For(0, rows, r => Pav.VjpS(g.AsSpan(r * n, n), s.AsSpan(r * n, n), regularizer, cpuEnd.AsSpan(r * n, n),
            cpuAggS.AsSpan(r * n, n), cpuBlocks[r], cpuGrad.AsSpan(r * n, n)));

        var gpuOut = new double[rows * n]; var gpuEnd = new int[rows * n]; var gpuBlocks = new int[rows];
        var gpuAggS = new double[rows * n]; var gpuAggW = new double[rows * n]; var gpuGrad = new double[rows * n];
        gpu.Forward(s, w, n, regularizer, gpuOut, gpuEnd, gpuBlocks, gpuAggS, gpuAggW);
        gpu.Backward(g, s, gpuEnd, gpuAggS, gpuBlocks, n, regularizer, withRespectToS: true, gpuGrad);
        double gpuSeconds = gpu.TimeForward(s, w, n, regularizer, iterations);

        double outError = MaxAbsDifference(cpuOut, gpuOut), gradError = MaxAbsDifference(cpuGrad, gpuGrad);
        int blockMismatches = Enumerable.Range(0, rows).Count(r => cpuBlocks[r] != gpuBlocks[r]);
        return new GpuCheckResult(Math.Max(outError, gradError), Tolerance, blockMismatches,
            new GpuCheckTiming("forward per batch", gpuSeconds, cpuSeconds),
            $"output {Format(outError)}, gradient {Format(gradError)}");
    }

    static double MaxAbsDifference(double[] a, double[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double difference = Math.Abs(a[i] - b[i]);
            // NaN compares false everywhere: count it as infinitely wrong, never as agreeing.
            max = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(max, difference);
        }
        return max;
    }

    static string Format(double error) => error.ToString("0.0E+0", CultureInfo.InvariantCulture);

    const StringSplitOptions ListItems = StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries;

    static (int Rows, int N)[] ParseShapes(string text) => [.. text.Split(',', ListItems).Select(shape =>
        {
            var parts = shape.Split('x', 'X', '×');
            return parts.Length == 2 && int.TryParse(parts[0], out int rows) && int.TryParse(parts[1], out int n) && rows > 0 && n > 0
                ? (rows, n)
                : throw new ArgumentException($"--shapes has '{shape}'; give ROWSxN with both ≥ 1, e.g. 1024x1000,128x100000.");
        })];

    static SoftRegularizer[] ParseRegularizers(string text) => [.. text.Split(',', ListItems).Select(name =>
        Enum.TryParse<SoftRegularizer>(name, ignoreCase: true, out var regularizer) && Enum.IsDefined(regularizer)
            ? regularizer
            : throw new ArgumentException($"--regularizers has '{name}'; choose l2, kl or both (l2,kl)."))];
}
