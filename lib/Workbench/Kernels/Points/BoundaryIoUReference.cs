namespace Workbench.Kernels.Points;

/// <summary>
/// The plain reference of <see cref="BoundaryIoU"/>, step by step as boundary-iou-api's mask_to_boundary writes it:
/// pad by one background pixel, erode d times with a 3 × 3 kernel (a pixel stays only if its whole 3 × 3
/// neighbourhood in the padded image is foreground; beyond the padded image counts as foreground, as OpenCV's erode
/// border does, so only the padding erodes the edge), crop, and subtract the erosion from the mask.
/// </summary>
public static class BoundaryIoUReference
{
    /// <summary>The boundary band of an H × W mask.</summary>
    public static bool[] Band(bool[] mask, int height, int width, double dilationRatio = BoundaryIoU.DefaultDilationRatio)
    {
        BoundaryIoU.CheckSize(mask.Length, height, width, "mask");
        int d = BoundaryIoU.Dilation(height, width, dilationRatio);
        int ph = height + 2, pw = width + 2;
        var padded = new bool[ph, pw];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++) padded[i + 1, j + 1] = mask[i * width + j];
        for (int iteration = 0; iteration < d; iteration++)
        {
            var eroded = new bool[ph, pw];
            for (int i = 0; i < ph; i++)
                for (int j = 0; j < pw; j++)
                {
                    bool all = true;
                    for (int di = -1; di <= 1 && all; di++)
                        for (int dj = -1; dj <= 1 && all; dj++)
                        {
                            int y = i + di, x = j + dj;
                            bool inside = y >= 0 && y < ph && x >= 0 && x < pw;
                            if (inside && !padded[y, x]) all = false;
                        }
                    eroded[i, j] = all;
                }
            padded = eroded;
        }
        var band = new bool[mask.Length];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++) band[i * width + j] = mask[i * width + j] && !padded[i + 1, j + 1];
        return band;
    }

    /// <summary>Boundary IoU: |G_band ∩ P_band| / |G_band ∪ P_band|.</summary>
    public static double Compute(bool[] groundTruth, bool[] prediction, int height, int width,
        double dilationRatio = BoundaryIoU.DefaultDilationRatio)
    {
        BoundaryIoU.CheckPair(groundTruth, prediction, height, width);
        return BoundaryIoU.Iou(Band(groundTruth, height, width, dilationRatio), Band(prediction, height, width, dilationRatio));
    }
}
