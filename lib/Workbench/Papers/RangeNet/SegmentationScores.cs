namespace Workbench.Papers.RangeNet;

/// <summary>
/// Intersection over union per class, on points (SemanticKITTI's benchmark scores points, not pixels): for class c,
/// IoU = TP / (TP + FP + FN) over the points selected; class 0 (unlabeled) is neither scored nor counted as a
/// prediction error (points whose truth is 0 are skipped). mIoU averages the classes present in truth or prediction.
/// </summary>
public static class SegmentationScores
{
    /// <summary>IoU per class 0 … classes − 1 (index 0 is NaN); NaN for a class absent from truth and prediction.</summary>
    public static double[] ClassIoU(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, int classes, Func<int, bool>? include = null)
    {
        var tp = new long[classes];
        var fp = new long[classes];
        var fn = new long[classes];
        for (int i = 0; i < truth.Length; i++)
        {
            int t = truth[i], p = prediction[i];
            if (t == 0 || (include is not null && !include(i))) continue;
            if (t == p) tp[t]++;
            else
            {
                fn[t]++;
                if (p > 0) fp[p]++;
            }
        }
        var iou = new double[classes];
        iou[0] = double.NaN;
        for (int c = 1; c < classes; c++)
        {
            long union = tp[c] + fp[c] + fn[c];
            iou[c] = union == 0 ? double.NaN : (double)tp[c] / union;
        }
        return iou;
    }

    /// <summary>Mean of the non-NaN entries (NaN when there are none).</summary>
    public static double Mean(IEnumerable<double> values)
    {
        var present = values.Where(v => !double.IsNaN(v)).ToList();
        return present.Count == 0 ? double.NaN : present.Average();
    }

    /// <summary>mIoU of the selected points.</summary>
    public static double MeanIoU(ReadOnlySpan<int> truth, ReadOnlySpan<int> prediction, int classes, Func<int, bool>? include = null) =>
        Mean(ClassIoU(truth, prediction, classes, include));
}
