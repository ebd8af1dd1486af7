using Workbench.Kernels.Augment;

namespace Workbench.Tests.Kernels.Augment;

public class BatchAugmentTests
{
    /// <summary>Images like the MNIST family's: a dark background with a bright blob, plus noise; some are blank or flat.</summary>
    static byte[] RandomImages(Random rng, int count, int h, int w)
    {
        var images = new byte[count * h * w];
        for (int n = 0; n < count; n++)
        {
            int kind = rng.Next(6);
            double cy = rng.NextDouble() * h, cx = rng.NextDouble() * w, r = 2 + rng.NextDouble() * h / 2;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    double d = Math.Sqrt((y - cy) * (y - cy) + (x - cx) * (x - cx));
                    int v = kind switch
                    {
                        0 => 0,
                        1 => 77,
                        2 => rng.Next(256),
                        _ => (int)Math.Clamp(255 * (1 - d / r) + rng.Next(-20, 21), 0, 255),
                    };
                    images[(n * h + y) * w + x] = (byte)v;
                }
        }
        return images;
    }

    static byte[] Reference(byte[] images, int h, int w, IReadOnlyList<AugmentPlan> plans)
    {
        var output = new byte[plans.Count * h * w];
        for (int i = 0; i < plans.Count; i++)
            AugmentReference.Apply(images.AsSpan(i * h * w, h * w).ToArray(), h, w, plans[i]).CopyTo(output, i * h * w);
        return output;
    }

    static void AssertSame(byte[] expected, byte[] actual, string what)
    {
        int first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{what}: first difference at {first}");
    }

    public static TheoryData<AugmentOp> Ops => [.. AugmentOps.All];

    [Theory]
    [MemberData(nameof(Ops))]
    public void Each_operation_matches_the_per_image_reference(AugmentOp op)
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        foreach (var (h, w) in new[] { (28, 28), (7, 11), (1, 1), (32, 32) })
        {
            int count = 40;
            var images = RandomImages(rng, count, h, w);
            var plans = Enumerable.Range(0, count).Select(_ =>
                AugmentPlan.None with { Steps = [new AugmentStep(op, AugmentOps.ValueAt(op, rng.NextDouble()))] }).ToArray();
            var fast = new byte[images.Length];
            BatchAugment.Apply(images, h, w, Enumerable.Range(0, count).ToArray(), plans, fast);
            AssertSame(Reference(images, h, w, plans), fast, $"{op}, seed {seed}, {h}×{w}");
        }
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Each_operation_matches_the_reference_at_the_ends_and_the_middle_of_its_range(AugmentOp op)
    {
        // Magnitude ½ is a zero angle, shear and shift (the warps' constant-row path with signed zeros); 0 and 1 are
        // the range's ends (Solarize at 0 and 256: the vector path's limits; Posterize at 4 and 8 bits).
        var rng = new Random(11);
        foreach (var (h, w) in new[] { (28, 28), (17, 18), (3, 5) })
        {
            var images = RandomImages(rng, 12, h, w);
            var plans = Enumerable.Range(0, 12).Select(i =>
                AugmentPlan.None with { Steps = [new AugmentStep(op, AugmentOps.ValueAt(op, new[] { 0, 0.5, 1 }[i % 3]))] }).ToArray();
            var fast = new byte[images.Length];
            BatchAugment.Apply(images, h, w, Enumerable.Range(0, 12).ToArray(), plans, fast);
            AssertSame(Reference(images, h, w, plans), fast, $"{op}, {h}×{w}");
        }
    }

    [Fact]
    public void A_batch_large_enough_for_the_cores_matches_the_reference()
    {
        var rng = new Random(12);
        int count = BatchAugment.ParallelPixels / 784 + 10;
        var images = RandomImages(rng, count, 28, 28);
        var plans = AugmentPolicy.Strong(true, AugmentOps.All).Draw(rng, count, 28, 28);
        var fast = new byte[images.Length];
        BatchAugment.Apply(images, 28, 28, Enumerable.Range(0, count).ToArray(), plans, fast);
        AssertSame(Reference(images, 28, 28, plans), fast, "parallel batch");
    }

    [Fact]
    public void Weak_and_strong_plans_match_the_reference_including_flip_shift_and_cutout()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        var images = RandomImages(rng, 64, 28, 28);
        var indices = Enumerable.Range(0, 64).Select(_ => rng.Next(64)).ToArray();
        foreach (var policy in new[]
        {
            AugmentPolicy.Weak(flip: true), AugmentPolicy.Weak(flip: false),
            AugmentPolicy.Strong(true, AugmentOps.All), AugmentPolicy.Strong(false, AugmentOps.All, 0.5, 0.5, opsPerImage: 3),
        })
        {
            var plans = policy.Draw(new Random(seed), indices.Length, 28, 28);
            var fast = new byte[indices.Length * 784];
            BatchAugment.Apply(images, 28, 28, indices, plans, fast);
            var gathered = indices.SelectMany(i => images.AsSpan(i * 784, 784).ToArray()).ToArray();
            AssertSame(Reference(gathered, 28, 28, plans), fast, $"seed {seed}");
            var floats = new float[fast.Length];
            BatchAugment.ApplyToFloats(images, 28, 28, indices, plans, floats);
            for (int i = 0; i < fast.Length; i++) Assert.True(Math.Abs(fast[i] / 255.0 - floats[i]) < 1e-6);
        }
    }

    [Fact]
    public void Shifts_up_to_almost_the_whole_side_reflect_like_the_reference()
    {
        // The kernel reflects without a division for indices one reflection away; larger shifts take the general rule.
        var rng = new Random(13);
        foreach (var (h, w) in new[] { (28, 28), (7, 11), (1, 1), (2, 3) })
        {
            var images = RandomImages(rng, 30, h, w);
            var plans = AugmentPolicy.Weak(flip: true, maxShift: 0.95).Draw(rng, 30, h, w);
            var fast = new byte[images.Length];
            BatchAugment.Apply(images, h, w, Enumerable.Range(0, 30).ToArray(), plans, fast);
            AssertSame(Reference(images, h, w, plans), fast, $"{h}×{w}");
        }
    }

    [Fact]
    public void Weak_views_shift_by_at_most_an_eighth_and_flip_only_when_allowed()
    {
        var rng = new Random(5);
        var noFlip = AugmentPolicy.Weak(flip: false).Draw(rng, 2_000, 28, 28);
        Assert.DoesNotContain(noFlip, p => p.Flip);
        Assert.All(noFlip, p => Assert.InRange(Math.Max(Math.Abs(p.ShiftX), Math.Abs(p.ShiftY)), 0, 3));
        Assert.Contains(noFlip, p => p.ShiftX == 3);
        Assert.Contains(noFlip, p => p.ShiftY == -3);
        Assert.All(noFlip, p => Assert.Empty(p.Steps));
        double flipped = AugmentPolicy.Weak(flip: true).Draw(rng, 2_000, 28, 28).Count(p => p.Flip) / 2_000.0;
        Assert.InRange(flipped, 0.45, 0.55);
    }

    [Fact]
    public void RandAugment_draws_two_ops_a_random_magnitude_each_and_the_apply_probability_is_a_knob()
    {
        var rng = new Random(9);
        var always = AugmentPolicy.Strong(false, AugmentOps.All, applyProbability: 1).Draw(rng, 3_000, 28, 28);
        Assert.All(always, p => Assert.Equal(2, p.Steps.Length));
        Assert.All(always, p => Assert.Equal(14, p.CutoutSide)); // half of 28
        // Each operation appears, and the rotation angles cover their range rather than one fixed magnitude.
        Assert.Equal(14, always.SelectMany(p => p.Steps).Select(s => s.Op).Distinct().Count());
        var angles = always.SelectMany(p => p.Steps).Where(s => s.Op == AugmentOp.Rotate).Select(s => s.Value).ToList();
        Assert.True(angles.Min() < -25 && angles.Max() > 25 && angles.Distinct().Count() > 100);
        var half = AugmentPolicy.Strong(false, AugmentOps.All, applyProbability: 0.5).Draw(rng, 3_000, 28, 28);
        Assert.InRange(half.Average(p => p.Steps.Length), 0.9, 1.1);
    }

    [Fact]
    public void Ranges_are_the_papers()
    {
        Assert.Equal((-30.0, 30.0), AugmentOps.Range(AugmentOp.Rotate));
        Assert.Equal((-0.3, 0.3), AugmentOps.Range(AugmentOp.ShearX));
        Assert.Equal((-0.3, 0.3), AugmentOps.Range(AugmentOp.TranslateY));
        Assert.Equal((0.05, 0.95), AugmentOps.Range(AugmentOp.Brightness));
        Assert.Equal(4, AugmentOps.ValueAt(AugmentOp.Posterize, 0));
        Assert.Equal(8, AugmentOps.ValueAt(AugmentOp.Posterize, 1));
        Assert.Equal(256, AugmentOps.ValueAt(AugmentOp.Solarize, 1));
    }

    [Fact]
    public void Known_values_of_single_operations()
    {
        byte[] image = [10, 20, 30, 40];
        Assert.Equal([20, 10, 40, 30], AugmentReference.FlipHorizontal(image, 2, 2));
        Assert.Equal([20, 10, 40, 30], AugmentReference.Shift(image, 2, 2, 1, 0)); // reflect: x = −1 reads x = 1
        Assert.Equal([0, 85, 170, 255], AugmentReference.Apply(image, 2, 2, new AugmentStep(AugmentOp.AutoContrast, 0)));
        Assert.Equal([10, 20, 225, 215], AugmentReference.Apply(image, 2, 2, new AugmentStep(AugmentOp.Solarize, 30)));
        Assert.Equal([0, 16, 16, 32], AugmentReference.Apply(image, 2, 2, new AugmentStep(AugmentOp.Posterize, 4)));
        Assert.Equal([5, 10, 15, 20], AugmentReference.Apply(image, 2, 2, new AugmentStep(AugmentOp.Brightness, 0.5)));
        Assert.Equal([127, 20, 30, 40], AugmentReference.Cutout(image, 2, 2, 0, 0, 2)); // clipped at the corner
        // A 90° rotation of a 2 × 2 image moves every pixel one corner on, counter-clockwise.
        Assert.Equal([20, 40, 10, 30], AugmentReference.Apply(image, 2, 2, new AugmentStep(AugmentOp.Rotate, 90)));
    }

    [Fact]
    public void Bad_sizes_are_one_sentence()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            BatchAugment.Apply(new byte[784], 28, 28, [0, 1], [AugmentPlan.None, AugmentPlan.None], new byte[2 * 784]));
        Assert.Contains("index 1", e.Message);
    }
}
