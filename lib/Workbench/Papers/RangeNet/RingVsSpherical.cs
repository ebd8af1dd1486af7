using Workbench.Data;
using Workbench.Kernels.RangeImage;
using Workbench.Runs;

namespace Workbench.Papers.RangeNet;

/// <summary>How one projection of the HDL-64E-like scans fills its image.</summary>
/// <param name="Projection">"spherical" or "ring".</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="EmptyRows">Rows with no point at all (mean over scans).</param>
/// <param name="SparseRows">Rows with fewer than 5 % of their pixels filled (mean over scans).</param>
/// <param name="VisiblePoints">Share of points shown in some pixel.</param>
/// <param name="CeilingIoU">Projection ceiling: point mIoU of ground truth projected and back.</param>
/// <param name="RangeImage">The first scan's range image, metres, 0 where empty.</param>
public sealed record RowFill(string Projection, int Height, int Width, double EmptyRows, double SparseRows, double VisiblePoints,
    double CeilingIoU, double[,] RangeImage);

/// <summary>
/// Beyond the paper (issue item 6b): a simulated HDL-64E-like sensor (64 uneven lasers, +2° … −24.33°, skewed by the
/// ego speed) projected spherically into a 64-row image with the KITTI field of view (+3° / −25°) leaves empty rows,
/// because the lower block's 0.5° spacing is coarser than the 28°/64 = 0.44° rows and the upper block's 0.33° is finer
/// (two lasers per row, one hidden); projecting by ring index gives every laser its row.
/// </summary>
public static class RingVsSpherical
{
    /// <summary>Fill statistics of both projections over two scans.</summary>
    public static List<RowFill> Measure(RangeNetConfig config, IProgress<RunProgress>? progress = null)
    {
        int columns = Math.Min(2048, 2 * config.SensorColumns);
        var sensor = LidarSensor.Hdl64Like with
        {
            Columns = columns, EgoSpeed = config.EgoSpeed, RangeNoise = config.RangeNoise, DropProbability = config.RayDrop,
        };
        var scans = Enumerable.Range(0, 2).Select(i => LidarSimulator.Simulate(sensor, 900_000 + config.SceneSeed * 7 + i)).ToList();
        progress?.Report(new RunProgress("ring vs spherical", 1, 1, "HDL-64E-like scans"));
        var geometry = new RangeImageGeometry(64, columns, config.FovUp, config.FovDown);
        return
        [
            Fill("spherical", scans, s => SphericalProjection.Project(s.X, s.Y, s.Z, s.Remission, geometry)),
            Fill("ring", scans, s => RingProjection.Project(s.X, s.Y, s.Z, s.Remission, s.Ring, 64, columns)),
        ];
    }

    static RowFill Fill(string name, List<LidarScan> scans, Func<LidarScan, RangeProjection> project)
    {
        var projections = scans.Select(project).ToList();
        var p0 = projections[0];
        double Filled(RangeProjection p, int row) =>
            Enumerable.Range(0, p.Width).Count(c => p.Index[row * p.Width + c] >= 0) / (double)p.Width;
        double empty = projections.Average(p => Enumerable.Range(0, p.Height).Count(r => Filled(p, r) == 0));
        double sparse = projections.Average(p => Enumerable.Range(0, p.Height).Count(r => Filled(p, r) < 0.05));
        double visible = projections.Sum(p => p.VisiblePoints) / (double)scans.Sum(s => s.Count);
        var truth = scans.SelectMany(s => s.Label).ToArray();
        var back = scans
            .SelectMany((s, i) => Unprojection.Labels(Unprojection.PixelLabels(s.Label, projections[i]), projections[i]))
            .ToArray();
        var image = new double[p0.Height, p0.Width];
        for (int r = 0; r < p0.Height; r++)
            for (int c = 0; c < p0.Width; c++)
                image[r, c] = Math.Max(0, p0.Range[r * p0.Width + c]);
        return new RowFill(name, p0.Height, p0.Width, empty, sparse, visible,
            SegmentationScores.MeanIoU(truth, back, RangeNetData.Classes), image);
    }
}
