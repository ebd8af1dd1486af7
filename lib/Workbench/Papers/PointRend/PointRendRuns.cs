using Workbench.Runs;

namespace Workbench.Papers.PointRend;

/// <summary>How the mask head is trained and evaluated.</summary>
public enum MaskHead
{
    /// <summary>Point head trained on N points per image chosen with (k, β); inference by adaptive subdivision.</summary>
    PointRend,
    /// <summary>The same point head trained and evaluated on every pixel of the output grid.</summary>
    Dense,
}

/// <summary>
/// The identity of one training run in the run cache: only what changes its weights. Writes final.weights into its
/// run folder; evaluation runs name it as their parent.
/// </summary>
public sealed record PointRendTrainRun : RunConfig
{
    /// <summary>PointRend or dense.</summary>
    public MaskHead Head { get; init; } = MaskHead.PointRend;

    /// <summary>Input side, px.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Training scenes.</summary>
    public int TrainScenes { get; init; } = 384;

    /// <summary>Most shapes per scene.</summary>
    public int MaxShapes { get; init; } = 4;

    /// <summary>Pixel noise std.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Fine feature channels.</summary>
    public int FineChannels { get; init; } = 32;

    /// <summary>Point head width.</summary>
    public int HeadWidth { get; init; } = 64;

    /// <summary>Width of the stride-8 trunk (default 64; non-default values enter the hash).</summary>
    public int TrunkChannels { get; init; } = 64;

    /// <summary>
    /// Logits per point: 1 for the binary (foreground) mask; <see cref="Data.SegmentationScene.SemanticClasses"/> for the
    /// semantic mask (background, ellipse, star, thin arms), whose uncertainty is the margin between the two best classes.
    /// The default 1 stays out of the hash, so binary runs keep the hashes they had before classes existed.
    /// </summary>
    public int Classes { get; init; } = 1;

    /// <summary>N training points per image (PointRend only).</summary>
    public int TrainPoints { get; init; } = 196;

    /// <summary>k (PointRend only).</summary>
    public double OversampleRatio { get; init; } = 3;

    /// <summary>β (PointRend only).</summary>
    public double ImportanceRatio { get; init; } = 0.75;

    /// <summary>Seed of the data, the initialisation and the point draws.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Revision of the training code's numbers; set explicitly by <see cref="Of"/> (non-default values enter the hash) and
    /// raised when training changes its numbers, so runs cached by older code are retrained rather than served.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (2: points drawn from a generator seeded per step, for exact resume).</summary>
    public const int CurrentRevision = 2;

    /// <summary>The training run of a head at a seed with the config's knobs.</summary>
    public static PointRendTrainRun Of(PointRendConfig c, MaskHead head, int seed) => new()
    {
        Head = head, ImageSize = c.ImageSize, TrainScenes = c.TrainScenes, MaxShapes = c.MaxShapes, Noise = c.Noise, Steps = c.Steps,
        BatchSize = c.BatchSize, LearningRate = c.LearningRate, FineChannels = c.FineChannels, HeadWidth = c.HeadWidth, Seed = seed,
        TrunkChannels = c.TrunkChannels, Revision = CurrentRevision,
        // The dense head never samples points: its run does not depend on N, k or β.
        TrainPoints = head == MaskHead.PointRend ? c.TrainPoints : 0,
        OversampleRatio = head == MaskHead.PointRend ? c.OversampleRatio : 1,
        ImportanceRatio = head == MaskHead.PointRend ? c.ImportanceRatio : 0,
    };
}

/// <summary>One evaluation of a trained model (its parent run) on the test scenes at several output resolutions.</summary>
public sealed record PointRendEvalRun : RunConfig
{
    /// <summary>Hash of the training run whose final.weights are evaluated.</summary>
    public string Parent { get; init; } = "";

    /// <summary>Test scenes.</summary>
    public int TestScenes { get; init; } = 32;

    /// <summary>Subdivision steps at the image side.</summary>
    public int SubdivisionSteps { get; init; } = 3;

