namespace Workbench.Kernels.Augment;

/// <summary>
/// Everything random about the augmentation of one image, drawn before any pixel is touched (by
/// <see cref="AugmentPolicy.Draw(Random, int, int)"/>), so the batched kernel and the per-image reference apply exactly the same
/// transformation. Order: horizontal flip, integer shift with reflect padding, the RandAugment steps in order, Cutout.
/// </summary>
/// <param name="Flip">Mirror left–right first.</param>
/// <param name="ShiftX">Horizontal shift in pixels (positive: content moves right); reflect padding fills the gap.</param>
/// <param name="ShiftY">Vertical shift in pixels (positive: content moves down).</param>
/// <param name="Steps">RandAugment operations applied in order (empty for a weak view).</param>
/// <param name="CutoutSide">Side of the Cutout square in pixels; 0 for none.</param>
/// <param name="CutoutX">Column of the square's centre (the square is clipped at the borders).</param>
/// <param name="CutoutY">Row of the square's centre.</param>
public sealed record AugmentPlan(bool Flip, int ShiftX, int ShiftY, AugmentStep[] Steps, int CutoutSide = 0, int CutoutX = 0,
    int CutoutY = 0)
{
    /// <summary>Grey level Cutout fills with (127, as the FixMatch reference code fills with (127, 127, 127)).</summary>
    public const byte CutoutFill = 127;

    /// <summary>The plan that leaves an image unchanged.</summary>
    public static AugmentPlan None { get; } = new(false, 0, 0, []);
}
