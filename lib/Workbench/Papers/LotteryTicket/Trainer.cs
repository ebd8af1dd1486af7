using TorchSharp;
using Workbench.Data;
using Workbench.Runs;
using Workbench.Torch;
using Pruning = Workbench.Kernels.Pruning.MagnitudePruning;
using static TorchSharp.torch;

namespace Workbench.Papers.LotteryTicket;

/// <summary>The fixed train / validation / test split of a dataset, as tensors (shared by every run).</summary>
internal sealed class LotteryData
{
    static readonly Dictionary<(string, int), LotteryData> Cache = new();

    public required Tensor TrainX, TrainY, ValX, ValY, TestX, TestY;
    public required int TrainCount;

    /// <summary>MNIST digits: 1,000 test, then the validation images, the rest train; Fashion-MNIST: its own test set.</summary>
    public static LotteryData Get(string dataset, int validation)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((dataset, validation), out var cached)) return cached;
            ImageDataset train, val, test;
            if (dataset == "fashion-mnist")
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
            var ((trainX, trainY), (valX, valY), (testX, testY)) = (TorchSetup.ToTensors(train), TorchSetup.ToTensors(val), TorchSetup.ToTensors(test));
            var data = new LotteryData
            {
                TrainX = trainX, TrainY = trainY, ValX = valX, ValY = valY, TestX = testX, TestY = testY, TrainCount = train.Count,
            };
            foreach (var t in new[] { trainX, trainY, valX, valY, testX, testY }) t.DetachFromDisposeScope(); // cached for the process
            Cache[(dataset, validation)] = data;
            return data;
        }
    }
}

/// <summary>
/// Trains one masked network with Adam and records validation loss, validation and test accuracy every few
/// iterations. Pruned weights stay exactly zero: their gradients are masked before each step (so Adam's moment
/// estimates there stay zero, as the run starts with fresh optimizer state) and the mask is re-applied after it.
/// </summary>
internal static class Trainer
{
    internal sealed record Checkpoint(string File, double BestValidationLoss, long BestIteration, double TestAtBest);

    /// <summary>Builds θ0 for a seed: PyTorch's default initialisation drawn from a seeded generator.</summary>
    public static PrunableNetwork Initial(string model, int seed, string purpose = "init")
    {
        TorchSetup.Initialize();
        // torch's generator is global: seeding and drawing must not interleave with another run's.
        lock (InitLock)
        {
            random.manual_seed(Seeds.Derive(seed, purpose));
            return PrunableNetwork.Create(model);
        }
    }

    /// <summary>A network whose weights do not matter (for its shapes), built without disturbing seeded runs.</summary>
    public static PrunableNetwork CreateUnseeded(string model)
    {
        lock (InitLock) return PrunableNetwork.Create(model);
    }

    /// <summary>Held while anything draws from torch's global generator (seeding, building a network).</summary>
    internal static readonly object InitLock = new();

    public static LotteryRunResult Train(LotteryRun run, PrunableNetwork net, float[][] masks, RunContext ctx, int checkpointEvery)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // The intra-op thread count is per OS thread (OpenMP); runs trained side by side each set it for themselves,
        // so every run sees the same arithmetic whatever the schedule.
        torch.set_num_threads(TorchSetup.Threads);
        var data = LotteryData.Get(run.Dataset, run.ValidationImages);
        var layers = net.Layers;
        bool dense = masks.All(m => Array.TrueForAll(m, v => v != 0f));
        var maskTensors = layers.Select((l, i) => tensor(masks[i]).reshape(l.Weight.shape)).ToArray();
        ApplyMasks(layers, maskTensors);

