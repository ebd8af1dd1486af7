namespace Workbench.Kernels.RangeImage;

/// <summary>
/// A point cloud projected to a range image (lidar-bonnetal <c>LaserScan</c> after <c>do_range_projection</c>). Images
/// are row-major <c>[Height, Width]</c>; an empty pixel holds −1 in every image, as in the reference. A projection can
/// be reused for the next scan (the projections' overloads that take a destination): its images are kept when the
/// size stays, and its per-point arrays keep their capacity, so a stream of scans allocates nothing once the largest
/// has been seen. Reusing a projection overwrites it.
/// </summary>
public sealed class RangeProjection
{
    float[] _pointRange;
    int[] _pointRow, _pointColumn;

    /// <summary>Creates an empty projection (every pixel −1) for <paramref name="points"/> points.</summary>
    public RangeProjection(int height, int width, int points, ProjectionMask maskRule)
    {
        Height = height;
        Width = width;
        MaskRule = maskRule;
        Points = points;
        Range = Filled(height * width, -1f);
        X = Filled(height * width, -1f);
        Y = Filled(height * width, -1f);
        Z = Filled(height * width, -1f);
        Remission = Filled(height * width, -1f);
        Index = new int[height * width];
        Array.Fill(Index, -1);
        _pointRow = new int[points];
        _pointColumn = new int[points];
        _pointRange = new float[points];
    }

    /// <summary>An empty projection to reuse as a destination (its size is set by the first projection into it).</summary>
    public RangeProjection() : this(0, 0, 0, ProjectionMask.IndexAtLeastZero)
    {
    }

    /// <summary>Rows.</summary>
    public int Height { get; private set; }

    /// <summary>Columns.</summary>
    public int Width { get; private set; }

    /// <summary>Points of the projected scan, n.</summary>
    public int Points { get; private set; }

    /// <summary>The rule <see cref="Mask"/> uses.</summary>
    public ProjectionMask MaskRule { get; private set; }

    /// <summary><c>proj_range</c>: range of the nearest point in each pixel, metres; −1 where empty.</summary>
    public float[] Range { get; private set; }

    /// <summary><c>proj_xyz[..., 0]</c>: x of the pixel's point, metres; −1 where empty.</summary>
    public float[] X { get; private set; }

    /// <summary><c>proj_xyz[..., 1]</c>: y of the pixel's point; −1 where empty.</summary>
    public float[] Y { get; private set; }

    /// <summary><c>proj_xyz[..., 2]</c>: z of the pixel's point; −1 where empty.</summary>
    public float[] Z { get; private set; }

    /// <summary><c>proj_remission</c>: remission of the pixel's point; −1 where empty.</summary>
    public float[] Remission { get; private set; }

    /// <summary><c>proj_idx</c>: index of the point each pixel shows (the nearest one that fell there); −1 where empty.</summary>
    public int[] Index { get; private set; }

    /// <summary><c>proj_y</c>: the row every point (in its original order) falls into, in [0, Height − 1]; n entries.</summary>
    public Span<int> PointRow => _pointRow.AsSpan(0, Points);

    /// <summary><c>proj_x</c>: the column every point falls into, in [0, Width − 1]; n entries.</summary>
    public Span<int> PointColumn => _pointColumn.AsSpan(0, Points);

    /// <summary><c>unproj_range</c>: every point's range √(x² + y² + z²), metres, in original order; n entries.</summary>
    public Span<float> PointRange => _pointRange.AsSpan(0, Points);

    /// <summary>The arrays behind the per-point spans (at least <see cref="Points"/> long), for parallel kernels.</summary>
    internal (float[] Range, int[] Row, int[] Column) PointArrays => (_pointRange, _pointRow, _pointColumn);

    /// <summary>
    /// Makes this an empty projection (every pixel −1) of the given size for <paramref name="points"/> points, reusing
    /// the images when the pixel count stays and the per-point arrays when they are long enough.
    /// </summary>
    internal void Reset(int height, int width, int points, ProjectionMask maskRule)
    {
        int pixels = height * width;
        if (Range.Length != pixels)
        {
            Range = new float[pixels];
            X = new float[pixels];
            Y = new float[pixels];
            Z = new float[pixels];
            Remission = new float[pixels];
            Index = new int[pixels];
        }
        Array.Fill(Range, -1f);
        Array.Fill(X, -1f);
        Array.Fill(Y, -1f);
        Array.Fill(Z, -1f);
        Array.Fill(Remission, -1f);
        Array.Fill(Index, -1);
        if (_pointRow.Length < points)
        {
            _pointRow = new int[points];
            _pointColumn = new int[points];
            _pointRange = new float[points];
        }
        Height = height;
        Width = width;
        Points = points;
        MaskRule = maskRule;
    }

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
