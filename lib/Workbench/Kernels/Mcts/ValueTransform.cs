namespace Workbench.Kernels.Mcts;

/// <summary>
/// The invertible value transform MuZero applies to unbounded rewards and values before encoding them on a categorical
/// support (MuZero, Schrittwieser et al. 2020, Appendix F; Pohlen et al. 2018, "Observe and Look Further", Proposition
/// A.2): h(x) = sign(x)(√(|x| + 1) − 1) + εx with ε = 0.001, and its exact inverse.
/// </summary>
/// <remarks>
/// The inverse is rlax's <c>signed_parabolic</c> (<c>rlax/_src/transforms.py</c>) and muzero-general's
/// <c>support_to_scalar</c>: h⁻¹(y) = sign(y)(((√(1 + 4ε(|y| + 1 + ε)) − 1) / 2ε)² − 1). Here the fraction is written as
/// 2(|y| + 1 + ε) / (√(1 + 4ε(|y| + 1 + ε)) + 1), the same number without the cancellation of √(…) − 1 when ε|y| is
/// small, so h⁻¹(h(x)) returns x to a few ulps at every magnitude.
/// </remarks>
public static class ValueTransform
{
    /// <summary>MuZero's ε.</summary>
    public const double Epsilon = 0.001;

    /// <summary>h(x) = sign(x)(√(|x| + 1) − 1) + εx.</summary>
    public static double H(double x, double epsilon = Epsilon) => Math.Sign(x) * (Math.Sqrt(Math.Abs(x) + 1) - 1) + epsilon * x;

    /// <summary>The exact inverse of <see cref="H(double, double)"/> for ε ≥ 0 (ε = 0: h⁻¹(y) = sign(y)(y² + 2|y|)).</summary>
    /// <exception cref="ArgumentException">ε is negative or not finite.</exception>
    public static double Inverse(double y, double epsilon = Epsilon)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentException($"epsilon = {epsilon} is out of range: the value transform needs a finite epsilon >= 0.");
        double a = Math.Abs(y);
        if (epsilon == 0) return Math.Sign(y) * (a * a + 2 * a);
        double z = 2 * (a + 1 + epsilon) / (Math.Sqrt(1 + 4 * epsilon * (a + 1 + epsilon)) + 1);
        return Math.Sign(y) * (z * z - 1);
    }

    /// <summary>h of every element (float in, float out, computed in float64).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void H(ReadOnlySpan<float> x, Span<float> into, double epsilon = Epsilon)
    {
        SameLength(x.Length, into.Length);
        for (int i = 0; i < x.Length; i++) into[i] = (float)H(x[i], epsilon);
    }

    /// <summary>h⁻¹ of every element (float in, float out, computed in float64).</summary>
    /// <exception cref="ArgumentException">The spans differ in length or ε is out of range.</exception>
    public static void Inverse(ReadOnlySpan<float> y, Span<float> into, double epsilon = Epsilon)
    {
        SameLength(y.Length, into.Length);
        for (int i = 0; i < y.Length; i++) into[i] = (float)Inverse(y[i], epsilon);
    }

    static void SameLength(int input, int output)
    {
        if (input != output)
            throw new ArgumentException(
                $"The value transform got {input} inputs but room for {output} outputs: give spans of equal length.");
    }
}
