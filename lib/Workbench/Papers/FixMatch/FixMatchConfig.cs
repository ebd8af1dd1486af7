using Workbench.Kernels.Augment;
using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>
/// Knobs of the FixMatch reproduction (Sohn et al., NeurIPS 2020). The defaults are the reading-group preset: a small
/// CNN, B = 32, μ = 3, FixMatch against supervised-only at 40 and 250 labels on Fashion-MNIST over three seeds, 100
/// labels on the MNIST digits, and the ablations and the "which labels?" study at a shorter budget on one seed each.
/// Paper values: τ 0.95, λu 1, μ 7, B 64, lr 0.03, Nesterov 0.9, wd 5e-4, EMA 0.999, 2^20 steps.
/// </summary>
public sealed record FixMatchConfig : RunConfig
{
    /// <summary>Labelled-example counts of the Fashion-MNIST headline.</summary>
    [Knob("labelled examples on Fashion-MNIST (each a multiple of 10)", Unit = "images", Min = 10, Max = 55_000)]
    public int[] LabelCounts { get; init; } = [40, 250];

    /// <summary>Labelled examples of the MNIST-digits run (0: skip it).</summary>
    [Knob("labelled examples on the MNIST digits (0 = skip)", Unit = "images", Min = 0, Max = 7_000)]
    public int DigitLabels { get; init; } = 100;

    /// <summary>Optimizer steps of every headline run (K).</summary>
    [Knob("optimizer steps per headline run (K)", Unit = "steps", Min = 1, Max = 2_000_000)]
    public int Steps { get; init; } = 700;

