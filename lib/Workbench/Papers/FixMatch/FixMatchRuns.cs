using Workbench.Kernels.Augment;
using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>What a run trains with.</summary>
public enum TrainingMethod
{
    /// <summary>FixMatch: labelled cross-entropy plus confidence-masked pseudo-labels on strong views.</summary>
    FixMatch,

    /// <summary>The baseline: the same network, weak augmentation, optimizer, schedule, EMA and steps, labelled loss only.</summary>
    Supervised,
}

/// <summary>What the "strong" view of an unlabelled image is.</summary>
public enum StrongView
{
    /// <summary>FixMatch: weak view, then RandAugment, then Cutout.</summary>
    RandAugment,

    /// <summary>The weak/weak ablation: a second, independently drawn weak view.</summary>
    Weak,
}

/// <summary>
/// One training run: only what changes its numbers (built by <see cref="FixMatchConfig.TrainingRun"/>). The labelled split
/// is drawn from (<see cref="Labels"/>, <see cref="Selection"/>, <see cref="SplitSeed"/>) and stored in the run folder.
/// </summary>
public sealed record FixMatchRun : RunConfig
{
    /// <summary>FixMatch or supervised-only.</summary>
    public TrainingMethod Method { get; init; }

    /// <summary>Dataset.</summary>
    public FixMatchDataset Dataset { get; init; }

    /// <summary>Labelled examples (class-balanced).</summary>
    public int Labels { get; init; } = 40;

    /// <summary>How the labelled examples are chosen.</summary>
    public LabelSelection Selection { get; init; }

    /// <summary>Seed of the labelled split (random selection only).</summary>
    public int SplitSeed { get; init; }

    /// <summary>Seed of the initialisation, the batch order and the augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Optimizer steps (K).</summary>
    public int Steps { get; init; } = 1_000;

    /// <summary>Labelled batch size B.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Unlabelled to labelled batch ratio μ.</summary>
    public int Mu { get; init; } = 3;

    /// <summary>Confidence threshold τ.</summary>
    public double Threshold { get; init; } = 0.95;

    /// <summary>Weight of the unlabelled loss λu.</summary>
    public double LambdaU { get; init; } = 1;

    /// <summary>Hard or sharpened soft pseudo-labels.</summary>
    public PseudoLabels PseudoLabels { get; init; }

    /// <summary>Sharpening temperature (soft pseudo-labels only).</summary>
    public double Temperature { get; init; } = 0.5;

    /// <summary>RandAugment strong view or a second weak view.</summary>
    public StrongView StrongView { get; init; }

    /// <summary>Cutout side as a fraction of the image side (0: none).</summary>
    public double Cutout { get; init; } = 0.5;

    /// <summary>Probability that each RandAugment operation is applied.</summary>
    public double ApplyProbability { get; init; } = 1;

    /// <summary>The RandAugment pool.</summary>
    public AugmentOp[] StrongOps { get; init; } = [.. AugmentOps.All];

    /// <summary>Largest weak shift, fraction of the side.</summary>
    public double MaxShift { get; init; } = 0.125;

    /// <summary>Base learning rate η.</summary>
    public double LearningRate { get; init; } = 0.03;

    /// <summary>Nesterov momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay on convolution and linear weights.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>EMA decay.</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>The network (the small CNN unless the paper preset's Wide ResNet is chosen).</summary>
    public NetworkKind Network { get; init; }

    /// <summary>The network's width: channels of the small CNN's first convolution, or the WRN's first-scale filters.</summary>
    public int Width { get; init; } = 8;

    /// <summary>Steps between evaluations.</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Test images per evaluation (the first N of a fixed shuffle).</summary>
    public int TestImages { get; init; } = 1_000;

    /// <summary>Validation images per evaluation.</summary>
    public int ValidationImages { get; init; } = 500;

    /// <summary>Unlabelled images tracked by the pseudo-label audit.</summary>
    public int AuditImages { get; init; } = 500;

    /// <summary>Evaluations averaged for the reported accuracy.</summary>
    public int LastEvaluations { get; init; } = 3;
}

/// <summary>An unlabelled image that the audit saw confidently misclassified at consecutive evaluations.</summary>
/// <param name="PoolIndex">Index in the training pool.</param>
/// <param name="TrueLabel">Its true class.</param>
/// <param name="PredictedLabel">The wrong class predicted with confidence ≥ τ.</param>
/// <param name="Evaluations">Consecutive evaluations it stayed confidently wrong with that class.</param>
public sealed record ConfidentlyWrong(int PoolIndex, int TrueLabel, int PredictedLabel, int Evaluations);

/// <summary>Result of one run.</summary>
/// <param name="TestAccuracy">EMA model's test accuracy, mean over the last evaluations, in [0, 1].</param>
/// <param name="ValidationAccuracy">EMA model's validation accuracy, mean over the last evaluations.</param>
/// <param name="MaskRate">Fraction of unlabelled examples above τ over the last tenth of training (0 for supervised).</param>
/// <param name="AcceptedPrecision">Fraction of accepted pseudo-labels that were right, over the last tenth of training.</param>
/// <param name="Labelled">Pool indices of the labelled examples (the stored split).</param>
/// <param name="AcceptedConfusion">Accepted pseudo-labels over the whole run: [true class][pseudo-label] counts.</param>
/// <param name="Stuck">The audit images that stayed confidently wrong longest (most evaluations first).</param>
/// <param name="TrainSeconds">Wall time of the run (a resumed run counts only its last part).</param>
/// <param name="AugmentSeconds">Time spent in the augmentation kernel during the steps <paramref name="StepSeconds"/> counts.</param>
/// <param name="StepSeconds">Wall time of the training steps themselves (augmentation, forward, backward, update), without
/// evaluations, checkpoints and set-up, and without the first step this process ran (it compiles the kernels and warms
/// libtorch up); 0 in results cached before it was recorded.</param>
public sealed record FixMatchResult(double TestAccuracy, double ValidationAccuracy, double MaskRate, double AcceptedPrecision,
    int[] Labelled, long[][] AcceptedConfusion, ConfidentlyWrong[] Stuck, double TrainSeconds, double AugmentSeconds,
    double StepSeconds = 0);
