using System.Globalization;
using Workbench.Kernels.RangeImage;
using Workbench.Runs;

namespace Workbench.Papers.RangeNet;

/// <summary>How points are placed into image rows.</summary>
public enum ProjectionKind
{
    /// <summary>By elevation angle between fov_up and fov_down (RangeNet++, lidar-bonnetal).</summary>
    Spherical,
    /// <summary>By the index of the laser that measured the point (one row per beam; no empty rows).</summary>
    Ring,
}

/// <summary>How the cross-entropy weighs the classes.</summary>
public enum ClassWeighting
{
    /// <summary>lidar-bonnetal: w_c = 1 / (f_c + 0.001), f_c the class's share of labelled training pixels.</summary>
    InverseFrequency,
    /// <summary>Ours (default): w_c = 1 / √(f_c + 0.001), milder, steadier for short training runs.</summary>
    InverseSqrtFrequency,
    /// <summary>Every class weighs 1.</summary>
    None,
}

/// <summary>
/// Knobs of the RangeNet++ reproduction: a simulated LiDAR (beams, azimuth resolution, noise, drop, ego-motion), the
/// range image (height = beams, width, vertical field of view), a small encoder–decoder trained on the five
/// normalised channels, and the KNN clean-up. The defaults are the reading-group preset (32 beams, 512-pixel images).
/// </summary>
public sealed record RangeNetConfig : RunConfig
{
    /// <summary>Lasers of the simulated sensor; also the range image's height.</summary>
    [Knob("lasers of the simulated sensor = image rows", Unit = "beams", Min = 4, Max = 128)]
    public int Beams { get; init; } = 32;

    /// <summary>Firings per revolution of the simulated sensor.</summary>
    [Knob("firings per revolution (azimuth resolution)", Unit = "columns", Min = 16, Max = 8192)]
    public int SensorColumns { get; init; } = 1024;

    /// <summary>Top of the range image's vertical field of view.</summary>
    [Knob("fov_up of the range image", Unit = "°", Min = -90, Max = 90)]
    public double FovUp { get; init; } = 3.0;

    /// <summary>Bottom of the range image's vertical field of view.</summary>
    [Knob("fov_down of the range image", Unit = "°", Min = -90, Max = 90)]
    public double FovDown { get; init; } = -25.0;

    /// <summary>HDL-64E-like uneven laser spacing (dense upper block).</summary>
    [Knob("uneven laser spacing like an HDL-64E")]
    public bool UnevenBeams { get; init; } = true;

    /// <summary>Standard deviation of the simulated range noise.</summary>
    [Knob("range noise (std)", Unit = "m", Min = 0, Max = 1)]
    public double RangeNoise { get; init; } = 0.02;

    /// <summary>Chance a return is lost.</summary>
    [Knob("ray drop probability", Min = 0, Max = 1, MaxExclusive = true)]
    public double RayDrop { get; init; } = 0.05;

    /// <summary>Forward speed during a sweep (skews the scan; not de-skewed).</summary>
    [Knob("ego speed during the sweep", Unit = "m/s", Min = 0, Max = 40)]
    public double EgoSpeed { get; init; } = 8.0;

    /// <summary>Rows by elevation (the paper's) or by laser index.</summary>
    [Knob("projection: spherical (paper) or ring (one row per laser)")]
    public ProjectionKind Projection { get; init; } = ProjectionKind.Spherical;

    /// <summary>proj_mask rule: ours (idx ≥ 0) or the reference's (idx &gt; 0, drops point 0).</summary>
    [Knob("proj_mask rule: IndexAtLeastZero (ours) or IndexAboveZero (lidar-bonnetal, drops point 0)")]
    public ProjectionMask Mask { get; init; } = ProjectionMask.IndexAtLeastZero;

    /// <summary>Range image width of the main runs.</summary>
    [Knob("range image width of the main runs", Unit = "pixels", Min = 8, Max = 4096)]
    public int Width { get; init; } = 512;

    /// <summary>Widths of the width sweep (each trains its own network).</summary>
    [Knob("range image widths of the width sweep", Unit = "pixels", Min = 8, Max = 4096)]
    public int[] Widths { get; init; } = [512, 256, 128];

    /// <summary>Simulated training scans.</summary>
    [Knob("simulated training scans", Unit = "scans", Min = 1, Max = 100_000)]
    public int TrainScans { get; init; } = 48;

    /// <summary>Simulated test scans (other scenes).</summary>
    [Knob("simulated test scans", Unit = "scans", Min = 1, Max = 10_000)]
    public int TestScans { get; init; } = 6;

    /// <summary>Seed of the scenes (the same for every training seed).</summary>
    [Knob("seed of the simulated scenes", Min = 0, Max = int.MaxValue)]
    public int SceneSeed { get; init; }