    /// <summary>Labelled batch size (paper: 64).</summary>
    [Knob("labelled batch size B", Unit = "images", Min = 1, Max = 1_024)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Unlabelled to labelled batch ratio (paper: 7).</summary>
    [Knob("unlabelled to labelled batch ratio μ", Min = 1, Max = 64)]
    public int Mu { get; init; } = 3;

    /// <summary>Confidence threshold τ (paper: 0.95).</summary>
    [Knob("confidence threshold τ for pseudo-labels", Min = 0, Max = 1)]
    public double Threshold { get; init; } = 0.95;

    /// <summary>Weight of the unlabelled loss (paper: 1).</summary>
    [Knob("unlabelled loss weight λu", Min = 0, Max = 100)]
    public double LambdaU { get; init; } = 1;

    /// <summary>
    /// Base learning rate η of η·cos(7πk/16K) (paper: 0.03 over 2^20 steps; 0.1 here, for runs of hundreds of steps).
    /// </summary>
    [Knob("base learning rate η", Min = 0, MinExclusive = true, Max = 10)]
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Nesterov momentum (paper: 0.9).</summary>
    [Knob("Nesterov momentum", Min = 0, Max = 1, MaxExclusive = true)]
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay on convolution and linear weights (paper: 5e-4).</summary>
    [Knob("weight decay on convolution and linear weights", Min = 0, Max = 1)]
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>EMA decay (paper: 0.999 over 2^20 steps; shorter runs need a shorter average).</summary>
    [Knob("EMA decay of the evaluated weights", Min = 0, Max = 1, MaxExclusive = true)]
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>The network: the small CNN (reading-group) or the Wide ResNet of the reference code (paper: WRN-28-2).</summary>
    [Knob("network: small-cnn or wide-resnet (WRN-28-2 at width 32)")]
    public NetworkKind Network { get; init; } = NetworkKind.SmallCnn;

    /// <summary>Channels of the first convolution of the small CNN, or the first-scale filters of the Wide ResNet.</summary>
    [Knob("channels of the first convolution (small CNN) or of the first scale (Wide ResNet: 32 = WRN-28-2)", Unit = "channels",
        Min = 1, Max = 256)]
    public int Width { get; init; } = 8;

    /// <summary>RandAugment's apply probability per operation (paper: 1; the most-used PyTorch port: 0.5).</summary>
    [Knob("probability each RandAugment operation is applied", Min = 0, Max = 1)]
    public double ApplyProbability { get; init; } = 1;

    /// <summary>Cutout side as a fraction of the image side (paper: 0.5).</summary>
    [Knob("Cutout side as a fraction of the image side (0 = none)", Min = 0, Max = 1)]
    public double Cutout { get; init; } = 0.5;

    /// <summary>The RandAugment pool (names of <see cref="AugmentOp"/>).</summary>
    [Knob("RandAugment operations to draw from")]
    public AugmentOp[] StrongOps { get; init; } = [.. AugmentOps.All];

    /// <summary>Sharpening temperature of the soft-pseudo-label ablation.</summary>
    [Knob("temperature of sharpened soft pseudo-labels (ablation)", Min = 0, MinExclusive = true, Max = 10)]
    public double Temperature { get; init; } = 0.5;

    /// <summary>Steps between evaluations of the EMA model.</summary>
    [Knob("steps between evaluations", Unit = "steps", Min = 1, Max = 1_000_000)]
    public int EvalEvery { get; init; } = 70;

    /// <summary>Evaluations averaged for the reported accuracy (never the best one).</summary>
    [Knob("last evaluations averaged for the reported accuracy", Unit = "evaluations", Min = 1, Max = 1_000)]
    public int LastEvaluations { get; init; } = 3;

    /// <summary>Test images per evaluation.</summary>
    [Knob("test images per evaluation", Unit = "images", Min = 10, Max = 10_000)]
    public int TestImages { get; init; } = 1_000;

    /// <summary>Validation images per evaluation.</summary>
    [Knob("validation images per evaluation", Unit = "images", Min = 10, Max = 5_000)]
    public int ValidationImages { get; init; } = 500;

    /// <summary>Unlabelled images followed by the confidently-wrong audit.</summary>
    [Knob("unlabelled images followed by the confidently-wrong audit", Unit = "images", Min = 1, Max = 7_000)]
    public int AuditImages { get; init; } = 500;

    /// <summary>Steps between checkpoints.</summary>
    [Knob("steps between checkpoints (0 = none)", Unit = "steps", Min = 0, Max = 1_000_000)]
    public int CheckpointEvery { get; init; } = 350;

    /// <summary>First seed; headline runs use seeds Seed … Seed + Seeds − 1 for both the split and the initialisation.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds per headline setting.</summary>
    [Knob("seeds per headline setting", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 3;

    /// <summary>Steps of each ablation and selection-study run (one seed each).</summary>
    [Knob("steps of each ablation run (0 = skip the ablations)", Unit = "steps", Min = 0, Max = 2_000_000)]
    public int AblationSteps { get; init; } = 300;

    /// <summary>Labelled examples of the ablations and the selection study (Fashion-MNIST).</summary>
    [Knob("labelled examples of the ablations", Unit = "images", Min = 10, Max = 55_000)]
    public int AblationLabels { get; init; } = 40;

    /// <summary>Thresholds of the τ sweep.</summary>
    [Knob("thresholds of the τ sweep", Min = 0, Max = 1)]
    public double[] AblationThresholds { get; init; } = [0, 0.5, 0.8, 0.95, 0.99];

    /// <summary>Split seeds (and initialisation seeds) of the "which labels?" study (0: skip it).</summary>
    [Knob("seeds of the which-labels study (0 = skip)", Unit = "seeds", Min = 0, Max = 20)]
    public int SelectionSeeds { get; init; } = 3;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (LabelCounts.Length == 0)
            throw new ConfigException("label_counts is empty: give at least one count, e.g. label_counts=40,250.");
        foreach (var labels in LabelCounts.Append(AblationLabels).Concat(DigitLabels > 0 ? [DigitLabels] : []))
        {
            if (labels % 10 != 0)
                throw new ConfigException(
                    $"labels = {labels} cannot be split evenly among 10 classes: it must be a positive multiple of 10.");
        }
        if (DigitLabels > 7_000)
            throw new ConfigException(
                $"digit_labels = {DigitLabels} is more than the 7,000 digits of the training pool: use at most 7000.");
        if (StrongOps.Length == 0)
            throw new ConfigException("strong_ops is empty: name at least one RandAugment operation, e.g. strong_ops=rotate,shear-x.");
    }

    /// <summary>One training run of this config (the headline's knobs; callers vary method, data, labels and seeds).</summary>
    public FixMatchRun TrainingRun(TrainingMethod method, FixMatchDataset dataset, int labels, int seed, int? steps = null,
        int? splitSeed = null, LabelSelection selection = LabelSelection.Random) => new()
        {
            Method = method, Dataset = dataset, Labels = labels, Selection = selection,
            SplitSeed = selection == LabelSelection.Random ? splitSeed ?? seed : 0, Seed = seed,
            Steps = steps ?? Steps, BatchSize = BatchSize, Mu = Mu, Threshold = Threshold, LambdaU = LambdaU, Temperature = Temperature,
            Cutout = Cutout, ApplyProbability = ApplyProbability, StrongOps = StrongOps, LearningRate = LearningRate, Momentum = Momentum,
            WeightDecay = WeightDecay, EmaDecay = EmaDecay, Network = Network, Width = Width, EvalEvery = EvalEvery,
            TestImages = TestImages,
            ValidationImages = ValidationImages, AuditImages = AuditImages, LastEvaluations = LastEvaluations,
        };
}
