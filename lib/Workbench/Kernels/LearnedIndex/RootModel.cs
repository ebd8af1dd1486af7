using System.Runtime.CompilerServices;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// The first stage of a recursive model index: maps a key (as x = key − smallest key) to an estimate of its CDF
/// in [0, 1], which the RMI scales by the leaf count to pick a leaf. Fitted on an evenly strided sample of the keys.
/// </summary>
public sealed class RootModel
{
    readonly double[] _c;          // linear/log-linear: c0 + c1·f; cubic: c0..c3
    readonly double[] _w1 = [], _b1 = [], _w2 = [];
    readonly double _b2, _invRange, _invLogRange;

    RootModel(RootModelKind kind, double range, double[] c, double[]? w1 = null, double[]? b1 = null, double[]? w2 = null, double b2 = 0)
    {
        Kind = kind;
        _c = c;
        _invRange = range > 0 ? 1.0 / range : 0;
        _invLogRange = range > 0 ? 1.0 / Math.Log(1 + range) : 0;
        if (w1 is not null) { _w1 = w1; _b1 = b1!; _w2 = w2!; _b2 = b2; }
    }

    /// <summary>The model family.</summary>
    public RootModelKind Kind { get; }

    /// <summary>Hidden units (MLP only, else 0).</summary>
    public int Hidden => _b1.Length;

    /// <summary>Bytes of parameters (8 per double).</summary>
    public long SizeBytes => 8L * (_c.Length + _w1.Length + _b1.Length + _w2.Length + 3);

    /// <summary>The raw parameters in the order the GPU kernel reads them (see <see cref="GpuParameters"/>).</summary>
    internal double[] Coefficients => _c;

    /// <summary>
    /// All parameters flattened for the ILGPU kernel: [kind, invRange, invLogRange, c0..c3, hidden, w1 (2·H), b1 (H),
    /// w2 (H), b2].
    /// </summary>
    public double[] GpuParameters()
    {
        var list = new List<double> { (double)Kind, _invRange, _invLogRange };
        for (int i = 0; i < 4; i++) list.Add(i < _c.Length ? _c[i] : 0);
        list.Add(Hidden);
        list.AddRange(_w1); list.AddRange(_b1); list.AddRange(_w2); list.Add(_b2);
        return [.. list];
    }

    /// <summary>The CDF estimate of x = key − smallest key (not clamped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Cdf(double x)
    {
        switch (Kind)
        {
            case RootModelKind.Linear: return _c[0] + _c[1] * x;
            case RootModelKind.LogLinear: return _c[0] + _c[1] * Math.Log(1 + x);
            case RootModelKind.Cubic:
                double t = x * _invRange;
                return ((_c[3] * t + _c[2]) * t + _c[1]) * t + _c[0];
            default: return Mlp(x);
        }
    }

    double Mlp(double x)
    {
        double t = x * _invRange, u = Math.Log(1 + x) * _invLogRange, y = _b2;
        var w1 = _w1; var b1 = _b1; var w2 = _w2;
        for (int j = 0; j < b1.Length; j++)
        {
            double h = w1[2 * j] * t + w1[2 * j + 1] * u + b1[j];
            y += w2[j] * (h > 0 ? h : 0);
        }
        return y;
    }

    /// <summary>
    /// Fits a root of the given kind to (x, cdf) pairs, x = key − smallest key, cdf = lower-bound position / n.
    /// </summary>
    /// <param name="kind">Model family.</param>
    /// <param name="x">Sample inputs (ascending).</param>
    /// <param name="cdf">Sample targets in [0, 1].</param>
    /// <param name="range">Largest key − smallest key.</param>
    /// <param name="hidden">MLP hidden units.</param>
    /// <param name="steps">MLP Adam steps.</param>
    /// <param name="seed">MLP initialisation seed.</param>
    public static RootModel Fit(RootModelKind kind, double[] x, double[] cdf, double range, int hidden = 16, int steps = 400, int seed = 0)
    {
        switch (kind)
        {
            case RootModelKind.Linear: return new(kind, range, LeastSquares(x, cdf, 1, v => v));
            case RootModelKind.LogLinear:
                if (x.Length > 1)
                {
                    // Through the first and last sample points, not least squares: a least-squares line through an
                    // S-shaped log-CDF (lognormal keys) goes below 0 and above 1 in the tails, clamping thousands of
                    // keys into the first and last leaf, whose windows then saturate.
                    double f0 = Math.Log(1 + x[0]), f1 = Math.Log(1 + x[^1]);
                    double b = f1 > f0 ? (cdf[^1] - cdf[0]) / (f1 - f0) : 0;
                    return new(kind, range, [cdf[0] - b * f0, b]);
                }
                return new(kind, range, LeastSquares(x, cdf, 1, v => Math.Log(1 + v)));
            case RootModelKind.Cubic:
                double inv = range > 0 ? 1 / range : 0;
                return new(kind, range, LeastSquares(x, cdf, 3, v => v * inv));
            case RootModelKind.Mlp:
                var (w1, b1, w2, b2) = MlpRootTrainer.Train(x, cdf, range, hidden, steps, seed);
                return new(kind, range, [0, 0, 0, 0], w1, b1, w2, b2);
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown root model kind");
        }
    }

    /// <summary>Least-squares polynomial of the given degree in f(x), solved by Gaussian elimination with pivoting.</summary>
    static double[] LeastSquares(double[] x, double[] y, int degree, Func<double, double> feature)
    {
        int m = degree + 1;
        var a = new double[m, m + 1];
        var powers = new double[2 * m];
        for (int i = 0; i < x.Length; i++)
        {
            double f = feature(x[i]), p = 1;
            for (int k = 0; k < 2 * m - 1; k++) { powers[k] = p; p *= f; }
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < m; c++) a[r, c] += powers[r + c];
                a[r, m] += powers[r] * y[i];
            }
        }
        // Regularise lightly so a degenerate sample (one distinct key) still gives a constant model.
        for (int r = 1; r < m; r++) a[r, r] += 1e-12 * (a[0, 0] + 1);
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int c = 0; c <= m; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            double d = a[col, col];
            if (Math.Abs(d) < 1e-300) continue;
            for (int r = 0; r < m; r++)
            {
                if (r == col) continue;
                double factor = a[r, col] / d;
                if (factor == 0) continue;
                for (int c = col; c <= m; c++) a[r, c] -= factor * a[col, c];
            }
        }
        var result = new double[Math.Max(m, 2)];
        for (int r = 0; r < m; r++) result[r] = Math.Abs(a[r, r]) < 1e-300 ? 0 : a[r, m] / a[r, r];
        if (result.Any(v => !double.IsFinite(v))) { Array.Clear(result); result[0] = y.Length > 0 ? y.Average() : 0; }
        return result;
    }
}
