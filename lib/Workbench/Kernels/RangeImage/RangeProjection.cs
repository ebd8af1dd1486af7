namespace Workbench.Kernels.RangeImage;

/// <summary>
/// A point cloud projected to a range image (lidar-bonnetal <c>LaserScan</c> after <c>do_range_projection</c>). Images
/// are row-major <c>[Height, Width]</c>; an empty pixel holds −1 in every image, as in the reference.
/// </summary>
public sealed class RangeProjection
{
    /// <summary>Creates an empty projection (every pixel −1) for <paramref name="points"/> points.</summary>
    public RangeProjection(int height, int width, int points, ProjectionMask maskRule)
    {
        Height = height;
        Width = width;
        MaskRule = maskRule;
        Range = Filled(height * width, -1f);
        X = Filled(height * width, -1f);
        Y = Filled(height * width, -1f);
        Z = Filled(height * width, -1f);
        Remission = Filled(height * width, -1f);
        Index = new int[height * width];
        Array.Fill(Index, -1);
        PointRow = new int[points];
        PointColumn = new int[points];
        PointRange = new float[points];
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>The rule <see cref="Mask"/> uses.</summary>
    public ProjectionMask MaskRule { get; }

    /// <summary><c>proj_range</c>: range of the nearest point in each pixel, metres; −1 where empty.</summary>
    public float[] Range { get; }

    /// <summary><c>proj_xyz[..., 0]</c>: x of the pixel's point, metres; −1 where empty.</summary>
    public float[] X { get; }

    /// <summary><c>proj_xyz[..., 1]</c>: y of the pixel's point; −1 where empty.</summary>
    public float[] Y { get; }

    /// <summary><c>proj_xyz[..., 2]</c>: z of the pixel's point; −1 where empty.</summary>
    public float[] Z { get; }

    /// <summary><c>proj_remission</c>: remission of the pixel's point; −1 where empty.</summary>
    public float[] Remission { get; }

    /// <summary><c>proj_idx</c>: index of the point each pixel shows (the nearest one that fell there); −1 where empty.</summary>
    public int[] Index { get; }

    /// <summary><c>proj_y</c>: the row every point (in its original order) falls into, in [0, Height − 1].</summary>
    public int[] PointRow { get; }

    /// <summary><c>proj_x</c>: the column every point falls into, in [0, Width − 1].</summary>
    public int[] PointColumn { get; }

    /// <summary><c>unproj_range</c>: every point's range √(x² + y² + z²), metres, in original order.</summary>
    public float[] PointRange { get; }

    /// <summary>
    /// <c>proj_mask</c>: 1 where the pixel holds a point under <see cref="MaskRule"/>, else 0. With
    /// <see cref="ProjectionMask.IndexAboveZero"/> (the reference) the pixel of point 0 reads 0.
    /// </summary>
    public byte[] Mask()
    {
        var mask = new byte[Index.Length];
        int threshold = MaskRule == ProjectionMask.IndexAboveZero ? 1 : 0;
        for (int i = 0; i < mask.Length; i++) mask[i] = Index[i] >= threshold ? (byte)1 : (byte)0;
        return mask;
    }

    /// <summary>Points that are shown in some pixel (each pixel shows one; the others are occluded in the image).</summary>
    public int VisiblePoints => Index.Count(i => i >= 0);

    static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}