    /// <summary>Channels of the network's first stage (doubled at each of the two width-halving stages).</summary>
    [Knob("channels of the first stage (×2, ×4 deeper)", Unit = "channels", Min = 4, Max = 256)]
    public int Channels { get; init; } = 16;

    /// <summary>Adam steps per network.</summary>
    [Knob("Adam steps per network", Unit = "steps", Min = 1, Max = 1_000_000)]
    public int Steps { get; init; } = 120;

    /// <summary>Range images per step.</summary>
    [Knob("range images per step", Unit = "scans", Min = 1, Max = 1024)]
    public int BatchSize { get; init; } = 4;

    /// <summary>Adam learning rate.</summary>
    [Knob("Adam learning rate", Min = 0, MinExclusive = true, Max = 1)]
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Class weights of the loss.</summary>
    [Knob("class weights of the cross-entropy")]
    public ClassWeighting Weighting { get; init; } = ClassWeighting.InverseSqrtFrequency;

    /// <summary>First training seed.</summary>
    [Knob("first training seed (init and minibatch order)", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Training seeds per setting.</summary>
    [Knob("training seeds per setting (mean ± std)", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 2;

    /// <summary>KNN: voting neighbours.</summary>
    [Knob("KNN k (voting neighbours)", Min = 1, Max = 1000)]
    public int KnnK { get; init; } = 5;

    /// <summary>KNN: search window side (odd).</summary>
    [Knob("KNN search window side (odd)", Unit = "pixels", Min = 1, Max = 31)]
    public int KnnWindow { get; init; } = 5;

    /// <summary>KNN: σ of the inverse Gaussian.</summary>
    [Knob("KNN sigma of the inverse Gaussian", Unit = "pixels", Min = 0, MinExclusive = true, Max = 100)]
    public double KnnSigma { get; init; } = 1.0;

    /// <summary>KNN: range cutoff (0 = off).</summary>
    [Knob("KNN range cutoff (0 = off)", Unit = "m", Min = 0, Max = 1000)]
    public double KnnCutoff { get; init; } = 1.0;

    /// <summary>KNN: wrap the window around in azimuth (ours; the reference zero-pads).</summary>
    [Knob("KNN window wraps around in azimuth (ours; lidar-bonnetal zero-pads)")]
    public bool KnnWrap { get; init; }

    /// <summary>The KNN settings as kernel options.</summary>
    public KnnOptions Knn => new(KnnK, KnnWindow, KnnSigma, KnnCutoff, KnnWrap);

    /// <summary>The training run of one width and seed (the run cache key).</summary>
    public RangeNetTrainRun TrainRun(int width, int seed) => new()
    {
        Beams = Beams, SensorColumns = SensorColumns, FovUp = FovUp, FovDown = FovDown, UnevenBeams = UnevenBeams,
        RangeNoise = RangeNoise, RayDrop = RayDrop, EgoSpeed = EgoSpeed, Projection = Projection, Mask = Mask, Width = width,
        TrainScans = TrainScans, TestScans = TestScans, SceneSeed = SceneSeed, Channels = Channels, Steps = Steps,
        BatchSize = BatchSize, LearningRate = LearningRate, Weighting = Weighting, Seed = seed,
    };

    /// <inheritdoc/>
    public override void Validate()
    {
        if (FovUp <= FovDown)
            throw new ConfigException(Invariant($"fov_up = {FovUp}° is not above fov_down = {FovDown}°: ")
                + Invariant($"fov_up must be greater (e.g. 3 and -25)."));
        if (KnnWindow % 2 == 0)
            throw new ConfigException(Invariant($"knn_window = {KnnWindow} is even: ")
                + Invariant($"the KNN search window must be an odd number of pixels (e.g. 5)."));
        if (KnnK > KnnWindow * KnnWindow)
            throw new ConfigException(Invariant($"knn_k = {KnnK} is more than the {KnnWindow * KnnWindow} pixels of a ")
                + Invariant($"{KnnWindow} × {KnnWindow} window: it must be in [1, {KnnWindow * KnnWindow}]."));
        if (Widths.Length == 0) throw new ConfigException("widths is empty: give at least one range image width, e.g. widths=512,256.");
        foreach (int w in Widths)
            if (w is < 8 or > 4096)
                throw new ConfigException(Invariant($"widths contains {w}: every range image width must be in [8, 4096] pixels."));
        foreach (int w in Widths.Append(Width))
            if (w % 4 != 0)
                throw new ConfigException(Invariant($"width {w} is not a multiple of 4: ")
                    + Invariant($"the network halves the width twice, so use e.g. 512, 256 or 128."));
        if (BatchSize > TrainScans)
            throw new ConfigException(Invariant($"batch_size = {BatchSize} is larger than train_scans = {TrainScans}: ")
                + Invariant($"it must be in [1, {TrainScans}]."));
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
