namespace Workbench.Kernels.Augment;

/// <summary>
/// The 14 operations of RandAugment as FixMatch uses them (Sohn et al. 2020, Table 12; the pool
/// <c>fixmatch_augment_pool</c> of the widely used PyTorch port), on grey-scale byte images. Each operation's value is
/// drawn by <see cref="AugmentOps.ValueAt"/> from its range with a magnitude in [0, 1]; ranges are listed there.
/// </summary>
public enum AugmentOp
{
    /// <summary>The image unchanged.</summary>
    Identity,

    /// <summary>Stretches the grey levels linearly so the darkest pixel is 0 and the brightest 255.</summary>
    AutoContrast,

    /// <summary>Histogram equalisation (PIL's <c>ImageOps.equalize</c> rule).</summary>
    Equalize,

    /// <summary>Rotation about the image centre by a value in degrees, [−30, 30]; nearest pixel, black fill.</summary>
    Rotate,

    /// <summary>Inverts every pixel at or above a threshold T·256, T in [0, 1].</summary>
    Solarize,

    /// <summary>
    /// Saturation factor in [0.05, 0.95]: on a grey image the colour-less degenerate is the image itself, so it is the identity.
    /// </summary>
    Color,

    /// <summary>Keeps the top B bits of every pixel, B in {4, …, 8}.</summary>
    Posterize,

    /// <summary>Blends the image with its mean grey level by a factor in [0.05, 0.95] (PIL's <c>ImageEnhance.Contrast</c>).</summary>
    Contrast,

    /// <summary>Blends the image with black by a factor in [0.05, 0.95] (PIL's <c>ImageEnhance.Brightness</c>).</summary>
    Brightness,

    /// <summary>
    /// Blends the image with its 3 × 3 smoothed version by a factor in [0.05, 0.95] (PIL's <c>ImageEnhance.Sharpness</c>).
    /// </summary>
    Sharpness,

    /// <summary>Horizontal shear about the centre by a value in [−0.3, 0.3]; nearest pixel, black fill.</summary>
    ShearX,

    /// <summary>Vertical shear about the centre by a value in [−0.3, 0.3]; nearest pixel, black fill.</summary>
    ShearY,

    /// <summary>Horizontal shift by a fraction of the width in [−0.3, 0.3]; nearest pixel, black fill.</summary>
    TranslateX,

    /// <summary>Vertical shift by a fraction of the height in [−0.3, 0.3]; nearest pixel, black fill.</summary>
    TranslateY,
}
