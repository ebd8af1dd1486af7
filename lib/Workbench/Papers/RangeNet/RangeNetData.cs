using Workbench.Data;
using Workbench.Kernels.RangeImage;

namespace Workbench.Papers.RangeNet;

/// <summary>
/// The simulated data of a run: scans from fixed scene seeds (training scenes and test scenes never overlap), their
/// projections, and the five-channel network input (range, x, y, z, remission), normalised with the training set's
/// per-channel mean and std over occupied pixels and zeroed where the mask says empty (lidar-bonnetal's parser:
/// <c>(proj − mean) / std · proj_mask</c>).
/// </summary>
public static class RangeNetData
{
    /// <summary>Classes including unlabeled 0.</summary>
    public const int Classes = 9;

    /// <summary>Input channels.</summary>
    public const int Channels = 5;

    /// <summary>The simulated sensor of a run.</summary>
    public static LidarSensor Sensor(RangeNetTrainRun run) => new(run.Beams, run.SensorColumns,
        FovUpDegrees: run.FovUp - 1.0, FovDownDegrees: run.FovDown + 0.67, UnevenBeams: run.UnevenBeams, RangeNoise: run.RangeNoise,
        DropProbability: run.RayDrop, EgoSpeed: run.EgoSpeed);

    /// <summary>Training scan i (scene seed 1,000,003 · sceneSeed + i).</summary>
    public static LidarScan TrainScan(RangeNetTrainRun run, int i) =>
        LidarSimulator.Simulate(Sensor(run), SceneSeedOf(run.SceneSeed, i, false));

    /// <summary>Test scan i (a disjoint range of scene seeds).</summary>
    public static LidarScan TestScan(RangeNetTrainRun run, int i) =>
        LidarSimulator.Simulate(Sensor(run), SceneSeedOf(run.SceneSeed, i, true));

    static int SceneSeedOf(int sceneSeed, int i, bool test) => unchecked(sceneSeed * 1_000_003 + (test ? 500_000 : 0) + i);

    /// <summary>The scan's projection under the run's projection kind, width and mask rule.</summary>
    public static RangeProjection Project(RangeNetTrainRun run, LidarScan scan, int? width = null) => run.Projection == ProjectionKind.Ring
        ? RingProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, scan.Ring, run.Beams, width ?? run.Width, run.Mask)
        : SphericalProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission,
            new RangeImageGeometry(run.Beams, width ?? run.Width, run.FovUp, run.FovDown), run.Mask);

    /// <summary>The five raw channels of a projection, [5, H·W], with its mask.</summary>
    public static (float[][] Channels, byte[] Mask) RawChannels(RangeProjection p) =>
        ([p.Range, p.X, p.Y, p.Z, p.Remission], p.Mask());

    /// <summary>Per-channel mean and std over the masked pixels of the given projections.</summary>
    public static (float[] Mean, float[] Std) Statistics(IEnumerable<RangeProjection> projections)
    {
        var sum = new double[Channels];
        var squares = new double[Channels];
        long count = 0;
        foreach (var p in projections)
        {
            var (channels, mask) = RawChannels(p);
            for (int q = 0; q < mask.Length; q++)
            {
                if (mask[q] == 0) continue;
                count++;
                for (int c = 0; c < Channels; c++) { sum[c] += channels[c][q]; squares[c] += channels[c][q] * (double)channels[c][q]; }
            }
        }
        count = Math.Max(count, 1);
        var mean = sum.Select(s => (float)(s / count)).ToArray();
        var std = squares.Select((s, c) => (float)Math.Sqrt(Math.Max(s / count - mean[c] * (double)mean[c], 1e-6))).ToArray();
        return (mean, std);
    }

    /// <summary>Writes the normalised, masked input of a projection into <paramref name="target"/> ([5, H, W], row-major).</summary>
    public static void Normalise(RangeProjection p, float[] mean, float[] std, Span<float> target)
    {
        var (channels, mask) = RawChannels(p);
        int pixels = mask.Length;
        for (int c = 0; c < Channels; c++)
            for (int q = 0; q < pixels; q++)
                target[c * pixels + q] = mask[q] == 0 ? 0f : (channels[c][q] - mean[c]) / std[c];
    }
}
