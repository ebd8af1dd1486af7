namespace Workbench.Kernels.RangeImage;

/// <summary>Which pixels count as holding a point in <see cref="RangeProjection.Mask"/>.</summary>
public enum ProjectionMask
{
    /// <summary>Ours (the default): a pixel holds a point when its point index is ≥ 0.</summary>
    IndexAtLeastZero,

    /// <summary>
    /// lidar-bonnetal as shipped (<c>proj_mask = proj_idx &gt; 0</c>): the pixel that holds point 0 is marked empty, so
    /// point 0 is silently dropped from the network's input and loss. Kept to reproduce the reference exactly.
    /// </summary>
    IndexAboveZero,
}
