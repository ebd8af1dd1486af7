using Workbench.Kernels.Points;

namespace Workbench.Tests.Kernels.Points;

public class BoundaryIoUTests
{
    static bool[] RandomBlobs(Random rng, int h, int w)
    {
        var mask = new bool[h * w];
        int blobs = 1 + rng.Next(4);
        for (int b = 0; b < blobs; b++)
        {
            double cy = rng.NextDouble() * h, cx = rng.NextDouble() * w, r = 1 + rng.NextDouble() * Math.Min(h, w) / 2;
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    if ((i - cy) * (i - cy) + (j - cx) * (j - cx) <= r * r) mask[i * w + j] = true;
        }
        for (int i = 0; i < mask.Length; i++) if (rng.NextDouble() < 0.03) mask[i] = !mask[i]; // ragged edges and specks
        if (!mask.Contains(true)) mask[rng.Next(mask.Length)] = true;
        return mask;
    }

    [Fact]
    public void Fast_band_matches_d_erosions_of_the_padded_mask()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            int h = 1 + rng.Next(70), w = 1 + rng.Next(70);
            double ratio = new[] { 0.0, 0.02, 0.05, 0.1 }[rng.Next(4)];
            var mask = RandomBlobs(rng, h, w);
            Assert.True(BoundaryIoUReference.Band(mask, h, w, ratio).SequenceEqual(BoundaryIoU.Band(mask, h, w, ratio)),
                $"seed {seed}, trial {trial}, {h}×{w}, ratio {ratio}");
            var other = RandomBlobs(rng, h, w);
            Assert.Equal(BoundaryIoUReference.Compute(mask, other, h, w, ratio), BoundaryIoU.Compute(mask, other, h, w, ratio), 12);
        }
    }

    [Fact]
    public void Dilation_is_two_percent_of_the_diagonal_rounded_and_at_least_one()
    {
        Assert.Equal(1, BoundaryIoU.Dilation(28, 28));     // 0.02 · 39.6 = 0.79 → 1
        Assert.Equal(2, BoundaryIoU.Dilation(64, 64));     // 1.81 → 2
        Assert.Equal(6, BoundaryIoU.Dilation(224, 224));   // 6.34 → 6
        Assert.Equal(1, BoundaryIoU.Dilation(10, 10));     // 0.28 → 0 → at least 1
    }

    [Fact]
    public void The_band_of_a_filled_square_is_its_outer_ring_because_the_pad_is_background()
    {
        // A 10 × 10 all-foreground mask: d = 1, so the band is the one-pixel ring along the image border (the padding
        // erodes it), 36 pixels; the inner 8 × 8 survives the erosion.
        var full = Enumerable.Repeat(true, 100).ToArray();
        Assert.Equal(36, BoundaryIoU.Band(full, 10, 10).Count(b => b));
        Assert.Equal(1.0, BoundaryIoU.Compute(full, full, 10, 10));
        Assert.Equal(1.0, BoundaryIoU.MaskIou(full, full, 10, 10));
    }

    [Fact]
    public void Boundary_iou_punishes_a_boundary_error_that_mask_iou_barely_sees()
    {
        // A 100 × 100 disc of radius 40 vs the same disc one pixel smaller all round.
        bool[] Disc(double r) =>
            [.. Enumerable.Range(0, 10_000).Select(k => Math.Pow(k / 100 - 49.5, 2) + Math.Pow(k % 100 - 49.5, 2) <= r * r)];
        var gt = Disc(40);
        var shrunk = Disc(39);
        double mask = BoundaryIoU.MaskIou(gt, shrunk, 100, 100), boundary = BoundaryIoU.Compute(gt, shrunk, 100, 100);
        Assert.True(mask > 0.94, $"mask IoU {mask}");
        Assert.True(boundary < 0.75, $"boundary IoU {boundary}");
    }

    [Fact]
    public void Class_mean_with_one_foreground_class_is_the_binary_score_and_a_class_predicted_only_scores_zero()
    {
        int seed = TestPaths.FreshSeed();
        var rng = new Random(seed);
        int h = 20, w = 30;
        var gt = Enumerable.Range(0, h * w).Select(k => Math.Pow(k / w - 10, 2) + Math.Pow(k % w - 15, 2) <= 40 ? 1 : 0).ToArray();
        var prediction = gt.Select(v => rng.NextDouble() < 0.1 ? 1 - v : v).ToArray();
        bool[] g = [.. gt.Select(v => v == 1)], p = [.. prediction.Select(v => v == 1)];
        var (mask, boundary) = BoundaryIoU.ClassMean(gt, prediction, 2, h, w);
        Assert.True(mask == BoundaryIoU.MaskIou(g, p, h, w), $"seed {seed}");
        Assert.True(boundary == BoundaryIoU.Compute(g, p, h, w), $"seed {seed}");
        // A perfect class 1 plus a stray pixel of class 2 (absent from the ground truth): the mean of 1 and 0 — except that
        // the stray pixel also left class 1, so compute class 1's score on the changed prediction.
        var stray = (int[])gt.Clone();
        int at = Array.IndexOf(stray, 1);
        stray[at] = 2;
        bool[] s1 = [.. stray.Select(v => v == 1)];
        var (m3, b3) = BoundaryIoU.ClassMean(gt, stray, 3, h, w);
        Assert.Equal((BoundaryIoU.MaskIou(g, s1, h, w) + 0) / 2, m3, 12);
        Assert.Equal((BoundaryIoU.Compute(g, s1, h, w) + 0) / 2, b3, 12);
    }

    [Fact]
    public void Bad_masks_are_one_sentence_each()
    {
        var label = Assert.Throws<ArgumentException>(() => BoundaryIoU.ClassMean(new int[4], [0, 0, 5, 0], 4, 2, 2));
        Assert.Equal("Pixel 2 has label 5: class labels must be in [0, 4).", label.Message);
        var none = Assert.Throws<ArgumentException>(() => BoundaryIoU.ClassMean(new int[4], new int[4], 4, 2, 2));
        Assert.Equal("The 2 × 2 ground-truth mask is empty (an empty scene): IoU is undefined without a foreground pixel.", none.Message);
        var wrong = Assert.Throws<ArgumentException>(() => BoundaryIoU.Compute(new bool[16], new bool[15], 4, 4));
        Assert.Equal("The predicted mask has 15 pixels but 4 × 4 = 16 were expected.", wrong.Message);
        var empty = Assert.Throws<ArgumentException>(() => BoundaryIoU.Compute(new bool[16], new bool[16], 4, 4));
        Assert.Equal("The 4 × 4 ground-truth mask is empty (an empty scene): IoU is undefined without a foreground pixel.", empty.Message);
    }
}
