namespace Workbench.Kernels.Attention;

/// <summary>
/// Collision probability of random-rotation hashing (argmax over [xR; −xR], R standard normal d × b/2) for two unit
/// vectors at angle θ: the chance that one round puts them into the same bucket. For b = 2 it is exactly 1 − θ/π (a
/// random hyperplane); for b &gt; 2 it has no closed form and is estimated here by drawing rotations.
/// </summary>
public static class LshCollision
{
    /// <summary>Exact collision probability for two buckets: 1 − θ/π.</summary>
    /// <param name="angle">θ in radians, [0, π].</param>
    public static double TwoBuckets(double angle) => 1 - angle / Math.PI;

    /// <summary>
    /// Monte Carlo estimate over <paramref name="trials"/> random rotations (seeded) for each angle; the vectors are
    /// e₁ and cos θ·e₁ + sin θ·e₂, which loses nothing since R's distribution is rotation-invariant.
    /// </summary>
    /// <param name="angles">Angles θ in radians.</param>
    /// <param name="buckets">b (even, ≥ 2).</param>
    /// <param name="dimension">d (≥ 2).</param>
    /// <param name="trials">Random rotations per angle.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <returns>One probability per angle.</returns>
    /// <exception cref="ArgumentException">Bad bucket count or dimension below 2.</exception>
    public static double[] Estimate(IReadOnlyList<double> angles, int buckets, int dimension, int trials, int seed)
    {
        LshAttention.Check(1, buckets, 1);
        if (dimension < 2) throw new ArgumentException($"dimension = {dimension}: two vectors at an angle need d ≥ 2.");
        int half = buckets / 2;
        var rng = new Random(seed);
        var result = new double[angles.Count];
        // Only the first two rows of R matter for vectors in the span of e1, e2.
        var row1 = new double[half];
        var row2 = new double[half];
        for (int trial = 0; trial < trials; trial++)
        {
            for (int j = 0; j < half; j++) { row1[j] = Gaussian(rng); row2[j] = Gaussian(rng); }
            int a = Bucket(1, 0, row1, row2);
            for (int i = 0; i < angles.Count; i++)
                if (Bucket(Math.Cos(angles[i]), Math.Sin(angles[i]), row1, row2) == a) result[i] += 1.0 / trials;
        }
        return result;
    }

    static int Bucket(double x1, double x2, double[] row1, double[] row2)
    {
        int half = row1.Length, arg = 0;
        double best = double.NegativeInfinity;
        for (int j = 0; j < 2 * half; j++)
        {
            double dot = x1 * row1[j % half] + x2 * row2[j % half];
            double value = j < half ? dot : -dot;
            if (value > best) { best = value; arg = j; }
        }
        return arg;
    }

    static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
