using Workbench.Kernels.Mcts;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Kernels.Mcts;

public class ValueTransformTests
{
    /// <summary>Random values over many magnitudes (10^-6 to 10^6), both signs, and zero.</summary>
    static double[] Values(int seed, int count = 2000)
    {
        var rng = new Random(seed);
        return [0, .. Enumerable.Range(0, count).Select(_ => (rng.Next(2) * 2 - 1) * Math.Pow(10, rng.NextDouble() * 12 - 6))];
    }

    [Fact]
    public void H_matches_its_definition_and_the_inverse_is_exact_at_every_magnitude()
    {
        int seed = Environment.TickCount;
        foreach (double x in Values(seed))
        {
            double h = ValueTransform.H(x);
            Assert.Equal(Math.Sign(x) * (Math.Sqrt(Math.Abs(x) + 1) - 1) + 0.001 * x, h, 12);
            double back = ValueTransform.Inverse(h);
            Assert.True(Math.Abs(back - x) <= 1e-12 * Math.Max(1, Math.Abs(x)), $"seed {seed}: h⁻¹(h({x})) = {back}");
            // rlax's signed_parabolic / muzero-general's form of the inverse gives the same number (to its cancellation).
            double eps = 0.001, z = (Math.Sqrt(1 + 4 * eps * (Math.Abs(h) + 1 + eps)) - 1) / (2 * eps);
            Assert.True(Math.Abs(Math.Sign(h) * (z * z - 1) - back) <= 1e-7 * Math.Max(1, Math.Abs(x)), $"seed {seed}: x = {x}");
        }
        Assert.Equal(0, ValueTransform.H(0));
        Assert.Equal(Math.Sqrt(2) - 1 + 0.001, ValueTransform.H(1), 15);
        // ε = 0 has the closed-form inverse (|y| + 1)² − 1.
        Assert.Equal(3, ValueTransform.Inverse(ValueTransform.H(3, 0), 0), 12);
        Assert.Contains("epsilon = -1", Assert.Throws<ArgumentException>(() => ValueTransform.Inverse(1, -1)).Message);
    }

    [Fact]
    public void Two_hot_round_trips_exactly_and_clips_outside_the_support()
    {
        var support = new CategoricalSupport(300);
        var bins = new float[support.Bins];
        // Dyadic values (k / 1024) are exact in float, so the round trip is exact.
        var rng = new Random(1);
        for (int i = 0; i < 500; i++)
        {
            double x = rng.Next(-300 * 1024, 300 * 1024 + 1) / 1024.0;
            support.TwoHot(x, bins);
            Assert.Equal(x, support.Expectation(bins));
            Assert.Equal(1, bins.Sum(), 6);
            Assert.True(bins.Count(b => b != 0) <= 2);
        }
        // Integers are one-hot.
        support.TwoHot(-7, bins);
        Assert.Equal(1, bins[300 - 7]);
        Assert.Equal(1, bins.Count(b => b != 0));
        // Outside [−S, S]: all weight on the end bin.
        support.TwoHot(1e9, bins);
        Assert.Equal(1, bins[^1]);
        Assert.Equal(300, support.Expectation(bins));
        support.TwoHot(-301.5, bins);
        Assert.Equal(1, bins[0]);
        Assert.Equal(-300, support.Expectation(bins));
        Assert.Contains("support_size = 0", Assert.Throws<ArgumentException>(() => new CategoricalSupport(0)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => support.TwoHot(double.NaN, bins)).Message);
        Assert.Throws<ArgumentException>(() => support.TwoHot(1, new float[5]));
    }

    [Fact]
    public void Encode_then_decode_returns_the_value_through_h()
    {
        var support = new CategoricalSupport(20);
        float[] values = [0, 1, -1, 3.5f, -12.25f, 150, -399, 400];
        var twoHot = new float[values.Length * support.Bins];
        support.Encode(values, twoHot);
        // Logits = log of the two-hot weights (−∞ where 0) make the softmax the two-hot vector again.
        var logits = twoHot.Select(p => p > 0 ? MathF.Log(p) : float.NegativeInfinity).ToArray();
        var decoded = new float[values.Length];
        support.Decode(logits, decoded);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(decoded[i] - values[i]) <= 1e-4 * Math.Max(1, Math.Abs(values[i])), $"{values[i]} → {decoded[i]}");
        // h(500) ≈ 21.9 lies outside S = 20: it is clipped to h⁻¹(20).
        support.Encode([500f], twoHot.AsSpan(0, support.Bins));
        var clipped = new float[1];
        support.Decode(twoHot.Take(support.Bins).Select(p => p > 0 ? MathF.Log(p) : float.NegativeInfinity).ToArray(), clipped);
        Assert.Equal(ValueTransform.Inverse(20), clipped[0], 2);
    }

    [Fact]
    public void The_tensor_versions_equal_the_array_versions()
    {
        TorchSetup.Initialize();
        var support = new CategoricalSupport(10);
        var values = Values(4, 64).Select(v => (float)Math.Clamp(v, -200, 200)).ToArray();
        var expected = new float[values.Length * support.Bins];
        support.Encode(values, expected);
        var rng = new Random(6);
        var logits = Enumerable.Range(0, values.Length * support.Bins).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var decodedArray = new float[values.Length];
        support.Decode(logits, decodedArray);
        using var scope = NewDisposeScope();
        var valueTensor = tensor(values);
        var encoded = CategoricalSupportTensors.Encode(valueTensor, 10).data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], encoded[i], 5);
        var decoded = CategoricalSupportTensors.Decode(tensor(logits, [values.Length, support.Bins]), 10).data<float>().ToArray();
        for (int i = 0; i < values.Length; i++) Assert.Equal(decodedArray[i], decoded[i], 3);
        var back = CategoricalSupportTensors.Inverse(CategoricalSupportTensors.H(valueTensor)).data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
            Assert.True(Math.Abs(back[i] - values[i]) <= 1e-4 * Math.Max(1, Math.Abs(values[i])), $"{values[i]} → {back[i]}");
        var e = Assert.Throws<ArgumentException>(() => CategoricalSupportTensors.Decode(zeros(3, 5), 10));
        Assert.Contains("B × 21 logits", e.Message);
    }
}
