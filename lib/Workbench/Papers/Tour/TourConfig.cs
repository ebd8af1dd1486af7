using Workbench.Runs;

namespace Workbench.Papers.Tour;

/// <summary>
/// Knobs of the tour: a small classifier on Fashion-MNIST trained with minibatch SGD. The defaults are the
/// reading-group preset.
/// </summary>
public sealed record TourConfig : RunConfig
{
    /// <summary>SGD steps per run.</summary>
    [Knob("SGD steps per run", Unit = "steps", Min = 1, Max = 100_000)]
    public int Steps { get; init; } = 600;

    /// <summary>SGD step size.</summary>
    [Knob("SGD learning rate", Min = 0, MinExclusive = true, Max = 10)]
    public double LearningRate { get; init; } = 0.2;

    /// <summary>Images per SGD step.</summary>
    [Knob("minibatch size", Unit = "images", Min = 1, Max = 60_000)]
    public int BatchSize { get; init; } = 128;

    /// <summary>Training images used (the first N of a seeded shuffle of the 60,000).</summary>
    [Knob("training images used", Unit = "images", Min = 100, Max = 60_000)]
    public int TrainImages { get; init; } = 20_000;

    /// <summary>Hidden units of the one hidden layer; 0 gives softmax (multinomial logistic) regression.</summary>
    [Knob("hidden units (0 = softmax regression)", Unit = "units", Min = 0, Max = 4096)]
    public int Hidden { get; init; }

    /// <summary>Steps between test-set evaluations.</summary>
    [Knob("steps between test evaluations", Unit = "steps", Min = 1, Max = 100_000)]
    public int EvalEvery { get; init; } = 50;

    /// <summary>Steps between checkpoints (an interrupted run resumes from the last one).</summary>
    [Knob("steps between checkpoints", Unit = "steps", Min = 1, Max = 100_000)]
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>First seed; runs use seeds Seed … Seed + Seeds − 1.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds per setting (mean ± std are reported over them).</summary>
    [Knob("seeds per setting", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 3;

    /// <summary>Learning rates of the sweep (one seed each).</summary>
    [Knob("learning rates of the sweep", Min = 0, MinExclusive = true, Max = 10)]
    public double[] SweepRates { get; init; } = [0.02, 0.05, 0.2, 0.5, 1.0];

    /// <inheritdoc/>
    public override void Validate()
    {
        if (SweepRates.Length == 0)
            throw new ConfigException("sweep_rates is empty: give at least one learning rate, e.g. sweep_rates=0.1,0.5.");
        foreach (var rate in SweepRates)
            if (!(rate > 0 && rate <= 10))
                throw new ConfigException($"sweep_rates contains {rate}: every SGD learning rate must be in (0, 10].");
        if (BatchSize > TrainImages)
            throw new ConfigException(
                $"batch_size = {BatchSize} is larger than train_images = {TrainImages}: it must be in [1, {TrainImages}].");
    }

    /// <summary>The run of one seed and learning rate: this config's training knobs, nothing experiment-level.</summary>
    public TourRun TrainingRun(int seed, double learningRate) => new()
    {
        Steps = Steps, LearningRate = learningRate, BatchSize = BatchSize, TrainImages = TrainImages, Hidden = Hidden,
        EvalEvery = EvalEvery, CheckpointEvery = CheckpointEvery, Seed = seed,
    };
}
