using BenchmarkDotNet.Attributes;
using Workbench.Kernels.SoftSort;

namespace Workbench.Benchmarks;

/// <summary>
/// Soft rank (L2, ε = 0.1) of a batch of 128 rows × 1000 values: the PAV kernel's forward pass, backward pass and both,
/// against the plain reference (explicit n × n Jacobian). Rows run in parallel on the cores the process may use: run
/// under <c>taskset -c 0</c> for the per-core numbers. The peer — numpy's argsort and scikit-learn's isotonic_regression
/// row by row forward, a vectorised numpy backward, on the same data — is timed by
/// benchmarks/peers/soft_rank_sklearn.py, which reads the file this benchmark writes in its setup.
/// </summary>
[MemoryDiagnoser]
public class SoftRankBatch
{
    /// <summary>Where the batch is written for the Python peer (raw little-endian float64, row-major).</summary>
    public static string DataPath => Path.Combine(Path.GetTempPath(), "workbench-soft-rank-128x1000.f64");

    double[] _values = [];
    double[] _grad = [];
    const int Rows = 128, N = 1000;
    static readonly SoftSortOptions Options = new(0.1);

    SoftSortResult _forward = null!;
    double[] _gradInput = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _values = Enumerable.Range(0, Rows * N).Select(_ => rng.NextDouble() * 100).ToArray();
        _grad = Enumerable.Range(0, Rows * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _gradInput = new double[Rows * N];
        _forward = PermutahedronProjection.Rank(_values, N, Options);
        File.WriteAllBytes(DataPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_values.AsSpan()).ToArray());
        Console.WriteLine($"// CORES {Environment.ProcessorCount} (the kernel's rows run in parallel on these)");
    }

    [Benchmark(Baseline = true, Description = "reference: stable LINQ sort, repeated pooling, explicit Jacobian")]
    public double Reference()
    {
        double sum = 0;
        for (int r = 0; r < Rows; r++)
        {
            var (values, jacobian) = SoftSortReference.Rank(_values[(r * N)..((r + 1) * N)], Options);
            sum += values[0] + SoftSortReference.Vjp(jacobian, _grad[(r * N)..((r + 1) * N)])[0];
        }
        return sum;
    }

    [Benchmark(Description = "PAV kernel: forward + backward, rows in parallel")]
    public double Pav()
    {
        var result = PermutahedronProjection.Rank(_values, N, Options);
        return result.Backward(_grad)[0];
    }

    [Benchmark(Description = "PAV kernel: forward only")]
    public double PavForward() => PermutahedronProjection.Rank(_values, N, Options).Values[0];

    [Benchmark(Description = "PAV kernel: backward only (of one stored forward)")]
    public double PavBackward()
    {
        _forward.Backward(_grad, _gradInput);
        return _gradInput[0];
    }
}

/// <summary>Forward + backward soft rank of one row as n grows (the log-log slope should stay ≤ 1.15).</summary>
[MemoryDiagnoser]
public class SoftRankScaling
{
    double[] _values = [];
    double[] _grad = [];

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(N);
        _values = Enumerable.Range(0, N).Select(_ => rng.NextDouble()).ToArray();
        _grad = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
    }

    [Benchmark(Description = "PAV soft rank forward + backward")]
    public double Pav() => PermutahedronProjection.Rank(_values, N, new SoftSortOptions(0.1 / N)).Backward(_grad)[0];
}