        var optimizer = optim.Adam(net.parameters(), run.LearningRate);
        long start = 0;
        double bestLoss = double.PositiveInfinity, testAtBest = 0;
        long bestIteration = 0;
        if (ctx.TryResume<Checkpoint>(out var resumedAt, out var checkpoint) && File.Exists(Path.Combine(ctx.Directory, checkpoint.File)))
        {
            using var reader = new BinaryReader(File.OpenRead(Path.Combine(ctx.Directory, checkpoint.File)));
            net.load(reader);
            optimizer.load_state_dict(reader);
            (start, bestLoss, bestIteration, testAtBest) = (resumedAt, checkpoint.BestValidationLoss, checkpoint.BestIteration, checkpoint.TestAtBest);
        }

        var schedule = new MinibatchSchedule(data.TrainCount, run.BatchSize, run.Seed);
        for (long it = start; it < run.Iterations; it++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var index = tensor(schedule.Batch(it));
                var loss = nn.functional.cross_entropy(net.forward(data.TrainX.index_select(0, index)), data.TrainY.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                if (!dense) MaskGradients(layers, maskTensors);
                optimizer.step();
                if (!dense) ApplyMasks(layers, maskTensors);
            }

            long done = it + 1;
            if (run.Arm == "dense" && run.RewindIteration > 0 && done == run.RewindIteration)
                FloatArrays.Write(Path.Combine(ctx.Directory, "rewind.weights"), TorchSetup.ExportParameters(net));
            if (done % run.EvalEvery == 0 || done == run.Iterations)
            {
                var (valLoss, valAccuracy) = Evaluate(net, data.ValX, data.ValY);
                var (_, testAccuracy) = Evaluate(net, data.TestX, data.TestY);
                ctx.Log(done, "validation_loss", valLoss);
                ctx.Log(done, "validation_accuracy", valAccuracy);
                ctx.Log(done, "test_accuracy", testAccuracy);
                if (valLoss < bestLoss) (bestLoss, bestIteration, testAtBest) = (valLoss, done, testAccuracy);
                ctx.Report(done, run.Iterations, $"{run.Arm} r{run.Round} s{run.Seed} test {testAccuracy:P1}");
            }
            if (done % checkpointEvery == 0 && done < run.Iterations) SaveCheckpoint(ctx, net, optimizer, done, new Checkpoint("", bestLoss, bestIteration, testAtBest));
        }

        var (_, finalTest) = Evaluate(net, data.TestX, data.TestY);
        FloatArrays.Write(Path.Combine(ctx.Directory, "final.weights"), layers.Select(l => l.Weight.detach().data<float>().ToArray()).ToArray());
        FloatArrays.Write(Path.Combine(ctx.Directory, "mask.weights"), masks);
        foreach (var old in Directory.EnumerateFiles(ctx.Directory, "ckpt-*.bin")) File.Delete(old);
        foreach (var t in maskTensors) t.Dispose();
        return new LotteryRunResult(Pruning.Remaining(masks), Pruning.RemainingPerLayer(masks), bestIteration, testAtBest, bestLoss, finalTest, watch.Elapsed.TotalSeconds);
    }

    static void SaveCheckpoint(RunContext ctx, PrunableNetwork net, TorchSharp.Modules.OptimizerHelper optimizer, long iteration, Checkpoint state)
    {
        // Model and optimizer go to a file named by iteration, written before the checkpoint record that points to it,
        // so a kill at any moment leaves a consistent pair.
        string file = $"ckpt-{iteration}.bin";
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                net.save(writer);
                optimizer.save_state_dict(writer);
            }
            AtomicFile.WriteAllBytes(Path.Combine(ctx.Directory, file), buffer.ToArray());
        }
        ctx.Checkpoint(iteration, state with { File = file });
        foreach (var old in Directory.EnumerateFiles(ctx.Directory, "ckpt-*.bin").Where(f => Path.GetFileName(f) != file)) File.Delete(old);
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

    static (double Loss, double Accuracy) Evaluate(PrunableNetwork net, Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = net.forward(x);
        return (nn.functional.cross_entropy(logits, y).item<float>(), logits.argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>());
    }
}
