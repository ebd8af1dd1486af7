using Workbench.Runs;

namespace Workbench.Papers.PointRend;

/// <summary>A trained run and its evaluation.</summary>
/// <param name="Train">The training run (weights in its folder).</param>
/// <param name="Eval">Its evaluation on the test scenes.</param>
/// <param name="Seed">The seed.</param>
/// <param name="OversampleRatio">k of the run.</param>
/// <param name="ImportanceRatio">β of the run.</param>
public sealed record PointRendTrial(RunRecord<PointRendTrainResult> Train, RunRecord<PointRendEvalResult> Eval, int Seed,
    double OversampleRatio, double ImportanceRatio);

/// <summary>
/// PointRend: Image Segmentation as Rendering (Kirillov, Wu, He and Girshick, CVPR 2020), on generated scenes with
/// exact ground truth: a point head trained on uncertain points (k, β) and evaluated by adaptive subdivision, against
/// the bilinear-upsampled coarse mask and a dense head at equal output resolution; the (k, β) grid; a point-budget
/// frontier with an oracle; evaluation above the training resolution; and a semantic variant (4 classes, top-2 margin
/// uncertainty). Each training run is a cached run; its evaluation is keyed by the training run's hash.
/// </summary>
public sealed class PointRendExperiment : Experiment<PointRendConfig>
{
    /// <inheritdoc/>
    protected override PointRendConfig Smoke => new()
    {
        ImageSize = 32, TrainScenes = 64, TestScenes = 6, Steps = 40, BatchSize = 8, PointsPerStep = 96,
        ExtraSteps = 1, Seeds = 2, AblationOversample = [1, 3], AblationImportance = [0, 0.75], AblationSteps = 20, FineChannels = 16,
        HeadWidth = 32, SemanticSeeds = 1,
    };

    /// <summary>
    /// The paper preset: 128 px scenes, a wider trunk (128) and point head (256, as the paper's), 6,000 steps of 32 images,
    /// N = 28² points per step (the paper's), 3 seeds and the full (k, β) grid. Meant for a GPU, which this CPU-only
    /// TorchSharp build cannot use; measured on the 2-core CPU with a 20-step cap (2026-11-30): about 1.3 s per PointRend
    /// step and 23 s per dense-head step, on the order of 140 CPU-hours for the whole preset. Checked by a test that trains
    /// it for two steps and evaluates one scene.
    /// </summary>
    protected override PointRendConfig Paper => new()
    {
        ImageSize = 128, TrainScenes = 4_096, TestScenes = 128, Steps = 6_000, BatchSize = 32, PointsPerStep = 784,
        ExtraSteps = 3, Seeds = 3, FineChannels = 64, HeadWidth = 256, TrunkChannels = 128, AblationOversample = [1, 3, 10],
        AblationImportance = [0, 0.5, 0.75, 1],
        AblationSteps = 3_000, SemanticSeeds = 3,
    };

    /// <summary>
    /// The semantic variant's training run at a seed: the PointRend run with 4 classes (background and the three shape kinds).
    /// </summary>
    public static PointRendTrainRun SemanticRun(PointRendConfig config, int seed) =>
        PointRendTrainRun.Of(config, MaskHead.PointRend, seed) with { Classes = Data.SegmentationScene.SemanticClasses };

    /// <summary>Trains (or loads) one run and evaluates (or loads) it.</summary>
    public PointRendTrial Trial(PointRendConfig config, PointRendTrainRun run, bool frontier, int extraSteps, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        var train = store.GetOrCompute(Name, run, ctx => PointRendTraining.Train(run, ctx, config.CheckpointEvery), progress, cancellation);
        var eval = new PointRendEvalRun
        {
            Parent = train.Hash, TestScenes = config.TestScenes, SubdivisionSteps = config.SubdivisionSteps, ExtraSteps = extraSteps,
            PointsPerStep = config.PointsPerStep, Frontier = frontier, Revision = PointRendEvalRun.CurrentRevision,
        };
        var evaluated = store.GetOrCompute(Name, eval,
            ctx => PointRendTraining.Evaluate(eval, run, Path.Combine(train.Directory, PointRendTraining.WeightsFile), ctx),
            progress, cancellation);
        return new PointRendTrial(train, evaluated, run.Seed, run.OversampleRatio, run.ImportanceRatio);
    }

    /// <inheritdoc/>
    protected override ExperimentReport Execute(PointRendConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Enumerable.Range(config.Seed, config.Seeds).ToList();
        PointRendTrial Main(MaskHead head, int seed) =>
            Trial(config, PointRendTrainRun.Of(config, head, seed), frontier: head == MaskHead.PointRend, config.ExtraSteps, store,
                progress, cancellation);
        var pointRend = seeds.Select(seed => Main(MaskHead.PointRend, seed)).ToList();
        var dense = seeds.Select(seed => Main(MaskHead.Dense, seed)).ToList();
        var ablation = new List<PointRendTrial>();
        foreach (var k in config.AblationOversample)
            foreach (var beta in config.AblationImportance)
            {
                var run = PointRendTrainRun.Of(config with { OversampleRatio = k, ImportanceRatio = beta, Steps = config.AblationSteps },
                    MaskHead.PointRend, config.Seed);
                ablation.Add(Trial(config, run, false, 0, store, progress, cancellation));
            }
        // The semantic variant: the same training and subdivision with 4 classes, evaluated at the image side only.
        var semantic = Enumerable.Range(config.Seed, config.SemanticSeeds)
            .Select(seed => Trial(config, SemanticRun(config, seed), false, 0, store, progress, cancellation)).ToList();
        store.AllRunsRequested();
        return PointRendReport.Build(Name, config, pointRend, dense, ablation, semantic, watch.Elapsed);
    }
}
