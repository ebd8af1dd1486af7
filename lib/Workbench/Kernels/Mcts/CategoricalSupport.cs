namespace Workbench.Kernels.Mcts;

/// <summary>
/// MuZero's categorical representation of a scalar (Appendix F): a distribution over the integer support
/// {−S, …, S} (2S + 1 bins). A scalar becomes a "two-hot" vector, its weight split between the two neighbouring
/// integers so that the expectation is the scalar; a distribution becomes the scalar by its expectation. Values outside
/// [−S, S] are clipped to the nearest end. <see cref="Encode"/> and <see cref="Decode"/> add the value transform h
/// (<see cref="ValueTransform"/>) in front and h⁻¹ behind, as MuZero does for unbounded returns (Atari: S = 300).
/// </summary>
/// <remarks>
/// Sources: muzero-general <c>models.py</c> (<c>scalar_to_support</c>, <c>support_to_scalar</c>); rlax
/// <c>transform_to_2hot</c> / <c>transform_from_2hot</c>. Board games in the paper use a scalar value and MSE instead.
/// </remarks>
public sealed class CategoricalSupport
{
    /// <summary>Creates the support {−S, …, S}.</summary>
    /// <param name="size">S, at least 1.</param>
    /// <exception cref="ArgumentException">S is below 1.</exception>
    public CategoricalSupport(int size)
    {
        if (size < 1)
            throw new ArgumentException($"support_size = {size} is out of range: the categorical support needs S >= 1 (2S + 1 bins).");
        Size = size;
    }

    /// <summary>S: the support is the integers in [−S, S].</summary>
    public int Size { get; }

    /// <summary>Bins 2S + 1; bin i stands for the integer i − S.</summary>
    public int Bins => 2 * Size + 1;

    /// <summary>
    /// The two-hot vector of <paramref name="scalar"/> (clipped to [−S, S]): weight 1 − (x − ⌊x⌋) on ⌊x⌋ and x − ⌊x⌋ on
    /// ⌊x⌋ + 1, zero elsewhere. NaN is refused.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="into"/> is not 2S + 1 long, or the scalar is NaN.</exception>
    public void TwoHot(double scalar, Span<float> into)
    {
        if (into.Length != Bins)
            throw new ArgumentException($"The two-hot vector needs {Bins} bins for S = {Size}, not {into.Length}.");
        if (double.IsNaN(scalar))
            throw new ArgumentException("The scalar to encode is NaN: a categorical value needs a number.");
        double x = Math.Clamp(scalar, -Size, Size);
        double floor = Math.Floor(x), upper = x - floor;
        int low = (int)floor + Size;
        into.Clear();
        into[low] = (float)(1 - upper);
        if (upper > 0) into[low + 1] = (float)upper;
    }

    /// <summary>The expectation Σ pᵢ (i − S) of a distribution over the support (not renormalised).</summary>
    /// <exception cref="ArgumentException"><paramref name="probabilities"/> is not 2S + 1 long.</exception>
    public double Expectation(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != Bins)
            throw new ArgumentException($"The distribution needs {Bins} bins for S = {Size}, not {probabilities.Length}.");
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++) sum += probabilities[i] * (double)(i - Size);
        return sum;
    }

    /// <summary>
    /// Targets for a batch: h(value) as two-hot rows (B × (2S + 1)), h being <see cref="ValueTransform.H(double, double)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="into"/> is not B × (2S + 1), or a value is NaN.</exception>
    public void Encode(ReadOnlySpan<float> values, Span<float> into, double epsilon = ValueTransform.Epsilon)
    {
        if (into.Length != values.Length * Bins)
            throw new ArgumentException($"Encoding {values.Length} values needs {values.Length * Bins} floats, not {into.Length}.");
        for (int b = 0; b < values.Length; b++) TwoHot(ValueTransform.H(values[b], epsilon), into.Slice(b * Bins, Bins));
    }

    /// <summary>
    /// Scalars from a batch of logits (B × (2S + 1)): softmax per row, expectation over the support, then h⁻¹.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not B × (2S + 1).</exception>
    public void Decode(ReadOnlySpan<float> logits, Span<float> into, double epsilon = ValueTransform.Epsilon)
    {
        if (logits.Length != into.Length * Bins)
            throw new ArgumentException($"Decoding {into.Length} values needs {into.Length * Bins} logits, not {logits.Length}.");
        for (int b = 0; b < into.Length; b++)
        {
            var row = logits.Slice(b * Bins, Bins);
            float max = float.NegativeInfinity;
            foreach (float l in row) max = Math.Max(max, l);
            double total = 0, weighted = 0;
            for (int i = 0; i < Bins; i++)
            {
                double p = Math.Exp(row[i] - max);
                total += p;
                weighted += p * (i - Size);
            }
            into[b] = (float)ValueTransform.Inverse(weighted / total, epsilon);
        }
    }
}
