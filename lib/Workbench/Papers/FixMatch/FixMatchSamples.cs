using Workbench.Data;
using Workbench.Kernels.Augment;
using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>A picture grid of augmented views and what each strong view did.</summary>
/// <param name="Pixels">The mosaic, grey levels in [0, 255], rows top to bottom.</param>
/// <param name="Columns">Column headings: original, weak, strong 1, strong 2, ….</param>
/// <param name="Plans">Per row and strong column: the operations applied, e.g. "rotate −12.3; posterize 5; cutout".</param>
public sealed record AugmentGrid(double[,] Pixels, IReadOnlyList<string> Columns, IReadOnlyList<string[]> Plans);

/// <summary>Builds picture grids with the same kernel and policies the training runs use.</summary>
public static class FixMatchSamples
{
    const int Side = 28, Gap = 2;

    /// <summary>
    /// <paramref name="rows"/> pool images (one per class where possible) with their original, one weak and
    /// <paramref name="strongViews"/> strong views, drawn from <paramref name="seed"/>.
    /// </summary>
    public static AugmentGrid Grid(FixMatchDataset dataset, FixMatchConfig config, int rows = 6, int strongViews = 4, int seed = 0)
    {
        var splits = FixMatchSplits.Of(dataset);
        var pool = splits.Pool;
        var images = Enumerable.Range(0, rows).Select(r => Array.IndexOf(pool.Labels, (byte)(r % 10))).ToArray();
        var weak = AugmentPolicy.Weak(splits.Flip);
        var strong = AugmentPolicy.Strong(splits.Flip, config.StrongOps, config.ApplyProbability, config.Cutout);
        var random = Seeds.Rng(seed, "augment-grid");
        int columns = 2 + strongViews;
        var views = new List<byte[]> { pool.Select(images).Pixels };
        var weakOut = new byte[rows * Side * Side];
        BatchAugment.Apply(pool.Pixels, Side, Side, images, weak.Draw(random, rows, Side, Side), weakOut);
        views.Add(weakOut);
        var plans = Enumerable.Range(0, rows).Select(_ => new string[strongViews]).ToArray();
        for (int v = 0; v < strongViews; v++)
        {
            var drawn = strong.Draw(random, rows, Side, Side);
            var output = new byte[rows * Side * Side];
            BatchAugment.Apply(pool.Pixels, Side, Side, images, drawn, output);
            views.Add(output);
            for (int r = 0; r < rows; r++) plans[r][v] = Describe(drawn[r]);
        }
        var mosaic = new double[rows * (Side + Gap) - Gap, columns * (Side + Gap) - Gap];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                for (int y = 0; y < Side; y++)
                    for (int x = 0; x < Side; x++)
                        mosaic[r * (Side + Gap) + y, c * (Side + Gap) + x] = views[c][(r * Side + y) * Side + x];
        var headings = new List<string> { "original", "weak" };
        headings.AddRange(Enumerable.Range(1, strongViews).Select(i => $"strong {i}"));
        return new AugmentGrid(mosaic, headings, plans);
    }

    /// <summary>The operations of a plan in words, e.g. "flip; shift (2, −1); rotate −12.3; cutout 14 px".</summary>
    public static string Describe(AugmentPlan plan)
    {
        var parts = new List<string>();
        if (plan.Flip) parts.Add("flip");
        parts.Add(FormattableString.Invariant($"shift ({plan.ShiftX}, {plan.ShiftY})"));
        parts.AddRange(plan.Steps.Select(s => s.Op is AugmentOp.Identity or AugmentOp.AutoContrast or AugmentOp.Equalize
            ? EnumNames.Of(s.Op) : FormattableString.Invariant($"{EnumNames.Of(s.Op)} {s.Value:0.##}")));
        if (plan.CutoutSide > 0) parts.Add($"cutout {plan.CutoutSide} px");
        return string.Join("; ", parts);
    }

    /// <summary>Pool images as tiles, <paramref name="columns"/> per row, row by row (for the confidently-wrong examples).</summary>
    public static double[,] Tiles(ImageDataset pool, IReadOnlyList<int> indices, int columns = 4)
    {
        int rows = Math.Max(1, (indices.Count + columns - 1) / columns);
        var tiles = new double[rows * (Side + Gap) - Gap, columns * (Side + Gap) - Gap];
        for (int i = 0; i < indices.Count; i++)
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                    tiles[i / columns * (Side + Gap) + y, i % columns * (Side + Gap) + x] = pool.Pixels[(indices[i] * Side + y) * Side + x];
        return tiles;
    }
}
