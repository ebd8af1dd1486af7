using System.Runtime.Intrinsics;
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

    /// <summary>
    /// <see cref="Project(RangeNetTrainRun, LidarScan, int?)"/> into a projection the caller keeps (reused for the next
    /// scan without allocating; equal, bit for bit, to the allocating overload).
    /// </summary>
    public static void Project(RangeNetTrainRun run, LidarScan scan, RangeProjection destination, int? width = null)
    {
        if (run.Projection == ProjectionKind.Ring)
            RingProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission, scan.Ring, run.Beams, width ?? run.Width, destination, run.Mask);
        else
            SphericalProjection.Project(scan.X, scan.Y, scan.Z, scan.Remission,
                new RangeImageGeometry(run.Beams, width ?? run.Width, run.FovUp, run.FovDown), destination, run.Mask);
    }

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

    /// <summary>
    /// Writes the normalised, masked input of a projection into <paramref name="target"/> ([5, H, W], row-major):
    /// <c>(value − mean) / std</c> where the mask holds a point, 0 elsewhere. Eight pixels at a time with the same
    /// single-precision operations (a true division, no reciprocal), so the values are those of the scalar loop.
    /// </summary>
    public static void Normalise(RangeProjection p, float[] mean, float[] std, Span<float> target)
    {
        float[][] channels = [p.Range, p.X, p.Y, p.Z, p.Remission];
        int[] index = p.Index;
        int pixels = index.Length, threshold = p.MaskRule == ProjectionMask.IndexAboveZero ? 1 : 0;
        for (int c = 0; c < Channels; c++)
        {
            var source = channels[c];
            var output = target.Slice(c * pixels, pixels);
            int q = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var m = Vector256.Create(mean[c]);
                var s = Vector256.Create(std[c]);
                var t = Vector256.Create(threshold);
                for (; q <= pixels - 8; q += 8)
                {
                    var shown = Vector256.GreaterThanOrEqual(Vector256.Create(index.AsSpan(q, 8)), t).AsSingle();
                    var value = (Vector256.Create(source.AsSpan(q, 8)) - m) / s;
                    (value & shown).CopyTo(output.Slice(q, 8));
                }
            }
            for (; q < pixels; q++) output[q] = index[q] < threshold ? 0f : (source[q] - mean[c]) / std[c];
        }
    }
}