    /// <summary>Extra steps of the resolution sweep.</summary>
    public int ExtraSteps { get; init; } = 2;

    /// <summary>N per step at the image side.</summary>
    public int PointsPerStep { get; init; } = 384;

    /// <summary>Also evaluate the uniform-random points and the oracle at several budgets (the PointRend runs).</summary>
    public bool Frontier { get; init; }

    /// <summary>
    /// Revision of what an evaluation records; set explicitly (non-default values enter the hash) and raised when the
    /// evaluation's outputs change, so evaluations cached by older code are recomputed rather than served.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (3: semantic runs also score their foreground).</summary>
    public const int CurrentRevision = 3;
}

/// <summary>Mean metrics of one method at one output side over the test scenes.</summary>
/// <param name="Method">coarse, pointrend or dense (semantic runs add the same with
/// <see cref="PointRendTraining.ForegroundSuffix"/>: the foreground mask scored like a binary run).</param>
/// <param name="OutputSide">Output side, px.</param>
/// <param name="MaskIou">Mean mask IoU against the exact mask at that side (semantic runs: the per-image mean over the
/// foreground classes present, <see cref="Kernels.Points.BoundaryIoU.ClassMean"/>).</param>
/// <param name="BoundaryIou">Mean Boundary IoU (d = 2 % of the diagonal; semantic runs: the per-image class mean).</param>
/// <param name="PointEvaluations">Mean point-head evaluations per image.</param>
/// <param name="MillisecondsPerImage">Mean wall time per image (shared machine: a rough figure).</param>
/// <param name="Scenes">Scenes counted (a scene whose exact mask is empty at this side is left out).</param>
public sealed record MethodScore(string Method, int OutputSide, double MaskIou, double BoundaryIou, double PointEvaluations,
    double MillisecondsPerImage, int Scenes);

/// <summary>The points one subdivision step refined on the example scene.</summary>
/// <param name="Step">1-based step.</param>
/// <param name="Side">Grid side after the step's upsampling.</param>
/// <param name="Skipped">True when the N ≥ 4·H·W rule skipped it.</param>
/// <param name="Coords">Refined points, (x, y) pairs in [0, 1]².</param>
/// <param name="HitError">Share of the refined points whose upsampled prediction was wrong against the exact label.</param>
public sealed record StepPoints(int Step, int Side, bool Skipped, float[] Coords, double HitError);

/// <summary>What one evaluation run measured.</summary>
/// <param name="Scores">One row per method and output side.</param>
/// <param name="ExampleImage">The first test scene's image, row-major, image side².</param>
/// <param name="ExampleMasks">Masks of the first test scene at the image side by method (ground-truth included): 0/1 for a
/// binary run, class indices 0 … C − 1 for a semantic one.</param>
/// <param name="ExampleSteps">The points of each subdivision step on the first test scene (PointRend only).</param>
/// <param name="HitErrorByStep">Mean over test scenes of the share of refined points that hit a real error, per step.</param>
/// <param name="Frontier">Point-budget frontier at the image side (empty unless the run asked for it).</param>
/// <param name="CellErrorByStep">Mean over test scenes of the share of ALL cells wrong before refinement, per step (the
/// base rate the chosen points' share is compared with).</param>
public sealed record PointRendEvalResult(IReadOnlyList<MethodScore> Scores, float[] ExampleImage,
    IReadOnlyDictionary<string, byte[]> ExampleMasks, IReadOnlyList<StepPoints> ExampleSteps, double[] HitErrorByStep,
    IReadOnlyList<FrontierPoint> Frontier, double[] CellErrorByStep);

/// <summary>What one training run leaves besides its weights.</summary>
/// <param name="FinalLoss">Mean loss over the last 20 steps.</param>
/// <param name="TrainSeconds">Wall time of the training.</param>
/// <param name="Parameters">Trainable parameters.</param>
public sealed record PointRendTrainResult(double FinalLoss, double TrainSeconds, long Parameters);
