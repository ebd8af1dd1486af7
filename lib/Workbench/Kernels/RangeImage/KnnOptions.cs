using System.Globalization;

namespace Workbench.Kernels.RangeImage;

/// <summary>
/// Parameters of the KNN clean-up (lidar-bonnetal <c>post: KNN: params</c>; the paper and every shipped config:
/// k = 5, search = 5, σ = 1, cutoff = 1 — though every shipped config also has <c>use: False</c>).
/// </summary>
/// <param name="K">Neighbours that vote (<c>knn</c>), in [1, Window²].</param>
/// <param name="Window">Side of the square search window in pixels (<c>search</c>), odd.</param>
/// <param name="Sigma">σ of the Gaussian over window positions, pixels, &gt; 0.</param>
/// <param name="Cutoff">
/// Weighted range difference, metres, beyond which a neighbour votes for the extra "too far" class; 0 (or less)
/// switches the cutoff off, as <c>if self.cutoff &gt; 0</c> does.
/// </param>
/// <param name="WrapAzimuth">
/// Ours, off by default: the window wraps around in azimuth (column −1 is column W − 1), as a 360° scan does. The
/// reference zero-pads both image borders, so points near the scan's seam (straight behind the sensor) see fake
/// neighbours at range 0.
/// </param>
public readonly record struct KnnOptions(int K = 5, int Window = 5, double Sigma = 1.0, double Cutoff = 1.0, bool WrapAzimuth = false)
{
    /// <summary>The paper's setting: k 5, window 5, σ 1, cutoff 1, no wrap.</summary>
    public static KnnOptions Paper => new(5, 5, 1.0, 1.0);

    /// <summary>Throws one sentence for an even or non-positive window, k outside [1, window²] or σ ≤ 0.</summary>
    /// <exception cref="ArgumentException">One of the parameters is out of range.</exception>
    public void Validate()
    {
        if (Window < 1 || Window % 2 == 0)
            throw new ArgumentException(Invariant($"KNN window = {Window} is not allowed: ")
                + Invariant($"it must be an odd number of pixels ≥ 1 (e.g. 5)."));
        if (K < 1 || K > Window * Window)
            throw new ArgumentException(Invariant($"KNN k = {K} is not allowed: ")
                + Invariant($"it must be in [1, {Window * Window}] for a {Window} × {Window} window."));
        if (!(Sigma > 0) || !double.IsFinite(Sigma))
            throw new ArgumentException(Invariant($"KNN sigma = {Sigma} is not allowed: it must be a finite number above 0 pixels."));
        if (double.IsNaN(Cutoff)) throw new ArgumentException("KNN cutoff = NaN is not allowed: give metres, or 0 to switch it off.");
    }

    /// <summary>
    /// The weights <c>1 − g</c> of the window positions, row-major, where g is the sum-normalised Gaussian
    /// (<c>get_gaussian_kernel</c> divides by its sum). With window 5 and σ = 1 they span only about 0.84 (centre) to
    /// 0.997 (corners): the "Gaussian" barely favours near pixels. Single precision, as the reference.
    /// </summary>
    public float[] InverseGaussianWeights()
    {
        Validate();
        int s = Window;
        double mean = (s - 1) / 2.0, variance = Sigma * Sigma;
        var g = new double[s * s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
                g[i * s + j] = 1.0 / (2 * Math.PI * variance)
                    * Math.Exp(-((i - mean) * (i - mean) + (j - mean) * (j - mean)) / (2 * variance));
        double sum = g.Sum();
        return g.Select(v => (float)(1.0 - v / sum)).ToArray();
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
