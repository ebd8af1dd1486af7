using Workbench.Kernels.RangeImage;
using Workbench.Runs;

namespace Workbench.Papers.RangeNet;

/// <summary>
/// The identity of one training run in the run cache: the simulated data, the projection, the image width, the
/// network and its training, and the seed. KNN settings, sweeps and seeds lists are not part of it: changing them
/// never retrains a network.
/// </summary>
public sealed record RangeNetTrainRun : RunConfig
{
    /// <summary>Lasers = image rows.</summary>
    public int Beams { get; init; } = 32;
    /// <summary>Firings per revolution.</summary>
    public int SensorColumns { get; init; } = 1024;
    /// <summary>Image fov_up, degrees.</summary>
    public double FovUp { get; init; } = 3;
    /// <summary>Image fov_down, degrees.</summary>
    public double FovDown { get; init; } = -25;
    /// <summary>HDL-64E-like uneven lasers.</summary>
    public bool UnevenBeams { get; init; } = true;
    /// <summary>Range noise, metres.</summary>
    public double RangeNoise { get; init; } = 0.02;
    /// <summary>Ray drop probability.</summary>
    public double RayDrop { get; init; } = 0.05;
    /// <summary>Ego speed, m/s.</summary>
    public double EgoSpeed { get; init; } = 8;
    /// <summary>Spherical or ring projection.</summary>
    public ProjectionKind Projection { get; init; } = ProjectionKind.Spherical;
    /// <summary>proj_mask rule.</summary>
    public ProjectionMask Mask { get; init; } = ProjectionMask.IndexAtLeastZero;
    /// <summary>Range image width.</summary>
    public int Width { get; init; } = 512;
    /// <summary>Training scans.</summary>
    public int TrainScans { get; init; } = 48;
    /// <summary>Test scans (evaluated inside the run: their pixel predictions are the run's result).</summary>
    public int TestScans { get; init; } = 6;
    /// <summary>Scene seed.</summary>
    public int SceneSeed { get; init; }
    /// <summary>First-stage channels.</summary>
    public int Channels { get; init; } = 16;
    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 120;
    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 4;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.003;
    /// <summary>Class weights.</summary>
    public ClassWeighting Weighting { get; init; } = ClassWeighting.InverseSqrtFrequency;
    /// <summary>Training seed.</summary>
    public int Seed { get; init; }
}

/// <summary>What one training run produced.</summary>
/// <param name="TestPredictions">Per test scan, the network's argmax per pixel (row-major, H × W, class ids as bytes).</param>
/// <param name="NetworkMsPerScan">Median forward time of one range image at batch 1, milliseconds.</param>
/// <param name="TrainSeconds">Wall time of the training.</param>
public sealed record RangeNetTrainResult(byte[][] TestPredictions, double NetworkMsPerScan, double TrainSeconds);

/// <summary>Point-level scores of one labelling of the test scans.</summary>
/// <param name="MeanIoU">mIoU over the classes present, on points.</param>
/// <param name="ClassIoU">IoU per class 1 … 8 (NaN where the class is absent from truth and prediction).</param>
/// <param name="BorderIoU">mIoU on border points (another label within the 3 × 3 pixels around the point's pixel).</param>
/// <param name="NearIoU">mIoU on points closer than 10 m.</param>
/// <param name="MidIoU">mIoU on points at 10–20 m.</param>
/// <param name="FarIoU">mIoU on points beyond 20 m.</param>
public sealed record PointScores(double MeanIoU, double[] ClassIoU, double BorderIoU, double NearIoU, double MidIoU, double FarIoU);
