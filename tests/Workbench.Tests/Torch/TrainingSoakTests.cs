using System.Diagnostics;
using Workbench.Papers.LotteryTicket;
using Workbench.Papers.MuZero;
using Workbench.Papers.PointRend;
using Workbench.Papers.SoftSort;
using Workbench.Papers.Tour;
using Workbench.Runs;
using Workbench.Torch;
using Xunit.Abstractions;

namespace Workbench.Tests.Torch;

/// <summary>
/// Issue #9: every TorchSharp training loop of the library runs for a bounded time while another thread forces
/// garbage collections, with no native error and no TorchSharp object left to the finalizer. An object the finalizer
/// frees can be one that a native call on the training thread is still reading (TorchSharp passes raw handles), which
/// is how `Scalar.h:140 … toDouble` crashes happened.
/// </summary>
[Collection(nameof(GcSensitive))]
public sealed class TrainingSoakTests(ITestOutputHelper output)
{
    /// <summary>Seconds each model trains under GC stress (twelve models, about 4 s each).</summary>
    const double SecondsPerModel = 3;

    public static TheoryData<string> Models => [
        "tour", "lenet-300-100", "conv-2", "soft-top-k", "soft-ranking", "soft-trimmed", "soft-rank-baselines", "mlp-root",
        "rangenet", "pointrend", "pointrend-dense", "pointrend-semantic", "muzero", "muzero-connect4", "muzero-cartpole", "fixmatch",
        "fixmatch-wrn", "reformer-lsh", "reformer-full"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_under_forced_garbage_collection_leaves_nothing_to_the_finalizer(string model)
    {
        TorchSetup.Initialize();
        var dir = Directory.CreateTempSubdirectory("soak-");
        try
        {
            // Garbage of tests that ran before (OptimizerTests leaves TorchSharp's own optimizers and their Scalars to
            // the finalizer on purpose, to compare with ours) is finalized now, not inside this model's window.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var watch = new FinalizerWatch();
            long runs = 0, collections;
            var clock = Stopwatch.StartNew();
            using (var stress = new GcStress())
            {
                while (clock.Elapsed.TotalSeconds < SecondsPerModel)
                    TrainOnce(model, (int)runs++, Path.Combine(dir.FullName, runs.ToString()));
                collections = stress.Collections;
            }
            var finalized = watch.Stop();
            watch.Dispose();
            output.WriteLine($"{model}: {runs} runs in {clock.Elapsed.TotalSeconds:F1} s, {collections} forced collections, "
                + $"finalized: {FinalizerWatch.Describe(finalized)}");
            Assert.True(collections > 10, $"the GC stress thread only ran {collections} collections");
            Assert.True(finalized.Count == 0, $"{model}: TorchSharp objects reached the finalizer: {FinalizerWatch.Describe(finalized)}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    static void TrainOnce(string model, int seed, string directory)
    {
        Directory.CreateDirectory(directory);
        var context = new RunContext(directory, model, null, CancellationToken.None, []);
        switch (model)
        {
            case "muzero":
                MuZeroTraining.Train(new MuZeroConfig
                {
                    Iterations = 2, GamesPerIteration = 8, TrainStepsPerIteration = 4, BatchSize = 16, EvalEvery = 1, EvalGames = 4,
                    FinalEvalGames = 4, CheckpointEvery = 1, HiddenSize = 8, Width = 16, Seed = seed,
                }.TrainRun(seed), context);
                break;
            case "muzero-connect4" or "muzero-cartpole":
                MuZeroTraining.Train(new MuZeroConfig
                {
                    GamesPerIteration = 4, TrainStepsPerIteration = 4, BatchSize = 16, EvalEvery = 1, EvalGames = 4, FinalEvalGames = 4,
                    CheckpointEvery = 1, HiddenSize = 8, Width = 16, Seed = seed, Simulations = 4, EvalSimulations = 4,
                    ConnectFourIterations = 2, CartPoleIterations = 2, CartPoleEpisodes = 4, CartPoleTrainSteps = 4, EpisodeSteps = 30,
                    SupportSize = 5,
                }.GameRun(model == "muzero-connect4" ? GameKind.ConnectFour : GameKind.CartPole, seed), context);
                break;
            case "tour":
                TourTrainer.Train(new TourRun
                {
                    Steps = 40, TrainImages = 1_000, BatchSize = 64, EvalEvery = 20, CheckpointEvery = 20, Hidden = 32, Seed = seed,
                }, context);
                break;
            case "lenet-300-100" or "conv-2":
            {
                var network = model == "conv-2" ? LotteryModel.Conv2 : LotteryModel.LeNet300100;
                var run = new LotteryRun
                {
                    Model = network, Iterations = network == LotteryModel.Conv2 ? 2 : 40, EvalEvery = 20, ValidationImages = 200,
                    Seed = seed, Arm = LotteryArm.Ticket, Round = 1,
                };
                var net = Trainer.Initial(network, seed);
                var rng = new Random(seed);
                var masks = net.Layers
                    .Select(l => Enumerable.Range(0, (int)l.Weight.numel()).Select(_ => rng.NextDouble() < 0.5 ? 1f : 0f).ToArray())
                    .ToArray();
                Trainer.Train(run, net, masks, context, checkpointEvery: 20);
                break;
            }
            case "soft-top-k":
                Applications.TopK(new TopKRun { Method = TopKLoss.SoftTopK, Steps = 20, TrainImages = 500, Hidden = 32, Seed = seed },
                    context);
                break;
            case "soft-ranking":
                Applications.Ranking(new RankingRun { Samples = 200, Steps = 30, Seed = seed }, context);
                break;
            case "soft-trimmed":
                Applications.Trimmed(new TrimmedRun { Outliers = 0.2, Steps = 30, Seed = seed }, context);
                break;
            case "soft-rank-baselines":
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var x = TorchSharp.torch.rand(4, 50, TorchSharp.torch.ScalarType.Float64).requires_grad_();
                SoftRankBaselines.AllPairs(x, 0.1).sum().backward();
                SoftRankBaselines.Sinkhorn(x, 0.01, 10).sum().backward();
                break;
            }
            case "mlp-root":
            {
                var x = Enumerable.Range(0, 2_000).Select(i => (double)i * i).ToArray();
                var cdf = Enumerable.Range(0, 2_000).Select(i => i / 2_000.0).ToArray();
                Workbench.Kernels.LearnedIndex.MlpRootTrainer.Train(x, cdf, x[^1], hidden: 16, steps: 50, seed);
                break;
            }
            case "rangenet":
                Workbench.Papers.RangeNet.RangeNetTraining.Train(new Workbench.Papers.RangeNet.RangeNetTrainRun
                {
                    Beams = 8, SensorColumns = 128, Width = 64, TrainScans = 4, TestScans = 1, Channels = 4, Steps = 6, BatchSize = 2,
                    Seed = seed,
                }, context);
                break;
            case "pointrend" or "pointrend-dense" or "pointrend-semantic":
            {
                // Training, then the evaluation (subdivision calls the point head from the kernel) on the same weights.
                var run = new PointRendTrainRun
                {
                    Head = model == "pointrend" ? MaskHead.PointRend : MaskHead.Dense, ImageSize = 32, TrainScenes = 16, Steps = 4,
                    BatchSize = 4,
                    FineChannels = 8, HeadWidth = 16, TrainPoints = 64, Seed = seed, Classes = model == "pointrend-semantic" ? 4 : 1,
                };
                PointRendTraining.Train(run, context, checkpointEvery: 2);
                PointRendTraining.Evaluate(
                    new PointRendEvalRun { TestScenes = 2, ExtraSteps = 0, PointsPerStep = 64, Frontier = true }, run,
                    Path.Combine(directory, PointRendTraining.WeightsFile), context);
                break;
            }
            case "fixmatch" or "fixmatch-wrn":
                // The small CNN, or the paper preset's Wide ResNet (pre-activation residual blocks) at a small width.
                Workbench.Papers.FixMatch.FixMatchTraining.Train(new Workbench.Papers.FixMatch.FixMatchRun
                {
                    Labels = 20, BatchSize = 8, Mu = 2, Steps = 6, EvalEvery = 3, Width = 4, TestImages = 50, ValidationImages = 50,
                    AuditImages = 20, Seed = seed,
                    Network = model == "fixmatch-wrn" ? Workbench.Papers.FixMatch.NetworkKind.WideResNet
                        : Workbench.Papers.FixMatch.NetworkKind.SmallCnn,
                }, context, checkpointEvery: 3);
                break;
            case "reformer-lsh" or "reformer-full":
                // Reversible layers (custom autograd function, recomputation in backward), checkpoints, then evaluation.
                Workbench.Papers.Reformer.ReformerTraining.Train(new Workbench.Papers.Reformer.ReformerTrainRun
                {
                    Attention = model == "reformer-lsh" ? Workbench.Papers.Reformer.AttentionKind.Lsh
                        : Workbench.Papers.Reformer.AttentionKind.SharedQkFull,
                    TrainRounds = 2, Length = 16, Vocabulary = 8, ModelDim = 16, Heads = 2, Layers = 2, FeedForward = 16,
                    FeedForwardChunks = 2, Buckets = 4, Steps = 6, BatchSize = 4, TrainSequences = 32, TestSequences = 8, Dropout = 0.1,
                    EvalRounds = [1, 2], Seed = seed,
                }, context, checkpointEvery: 3);
                break;
            default:
                throw new ArgumentException(model);
        }
    }
}

/// <summary>Tests that count finalized objects process-wide run alone.</summary>
[CollectionDefinition(nameof(GcSensitive), DisableParallelization = true)]
public sealed class GcSensitive;
