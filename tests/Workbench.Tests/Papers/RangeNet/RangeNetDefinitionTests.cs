using Workbench.Kernels.RangeImage;
using Workbench.Papers;
using Workbench.Papers.RangeNet;
using Workbench.Runs;

namespace Workbench.Tests.Papers.RangeNet;

public class RangeNetDefinitionTests
{
    static readonly RangeNetExperiment Experiment = new();

    [Theory]
    [InlineData("fov_up=-25; fov_down=3", "fov_up")]
    [InlineData("fov_up=3; fov_down=3", "fov_up")]
    [InlineData("knn_window=4", "odd")]
    [InlineData("width=0", "width = 0 is out of range")]
    [InlineData("widths=512,0", "widths")]
    [InlineData("width=130", "multiple of 4")]
    [InlineData("knn_k=30", "knn_k = 30")]
    public void Bad_knobs_are_one_sentence(string overrides, string mention)
    {
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure(Presets.Smoke, overrides));
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Matches(@"[.]$", e.Message);
    }

    [Fact]
    public void The_reading_group_preset_is_the_paper_setting_of_knn_without_wrap_and_keeps_point_zero()
    {
        var config = Experiment.Configure(Presets.ReadingGroup);
        Assert.Equal(KnnOptions.Paper, config.Knn);
        Assert.Equal(ProjectionMask.IndexAtLeastZero, config.Mask);
        Assert.Equal(ProjectionKind.Spherical, config.Projection);
        Assert.True(config.Seeds >= 2);
        Assert.Equal(512, config.Width);
        Assert.InRange(config.Beams, 32, 64);
        var paper = Experiment.Configure(Presets.Paper);
        Assert.Equal((64, 2048), (paper.Beams, paper.Width));
    }

    [Fact]
    public void Point_iou_skips_unlabeled_truth_and_counts_false_positives()
    {
        int[] truth = [1, 1, 2, 2, 0, 3];
        int[] predicted = [1, 2, 2, 2, 3, 1];
        var iou = SegmentationScores.ClassIoU(truth, predicted, 4);
        Assert.True(double.IsNaN(iou[0]));
        Assert.Equal(1.0 / 3, iou[1], 12); // tp 1, fn 1 (→2), fp 1 (3 → 1)
        Assert.Equal(2.0 / 3, iou[2], 12); // tp 2, fp 1
        Assert.Equal(0.0, iou[3], 12);     // the unlabeled point predicted 3 is not a false positive
        Assert.Equal((1.0 / 3 + 2.0 / 3 + 0) / 3, SegmentationScores.MeanIoU(truth, predicted, 4), 12);
    }

    [Fact]
    public void Class_weights_follow_lidar_bonnetal_and_ignore_unlabeled()
    {
        long[] counts = [500, 900, 100];
        var w = RangeNetTraining.Weights(counts, ClassWeighting.InverseFrequency);
        Assert.Equal(0f, w[0]);
        Assert.Equal((float)(1 / (0.9 + 0.001)), w[1], 5);
        Assert.Equal((float)(1 / (0.1 + 0.001)), w[2], 5);
        var sqrt = RangeNetTraining.Weights(counts, ClassWeighting.InverseSqrtFrequency);
        Assert.Equal((float)(1 / Math.Sqrt(0.1 + 0.001)), sqrt[2], 5);
    }

    [Fact]
    public void Normalised_input_is_zero_where_the_mask_is_empty_and_the_reference_mask_hides_point_zero()
    {
        var run = new RangeNetTrainRun { Beams = 8, SensorColumns = 128, Width = 64, Mask = ProjectionMask.IndexAboveZero };
        var scan = RangeNetData.TrainScan(run, 0);
        var p = RangeNetData.Project(run, scan);
        var (mean, std) = RangeNetData.Statistics([p]);
        var input = new float[RangeNetData.Channels * p.Height * p.Width];
        RangeNetData.Normalise(p, mean, std, input);
        int pixel0 = p.PointRow[0] * p.Width + p.PointColumn[0];
        if (p.Index[pixel0] == 0) // point 0 is visible in its pixel: the reference's mask blanks it
            for (int c = 0; c < RangeNetData.Channels; c++) Assert.Equal(0f, input[c * p.Height * p.Width + pixel0]);
        var mask = p.Mask();
        for (int q = 0; q < mask.Length; q++)
            if (mask[q] == 0) Assert.Equal(0f, input[q]);
    }
}
