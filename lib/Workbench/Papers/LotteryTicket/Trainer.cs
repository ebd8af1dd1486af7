using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.Pruning;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.LotteryTicket;

/// <summary>The fixed train / validation / test split of a dataset, as tensors shared by every run (<see cref="TensorCache"/>).</summary>
internal sealed class LotteryData
{
    public required Tensor TrainX, TrainY, ValX, ValY, TestX, TestY;

    /// <summary>MNIST digits: 1,000 test, then the validation images, the rest train; Fashion-MNIST: its own test set.</summary>
    public static LotteryData Get(LotteryDataset dataset, int validation)
    {
        var device = TorchSetup.Device;
        var t = TensorCache.Get($"lottery-ticket/{EnumNames.Of(dataset)}/{validation}/{device}", () =>
        {
            ImageDataset train, val, test;
            if (dataset == LotteryDataset.FashionMnist)
            {
                (train, val) = FashionMnist.Load(train: true).Split(validation, seed: 0);
                test = FashionMnist.Load(train: false);
            }
            else
            {
                var (rest, testSplit) = MnistDigits.Load().Split(1_000, seed: 0);
                (train, val) = rest.Split(validation, seed: 1);
                test = testSplit;
            }
            var ((trainX, trainY), (valX, valY), (testX, testY)) =
                (TorchSetup.ToTensors(train, device), TorchSetup.ToTensors(val, device), TorchSetup.ToTensors(test, device));
            return [trainX, trainY, valX, valY, testX, testY];
        });
        return new LotteryData { TrainX = t[0], TrainY = t[1], ValX = t[2], ValY = t[3], TestX = t[4], TestY = t[5] };
    }
}

/// <summary>
/// Trains one masked network with Adam and records validation loss and accuracy every few iterations; the weights of
/// the lowest validation loss are kept (best.weights) and tested once at the end, beside the final weights. Pruned
/// weights stay exactly zero: their gradients are masked before each step (so Adam's moment
/// estimates there stay zero, as the run starts with fresh optimizer state) and the mask is re-applied after it.
/// </summary>
internal static class Trainer
{
    /// <summary>What the loop carries between evaluations (and across a resume).</summary>
    internal sealed record EarlyStop(double BestValidationLoss, long BestIteration);

    /// <summary>Builds θ0 for a seed: PyTorch's default initialisation drawn from a seeded generator.</summary>
    public static PrunableNetwork Initial(LotteryModel model, int seed, string purpose = "init") =>
        TorchRandom.Build(seed, purpose, () => PrunableNetwork.Create(model)).to(TorchSetup.Device);

    /// <summary>Trains <paramref name="net"/> (the run owns it and disposes it) under <paramref name="masks"/>.</summary>
    public static LotteryRunResult Train(LotteryRun run, PrunableNetwork net, float[][] masks, RunContext ctx, int checkpointEvery)
    {
        using var ownedNetwork = net;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // The intra-op thread count is per OS thread (OpenMP); runs trained side by side each set it for themselves,
        // so every run sees the same arithmetic whatever the schedule.
        torch.set_num_threads(TorchSetup.Threads);
        var data = LotteryData.Get(run.Dataset, run.ValidationImages);
        var layers = net.Layers;
        string bestWeights = Path.Combine(ctx.Directory, "best.weights");
        bool dense = masks.All(m => Array.TrueForAll(m, v => v != 0f));
        using var maskScope = NewDisposeScope();
        var maskTensors = layers.Select((l, i) => tensor(masks[i], device: l.Weight.device).reshape(l.Weight.shape)).ToArray();
        ApplyMasks(layers, maskTensors);

        using var optimizer = new Adam(net.parameters(), run.LearningRate);
        var training = new SupervisedTraining<EarlyStop>
        {
            Model = net, Optimizer = optimizer, Inputs = data.TrainX, Targets = data.TrainY,
            Steps = run.Iterations, BatchSize = run.BatchSize, Seed = run.Seed, EvaluateEvery = run.EvalEvery,
            CheckpointEvery = checkpointEvery,
            AfterBackward = dense ? null : () => MaskGradients(layers, maskTensors),
            AfterStep = dense ? null : () => ApplyMasks(layers, maskTensors),
            AfterEachStep = done =>
            {
                if (run.Arm == LotteryArm.Dense && run.RewindIteration > 0 && done == run.RewindIteration)
                    WeightFile.Write(Path.Combine(ctx.Directory, "rewind.weights"), TorchSetup.ExportParameters(net));
            },
            Evaluate = (done, best) =>
            {
                var (valLoss, valAccuracy) = SupervisedTraining<EarlyStop>.Classify(net, data.ValX, data.ValY);
                ctx.Log(done, "validation_loss", valLoss);
                ctx.Log(done, "validation_accuracy", valAccuracy);
                if (valLoss < best.BestValidationLoss)
                {
                    // Deterministic, so a resumed run rewrites the same file at the same iteration.
                    WeightFile.Write(bestWeights, TorchSetup.ExportParameters(net));
                    best = new EarlyStop(valLoss, done);
                }
                return (best, $"{EnumNames.Of(run.Arm)} r{run.Round} s{run.Seed} validation {valAccuracy:P1}");
            },
        };
        var earlyStop = training.Run(ctx, new EarlyStop(double.PositiveInfinity, 0));

        var (_, finalTest) = SupervisedTraining<EarlyStop>.Classify(net, data.TestX, data.TestY);
        var finalWeights = layers.Select(l => l.Weight.detach().cpu().data<float>().ToArray()).ToArray();
        TorchSetup.ImportParameters(net, WeightFile.Read(bestWeights));
        var (_, testAtBest) = SupervisedTraining<EarlyStop>.Classify(net, data.TestX, data.TestY);
        File.Delete(bestWeights);
        WeightFile.Write(Path.Combine(ctx.Directory, "final.weights"), finalWeights);
        WeightFile.Write(Path.Combine(ctx.Directory, "mask.weights"), masks);
        return new LotteryRunResult(MagnitudePruning.Remaining(masks), MagnitudePruning.RemainingPerLayer(masks), earlyStop.BestIteration,
            testAtBest, earlyStop.BestValidationLoss, finalTest, watch.Elapsed.TotalSeconds);
    }

    internal static void MaskGradients(IReadOnlyList<PrunableLayer> layers, Tensor[] masks)
    {
        for (int i = 0; i < layers.Count; i++) layers[i].Weight.grad?.mul_(masks[i]);
    }

    internal static void ApplyMasks(IReadOnlyList<PrunableLayer> layers, Tensor[] masks)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < layers.Count; i++) layers[i].Weight.mul_(masks[i]);
    }
}
