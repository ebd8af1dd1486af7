using Workbench.Runs;

namespace Workbench.Papers.PointRend;

/// <summary>
/// Knobs of the PointRend reproduction: binary (foreground vs background) segmentation of generated scenes with exact
/// ground truth, a small backbone with stride-8 coarse logits and stride-2 fine features, and a point head; plus a
/// semantic variant (background and three shape kinds, the top-2 margin as uncertainty). The defaults are the
/// reading-group preset.
/// </summary>
public sealed record PointRendConfig : RunConfig
{
    /// <summary>Side of the square input image; the coarse logits are an eighth of it (stride 8).</summary>
    [Knob("input image side (a multiple of 8)", Unit = "px", Min = 32, Max = 512)]
    public int ImageSize { get; init; } = 64;

    /// <summary>Generated training scenes.</summary>
    [Knob("training scenes", Unit = "scenes", Min = 16, Max = 100_000)]
    public int TrainScenes { get; init; } = 384;

    /// <summary>Generated test scenes (a different seed stream).</summary>
    [Knob("test scenes", Unit = "scenes", Min = 1, Max = 10_000)]
    public int TestScenes { get; init; } = 32;

    /// <summary>Most shapes per scene (1 … this many, overlapping allowed).</summary>
    [Knob("most shapes per scene", Unit = "shapes", Min = 1, Max = 12)]
    public int MaxShapes { get; init; } = 4;

    /// <summary>Standard deviation of the Gaussian pixel noise (grey levels in [0, 1]).</summary>
    [Knob("image noise std", Min = 0, Max = 1)]
    public double Noise { get; init; } = 0.05;

    /// <summary>Adam steps per training run.</summary>
    [Knob("training steps (Adam)", Unit = "steps", Min = 1, Max = 1_000_000)]
    public int Steps { get; init; } = 300;

    /// <summary>Images per step.</summary>
    [Knob("minibatch size", Unit = "images", Min = 1, Max = 1024)]
    public int BatchSize { get; init; } = 8;

    /// <summary>Adam learning rate.</summary>
    [Knob("Adam learning rate", Min = 0, MinExclusive = true, Max = 1)]
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Channels of the stride-2 fine features the point head samples.</summary>
    [Knob("fine feature channels (stride 2)", Unit = "channels", Min = 4, Max = 512)]
    public int FineChannels { get; init; } = 32;

    /// <summary>Width of the stride-8 trunk of the backbone (its first layer has three quarters of it).</summary>
    [Knob("backbone trunk channels (stride 8)", Unit = "channels", Min = 8, Max = 1024)]
    public int TrunkChannels { get; init; } = 64;

    /// <summary>Width of the point head's hidden layers (the paper: 3 layers of 256).</summary>
    [Knob("point head hidden width", Unit = "units", Min = 4, Max = 1024)]
    public int HeadWidth { get; init; } = 64;

    /// <summary>N: points per training image (the paper: 14² = 196).</summary>
    [Knob("training points per image, N", Unit = "points", Min = 1, Max = 1_000_000)]
    public int TrainPoints { get; init; } = 196;

    /// <summary>k: candidates drawn per kept point (the paper: 3).</summary>
    [Knob("oversampling ratio k", Min = 1, Max = 100)]
    public double OversampleRatio { get; init; } = 3;

    /// <summary>β: share of the N points chosen by uncertainty; the rest are uniform (the paper: 0.75).</summary>
    [Knob("importance ratio β", Min = 0, Max = 1)]
    public double ImportanceRatio { get; init; } = 0.75;

    /// <summary>
    /// Subdivision steps to the image side: the coarse side × 2³ (stride 8). The resolution sweep adds
    /// <see cref="ExtraSteps"/> above it.
    /// </summary>
    public int SubdivisionSteps => 3;

    /// <summary>
    /// N per subdivision step at an output side equal to the image side; at other output sides it scales linearly with
    /// the side, as boundary length does.
    /// </summary>
    [Knob("subdivision points per step at the image side", Unit = "points", Min = 1, Max = 1_000_000)]
    public int PointsPerStep { get; init; } = 384;

    /// <summary>Extra steps beyond the image side in the resolution sweep (2: up to 4× the training resolution).</summary>
    [Knob("extra steps above the image side (rendering test)", Unit = "steps", Min = 0, Max = 4)]
    public int ExtraSteps { get; init; } = 2;

    /// <summary>Training steps between checkpoints (an interrupted run resumes from the last one; 0: none).</summary>
    [Knob("training steps between checkpoints (0 = none)", Unit = "steps", Min = 0, Max = 1_000_000)]
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>First seed; runs use seeds Seed … Seed + Seeds − 1.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds per method (mean ± std are reported over them).</summary>
    [Knob("seeds per method", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 2;

    /// <summary>
    /// Seeds of the semantic variant: PointRend runs with 4 classes (background, ellipse, star, thin arms; the
    /// uncertainty is the margin between the two best classes), trained like the main runs and evaluated at the image
    /// side (0: none).
    /// </summary>
    [Knob("semantic variant (4 classes): seeds (0 = none)", Unit = "seeds", Min = 0, Max = 20)]
    public int SemanticSeeds { get; init; } = 2;

    /// <summary>Oversampling ratios k of the ablation grid.</summary>
    [Knob("ablation: oversampling ratios k", Min = 1, Max = 100)]
    public double[] AblationOversample { get; init; } = [1, 3];

    /// <summary>Importance ratios β of the ablation grid.</summary>
    [Knob("ablation: importance ratios β", Min = 0, Max = 1)]
    public double[] AblationImportance { get; init; } = [0, 0.75, 1];

    /// <summary>Training steps of each ablation run (one seed).</summary>
    [Knob("ablation: training steps per run", Unit = "steps", Min = 1, Max = 1_000_000)]
    public int AblationSteps { get; init; } = 150;

    /// <summary>Side of the coarse logits (stride 8).</summary>
    public int CoarseSize => ImageSize / 8;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (ImageSize % 8 != 0)
            throw new ConfigException(
                $"image_size = {ImageSize} is not a multiple of 8: the coarse logits have stride 8 (e.g. 64 or 128).");
        if (BatchSize > TrainScenes)
            throw new ConfigException(
                $"batch_size = {BatchSize} is larger than train_scenes = {TrainScenes}: it must be in [1, {TrainScenes}].");
        if (AblationOversample.Length == 0 || AblationImportance.Length == 0)
            throw new ConfigException(
                "ablation_oversample and ablation_importance need at least one value each, e.g. ablation_oversample=1,3.");
        foreach (var k in AblationOversample)
            if (!(k >= 1 && k <= 100))
                throw new ConfigException($"ablation_oversample contains {k}: every oversampling ratio k must be in [1, 100].");
        foreach (var beta in AblationImportance)
            if (!(beta >= 0 && beta <= 1))
                throw new ConfigException($"ablation_importance contains {beta}: every importance ratio β must be in [0, 1].");
        if (PointsPerStep > ImageSize * ImageSize)
            throw new ConfigException($"points_per_step = {PointsPerStep} is more points than the {ImageSize} × {ImageSize} = "
                + $"{ImageSize * ImageSize} pixels of the output: it must be in [1, {ImageSize * ImageSize}].");
    }
}
