using Workbench.Runs;

namespace Workbench.Papers.Reformer;

/// <summary>A trained model: its mode, seed and run record (weights in the run folder).</summary>
/// <param name="Mode">Attention while training.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Train">The cached run.</param>
public sealed record ReformerTrial(AttentionMode Mode, int Seed, RunRecord<ReformerTrainResult> Train);

/// <summary>
/// Reformer: The Efficient Transformer (Kitaev, Kaiser &amp; Levskaya, ICLR 2020), in small: the duplication task learned
/// by a reversible Reformer LM trained with full shared-QK, LSH-1 and LSH-4 attention and evaluated with 1/2/4/8 rounds
/// and full attention (Table 2); the separate-QK ablation; the recall meter on the LSH-trained model; time and peak
/// memory of full, LSH and exact chunked attention against L; activation memory against depth, reversible vs
/// standard. Every part is a cached run; the recall run is keyed by its training run's hash.
/// </summary>
public sealed class ReformerExperiment : Experiment<ReformerConfig>
{
    /// <inheritdoc/>
    protected override ReformerConfig Smoke => new()
    {
        Length = 32, ModelDim = 32, Heads = 2, FeedForward = 64, FeedForwardChunks = 2, Buckets = 4, Vocabulary = 16, Steps = 60,
        BatchSize = 8, TrainSequences = 480, TestSequences = 32, CheckpointEvery = 0, RecallBuckets = [4, 8],
        SweepMinLength = 256, SweepMaxLength = 1024, SweepSecondsLimit = 0.5, MemoryBudget = 16, DepthLayers = [1, 2],
        DepthLength = 256,
    };

    /// <inheritdoc/>
    protected override ReformerConfig Paper => new()
    {
        Length = 1024, ModelDim = 256, Heads = 4, FeedForward = 512, Vocabulary = 128, Buckets = 32, Steps = 20_000, BatchSize = 16,
        LearningRate = 1e-3, TrainSequences = 320_000, TestSequences = 256, Seeds = 3, AblationSeeds = 3, CheckpointEvery = 1_000,
        RecallBuckets = [8, 16, 32, 64], SweepMaxLength = 65_536, SweepSecondsLimit = 20, MemoryBudget = 16_384,
        DepthLayers = [1, 2, 4, 8, 16], DepthLength = 8192,
    };

    /// <summary>The attention modes trained: full shared-QK, LSH with each training round count, and the separate-QK ablation.</summary>
    public static IReadOnlyList<AttentionMode> Modes(ReformerConfig config) =>
    [
        new(AttentionKind.SharedQkFull),
        .. config.TrainRounds.Distinct().Order().Select(r => new AttentionMode(AttentionKind.Lsh, r)),
        .. config.SharedQkAblation ? new[] { new AttentionMode(AttentionKind.SeparateQkFull) } : [],
    ];

    /// <summary>Trains (or loads) one model.</summary>
    public ReformerTrial Trial(ReformerConfig config, AttentionMode mode, int seed, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var run = config.TrainingRun(mode, seed);
        var record = store.GetOrCompute(Name, run, ctx => ReformerTraining.Train(run, ctx, config.CheckpointEvery), progress, cancellation);
        return new ReformerTrial(mode, seed, record);
    }

    /// <inheritdoc/>
    protected override ExperimentReport Execute(ReformerConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var trials = (from mode in Modes(config)
                      from seed in Enumerable.Range(config.Seed,
                          mode.Kind == AttentionKind.SeparateQkFull ? Math.Min(config.Seeds, config.AblationSeeds) : config.Seeds)
                      select Trial(config, mode, seed, store, progress, cancellation)).ToList();

        // The recall meter and the bucket picture on the model trained with the most rounds (first seed).
        var lshModel = trials.Where(t => t.Mode.Kind == AttentionKind.Lsh)
            .OrderByDescending(t => t.Mode.Rounds).ThenBy(t => t.Seed).First();
        var recallRun = config.RecallRun(lshModel.Train.Hash);
        var lshRun = config.TrainingRun(lshModel.Mode, lshModel.Seed);
        var recall = store.GetOrCompute(Name, recallRun,
            ctx => ReformerAnalysis.Analyze(recallRun, lshRun, lshModel.Train.Directory, ctx), progress, cancellation);

        var sweepRun = config.SweepRun();
        var sweep = store.GetOrCompute(Name, sweepRun, ctx => ReformerMeasurements.Sweep(sweepRun, ctx), progress, cancellation);
        var depthRun = config.DepthRun();
        var depth = store.GetOrCompute(Name, depthRun, ctx => ReformerMeasurements.Depth(depthRun, ctx), progress, cancellation);
        store.AllRunsRequested();
        return ReformerReport.Build(Name, config, trials, lshModel, recall, sweep, depth, watch.Elapsed);
    }
}
