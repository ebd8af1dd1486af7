namespace Workbench.Kernels.Points;

/// <summary>
/// The uncertainty of a prediction at a point, computed from the logits at that point (PointRend, Sec. 3.1;
/// detectron2's calculate_uncertainty). It must be applied to logits already interpolated to the point, never
/// interpolated from an uncertainty map: between two coarse logits −1 and +1 the interpolated logit is 0, the most
/// uncertain value, while interpolating their uncertainties (both −1) would say −1.
/// Larger means more uncertain; the maximum is 0.
/// </summary>
public static class PointUncertainty
{
    /// <summary>Binary (one-logit) masks: uncertainty = −|logit| into <paramref name="uncertainty"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Binary(ReadOnlySpan<float> logits, Span<float> uncertainty)
    {
        if (logits.Length != uncertainty.Length)
            throw new ArgumentException($"{logits.Length} logits but room for {uncertainty.Length} uncertainties: the lengths must match.");
        for (int i = 0; i < logits.Length; i++) uncertainty[i] = -MathF.Abs(logits[i]);
    }

    /// <summary>
    /// Semantic (C ≥ 2 classes) masks: uncertainty = −(best − second best) logit, from <paramref name="logits"/> laid
    /// out C × P (the output of <see cref="PointSampling"/>), into P values.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two classes or a length does not match.</exception>
    public static void Margin(ReadOnlySpan<float> logits, int classes, Span<float> uncertainty)
    {
        if (classes < 2)
            throw new ArgumentException(
                $"classes = {classes}: the top-2 margin needs at least 2 classes (use Binary for one logit).");
        int points = uncertainty.Length;
        if (logits.Length != classes * points)
            throw new ArgumentException($"{logits.Length} logits but classes × points = {classes * points} were expected.");
        for (int p = 0; p < points; p++)
        {
            float best = float.NegativeInfinity, second = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float v = logits[c * points + p];
                if (v > best) { second = best; best = v; }
                else if (v > second) second = v;
            }
            uncertainty[p] = second - best;
        }
    }

    /// <summary>Binary for one class, the top-2 margin otherwise; returns P uncertainties of C × P logits.</summary>
    public static float[] Of(ReadOnlySpan<float> logits, int classes)
    {
        var uncertainty = new float[logits.Length / Math.Max(classes, 1)];
        if (classes == 1) Binary(logits, uncertainty);
        else Margin(logits, classes, uncertainty);
        return uncertainty;
    }
}
