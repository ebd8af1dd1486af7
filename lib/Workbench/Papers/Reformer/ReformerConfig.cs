using Workbench.Kernels.Attention;
using Workbench.Runs;

namespace Workbench.Papers.Reformer;

/// <summary>
/// Knobs of the Reformer reproduction: the duplication task (0w0w) learned by a small reversible Reformer LM with full
/// shared-QK, LSH-1 and LSH-4 attention (Table 2 in small), the recall meter, time and memory of the three attentions
/// against the sequence length, and activation memory against depth. The defaults are the reading-group preset.
/// </summary>
public sealed record ReformerConfig : RunConfig
{
    /// <summary>Sequence length L of the duplication task (0w0w: w has L/2 − 1 symbols).</summary>
    [Knob("sequence length L of the duplication task", Unit = "tokens", Min = 8, Max = 8192)]
    public int Length { get; init; } = 128;

    /// <summary>Token ids 0 … V − 1; 0 is the separator, w is drawn from 1 … V − 1.</summary>
    [Knob("vocabulary size (0 = separator)", Unit = "tokens", Min = 3, Max = 100_000)]
    public int Vocabulary { get; init; } = 64;

    /// <summary>d_model.</summary>
    [Knob("model width d_model (divisible by heads)", Unit = "units", Min = 4, Max = 4096)]
    public int ModelDim { get; init; } = 128;

    /// <summary>Attention heads.</summary>
    [Knob("attention heads", Unit = "heads", Min = 1, Max = 64)]
    public int Heads { get; init; } = 4;

    /// <summary>Reversible layers (the paper's Table 2: 1).</summary>
    [Knob("reversible layers", Unit = "layers", Min = 1, Max = 64)]
    public int Layers { get; init; } = 1;

    /// <summary>Hidden width of the feed-forward branch.</summary>
    [Knob("feed-forward hidden width", Unit = "units", Min = 4, Max = 65_536)]
    public int FeedForward { get; init; } = 256;

    /// <summary>Chunks the feed-forward branch is computed in along the sequence.</summary>
    [Knob("feed-forward chunks along the sequence", Unit = "chunks", Min = 1, Max = 1024)]
    public int FeedForwardChunks { get; init; } = 4;

    /// <summary>LSH buckets b (even); chunk length 2L / b.</summary>
    [Knob("LSH buckets b (even; chunk length 2L/b)", Unit = "buckets", Min = 2, Max = 65_536)]
    public int Buckets { get; init; } = 16;

    /// <summary>Hash rounds of the LSH-trained models (the paper: 1 and 4).</summary>
    [Knob("hash rounds of the LSH models trained", Unit = "rounds", Min = 1, Max = 16)]
    public int[] TrainRounds { get; init; } = [1, 4];

    /// <summary>Hash rounds every model is evaluated with (besides full attention).</summary>
    [Knob("hash rounds evaluated", Unit = "rounds", Min = 1, Max = 64)]
    public int[] EvalRounds { get; init; } = [1, 2, 4, 8];

    /// <summary>Train the separate-QK full-attention model too (the shared-QK ablation).</summary>
    [Knob("train the separate-QK ablation")]
    public bool SharedQkAblation { get; init; } = true;

    /// <summary>Seeds of the separate-QK ablation (fewer than the main models to fit the reading-group budget).</summary>
    [Knob("seeds of the separate-QK ablation", Unit = "seeds", Min = 1, Max = 20)]
    public int AblationSeeds { get; init; } = 1;

    /// <summary>Adam steps per training run.</summary>
    [Knob("training steps (Adam)", Unit = "steps", Min = 1, Max = 1_000_000)]
    public int Steps { get; init; } = 300;

    /// <summary>Sequences per step.</summary>
    [Knob("minibatch size", Unit = "sequences", Min = 1, Max = 4096)]
    public int BatchSize { get; init; } = 8;

    /// <summary>Adam learning rate.</summary>
    [Knob("Adam learning rate", Min = 0, MinExclusive = true, Max = 1)]
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Dropout on each branch's output (seeded, replayed by the reversible backward pass).</summary>
    [Knob("dropout on branch outputs", Min = 0, Max = 1, MaxExclusive = true)]
    public double Dropout { get; init; }

