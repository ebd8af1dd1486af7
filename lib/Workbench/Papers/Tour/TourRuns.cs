using Workbench.Runs;

namespace Workbench.Papers.Tour;

/// <summary>
/// One training run of the tour: only the knobs that change its numbers (built by <see cref="TourConfig.TrainingRun"/>),
/// so adding seeds or sweep points reuses the runs already finished.
/// </summary>
public sealed record TourRun : RunConfig
{
    /// <summary>SGD steps.</summary>
    public int Steps { get; init; } = 600;

    /// <summary>SGD step size.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Training images used (the first N of a seeded shuffle).</summary>
    public int TrainImages { get; init; } = 20_000;

    /// <summary>Hidden units (0 = softmax regression).</summary>
    public int Hidden { get; init; }

    /// <summary>Steps between test evaluations.</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Seed of the initialisation, the subset and the minibatch order.</summary>
    public int Seed { get; init; }
}

/// <summary>Result of one training run.</summary>
/// <param name="TestAccuracy">Accuracy on the 10,000 test images, in [0, 1].</param>
/// <param name="TestLoss">Mean cross-entropy on the test images.</param>
/// <param name="TrainSeconds">Wall time of the training itself (a resumed run counts only its last part).</param>
public sealed record TourRunResult(double TestAccuracy, double TestLoss, double TrainSeconds);
