using System.Diagnostics;
using Workbench.Kernels.SoftSort;

// Correctness and speed of the ILGPU batched PAV kernel against the CPU path, printed as a table.
// Usage: workbench-gpu-check [--cpu]   (--cpu forces ILGPU's CPU accelerator, e.g. to try the program without a GPU)
bool preferCpu = args.Contains("--cpu");
using var gpu = GpuIsotonic.Create(preferCpu);
Console.WriteLine($"accelerator: {gpu.DeviceName} ({(gpu.IsCuda ? "CUDA" : "ILGPU CPU accelerator")}), CPU cores: {Environment.ProcessorCount}");
Console.WriteLine($"{"reg",-4} {"rows",6} {"n",7} {"max |gpu-cpu| out",18} {"max |gpu-cpu| grad",19} {"cpu ms",9} {"gpu ms",9} {"speed-up",9}");
int failures = 0;
var shapes = preferCpu || !gpu.IsCuda ? new[] { (128, 1000), (32, 10_000) } : new[] { (128, 1000), (1024, 1000), (16_384, 100), (4096, 1000), (128, 100_000) };
foreach (var reg in new[] { SoftRegularizer.L2, SoftRegularizer.KL })
foreach (var (rows, n) in shapes)
{
    var rng = new Random(rows * 31 + n);
    var s = new double[rows * n];
    var w = new double[rows * n];
    for (int r = 0; r < rows; r++)
    {
        var row = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * n * 0.02).OrderDescending().ToArray();
        row.CopyTo(s, r * n);
        for (int i = 0; i < n; i++) w[r * n + i] = reg == SoftRegularizer.L2 ? n - i : Math.Log(n - i);
    }
    var g = Enumerable.Range(0, rows * n).Select(_ => rng.NextDouble() - 0.5).ToArray();

    var cpuOut = new double[rows * n]; var cpuEnd = new int[rows * n]; var cpuBlocks = new int[rows];
    var cpuAggS = new double[rows * n]; var cpuAggW = new double[rows * n]; var cpuGrad = new double[rows * n];
    void Cpu() => Parallel.For(0, rows, r =>
    {
        var o = r * n;
        cpuBlocks[r] = Pav.Forward(s.AsSpan(o, n), w.AsSpan(o, n), reg, cpuOut.AsSpan(o, n), cpuEnd.AsSpan(o, n), cpuAggS.AsSpan(o, n), cpuAggW.AsSpan(o, n));
    });
    Cpu();
    var watch = Stopwatch.StartNew();
    int reps = 0;
    while (reps < 3 || watch.Elapsed.TotalSeconds < 0.5) { Cpu(); reps++; }
    double cpuMs = watch.Elapsed.TotalMilliseconds / reps;
    Parallel.For(0, rows, r => Pav.VjpS(g.AsSpan(r * n, n), s.AsSpan(r * n, n), reg, cpuEnd.AsSpan(r * n, n), cpuAggS.AsSpan(r * n, n), cpuBlocks[r], cpuGrad.AsSpan(r * n, n)));

    var gpuOut = new double[rows * n]; var gpuEnd = new int[rows * n]; var gpuBlocks = new int[rows];
    var gpuAggS = new double[rows * n]; var gpuAggW = new double[rows * n]; var gpuGrad = new double[rows * n];
    gpu.Forward(s, w, n, reg, gpuOut, gpuEnd, gpuBlocks, gpuAggS, gpuAggW);
    gpu.Backward(g, s, gpuEnd, gpuAggS, gpuBlocks, n, reg, withRespectToS: true, gpuGrad);
    double gpuMs = gpu.TimeForward(s, w, n, reg, preferCpu || !gpu.IsCuda ? 2 : 20) * 1000;

    double outErr = cpuOut.Zip(gpuOut, (a, b) => Math.Abs(a - b)).Max();
    double gradErr = cpuGrad.Zip(gpuGrad, (a, b) => Math.Abs(a - b)).Max();
    bool ok = outErr <= 1e-9 && gradErr <= 1e-9 && cpuBlocks.SequenceEqual(gpuBlocks);
    if (!ok) failures++;
    Console.WriteLine($"{reg,-4} {rows,6} {n,7} {outErr,18:E2} {gradErr,19:E2} {cpuMs,9:0.000} {gpuMs,9:0.000} {cpuMs / gpuMs,8:0.00}x {(ok ? "" : "MISMATCH")}");
}
Console.WriteLine(failures == 0 ? "all shapes agree with the CPU path (tolerance 1e-9)" : $"{failures} shape(s) disagree with the CPU path");
return failures == 0 ? 0 : 1;