    /// <summary>Generated training sequences (fresh random w each).</summary>
    [Knob("training sequences", Unit = "sequences", Min = 1, Max = 10_000_000)]
    public int TrainSequences { get; init; } = 12_800;

    /// <summary>Generated test sequences (a different seed stream).</summary>
    [Knob("test sequences", Unit = "sequences", Min = 1, Max = 100_000)]
    public int TestSequences { get; init; } = 128;

    /// <summary>Training steps between checkpoints (0 = none).</summary>
    [Knob("training steps between checkpoints (0 = none)", Unit = "steps", Min = 0, Max = 1_000_000)]
    public int CheckpointEvery { get; init; } = 200;

    /// <summary>First seed; runs use seeds Seed … Seed + Seeds − 1.</summary>
    [Knob("first random seed", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Seeds per model.</summary>
    [Knob("seeds per model", Unit = "seeds", Min = 1, Max = 20)]
    public int Seeds { get; init; } = 2;

    /// <summary>Bucket counts of the recall meter.</summary>
    [Knob("recall meter: bucket counts", Unit = "buckets", Min = 2, Max = 65_536)]
    public int[] RecallBuckets { get; init; } = [4, 8, 16, 32];

    /// <summary>Shortest sequence of the time and memory sweep.</summary>
    [Knob("time/memory sweep: shortest L", Unit = "tokens", Min = 16, Max = 1 << 20)]
    public int SweepMinLength { get; init; } = 64;

    /// <summary>Longest sequence of the time and memory sweep (doubling from the shortest).</summary>
    [Knob("time/memory sweep: longest L", Unit = "tokens", Min = 16, Max = 1 << 22)]
    public int SweepMaxLength { get; init; } = 65_536;

    /// <summary>Head width d of the sweep (one head, one sequence).</summary>
    [Knob("time/memory sweep: head width", Unit = "units", Min = 2, Max = 1024)]
    public int SweepDim { get; init; } = 64;

    /// <summary>LSH chunk length of the sweep (buckets = 2L / chunk) and block length of chunked attention.</summary>
    [Knob("time/memory sweep: chunk length", Unit = "tokens", Min = 1, Max = 4096)]
    public int SweepChunk { get; init; } = 64;

    /// <summary>
    /// A method stops after the first length whose measurement takes longer than this (full attention only once it has
    /// reached its out-of-memory point).
    /// </summary>
    [Knob("time/memory sweep: stop a method above this time per point (full attention: after its out-of-memory point)",
        Unit = "s", Min = 0.01, Max = 3600)]
    public double SweepSecondsLimit { get; init; } = 1.0;

    /// <summary>
    /// The memory one attention call (one head, one sequence) may use: it stands for an accelerator's memory. A method's
    /// out-of-memory point is the first length whose measured peak exceeds it; the sweep runs up to that length and
    /// no further. 1 GiB lets the reading-group sweep reach full attention's point live on 2 cores (L = 8,192, about 4 s);
    /// the paper preset sets 16 GiB, one 16 GiB GPU (the paper: a 64k × 64k float matrix takes 16 GB).
    /// </summary>
    [Knob("time/memory sweep: memory budget of one attention call (stands for an accelerator's memory)", Unit = "MiB",
        Min = 1, Max = 1 << 20)]
    public int MemoryBudget { get; init; } = 1024;

    /// <summary>Depths of the activation-memory measurement.</summary>
    [Knob("memory vs depth: layer counts", Unit = "layers", Min = 1, Max = 128)]
    public int[] DepthLayers { get; init; } = [1, 2, 4, 8];

    /// <summary>Sequence length of the activation-memory measurement.</summary>
    [Knob("memory vs depth: sequence length", Unit = "tokens", Min = 16, Max = 65_536)]
    public int DepthLength { get; init; } = 2048;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (ModelDim % Heads != 0)
            throw new ConfigException($"model_dim = {ModelDim} is not divisible by heads = {Heads}: choose a width " +
                "that is a multiple of heads.");
        if (Buckets % 2 != 0)
            throw new ConfigException($"buckets = {Buckets} is odd: random-rotation hashing gives an even bucket " +
                $"count (2 × columns of R), e.g. buckets={Buckets + 1}.");
        if (Buckets > 2 * Length)
            throw new ConfigException($"buckets = {Buckets} exceeds 2L = {2 * Length}: the chunk length 2L/b must be at least 1.");
        if (TrainRounds.Length == 0 || EvalRounds.Length == 0)
            throw new ConfigException("train_rounds and eval_rounds must each list at least one hash round count, e.g. train_rounds=1,4.");
        foreach (var (name, values) in new[] { ("train_rounds", TrainRounds), ("eval_rounds", EvalRounds) })
            foreach (var r in values)
                if (r < 1 || r > 64)
                    throw new ConfigException($"{name} contains {r}: LSH attention needs between 1 and 64 hash rounds.");
        foreach (var l in DepthLayers)
            if (l < 1 || l > 128)
                throw new ConfigException($"depth_layers contains {l}: every layer count must be in [1, 128].");
        foreach (var b in RecallBuckets)
            if (b < 2 || b % 2 != 0 || b > 2 * Length)
                throw new ConfigException($"recall_buckets contains {b}: every bucket count must be even and at most 2L = {2 * Length}.");
        if (SweepMaxLength < SweepMinLength)
            throw new ConfigException($"sweep_max_length = {SweepMaxLength} is below sweep_min_length = " +
                $"{SweepMinLength}: it must be at least that.");
        if (BatchSize > TrainSequences)
            throw new ConfigException($"batch_size = {BatchSize} exceeds train_sequences = {TrainSequences}: it must " +
                $"be in [1, {TrainSequences}].");
    }

    /// <summary>One sentence when L needs padding for the configured buckets, null otherwise.</summary>
    public string? PaddingNote => LshAttention.PaddingNote(Length, Buckets);

    /// <summary>The training run of one attention mode and seed with this config's knobs.</summary>
    public ReformerTrainRun TrainingRun(AttentionMode mode, int seed) => new()
    {
        Attention = mode.Kind, TrainRounds = mode.Kind == AttentionKind.Lsh ? mode.Rounds : 0, Length = Length, Vocabulary = Vocabulary,
        ModelDim = ModelDim, Heads = Heads, Layers = Layers, FeedForward = FeedForward, FeedForwardChunks = FeedForwardChunks,
        Buckets = Buckets, Steps = Steps, BatchSize = BatchSize, LearningRate = LearningRate, Dropout = Dropout,
        TrainSequences = TrainSequences, TestSequences = TestSequences,
        EvalRounds = mode.Kind == AttentionKind.SeparateQkFull ? [] : EvalRounds, Seed = seed,
        Revision = ReformerTrainRun.CurrentRevision,
    };

    /// <summary>The recall meter on one trained model.</summary>
    public ReformerRecallRun RecallRun(string parent) => new()
    {
        Parent = parent, RecallBuckets = RecallBuckets, RecallRounds = EvalRounds, Sequences = Math.Min(TestSequences, 32),
        Revision = ReformerRecallRun.CurrentRevision,
    };

    /// <summary>The time and memory sweep.</summary>
    public ReformerSweepRun SweepRun() => new()
    {
        MinLength = SweepMinLength, MaxLength = SweepMaxLength, Dim = SweepDim, Chunk = SweepChunk, SecondsLimit = SweepSecondsLimit,
        MemoryBudget = MemoryBudget, Revision = ReformerSweepRun.CurrentRevision,
    };

    /// <summary>The activation memory vs depth measurement.</summary>
    public ReformerDepthRun DepthRun() => new()
    {
        Layers = DepthLayers, Length = DepthLength, ModelDim = ModelDim, Heads = Heads, FeedForward = FeedForward,
        FeedForwardChunks = FeedForwardChunks, Buckets = Math.Max(2, 2 * DepthLength / 64), Revision = ReformerDepthRun.CurrentRevision,
    };
}
