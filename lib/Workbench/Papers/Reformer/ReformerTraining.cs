using TorchSharp;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Reformer;

/// <summary>Trains the Reformer LM on the duplication task and evaluates it under full and LSH attention.</summary>
public static class ReformerTraining
{
    /// <summary>The weights file written into a training run's folder.</summary>
    public const string WeightsFile = "final.weights";

    /// <summary>Seed of the test sequences (the same for every run, so accuracies compare).</summary>
    public const int TestSeed = 20_200_426;

    /// <summary>
    /// Builds the model of a run (weights seeded by the run's seed, drawn on the CPU) and moves it to
    /// <paramref name="device"/> (default <see cref="TorchSetup.Device"/>).
    /// </summary>
    public static ReformerLM Build(ReformerTrainRun run, Device? device = null)
    {
        var model = TorchRandom.Build(run.Seed, "init", () => new ReformerLM(run.Vocabulary, run.Length, run.ModelDim, run.Heads,
            run.Layers, run.FeedForward, run.FeedForwardChunks, run.Buckets, run.Dropout, run.Mode, Seeds.Derive(run.Seed, "rotations")));
        device ??= TorchSetup.Device;
        if (device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>The test set of a run: inputs and targets [TestSequences, L].</summary>
    public static (Tensor Inputs, Tensor Targets) TestSet(ReformerTrainRun run) =>
        DuplicationTask.Batch(DuplicationTask.Sequences(run.TestSequences, run.Length, run.Vocabulary, TestSeed));

    /// <summary>One training run: Adam on cross-entropy over the second copy of w; weights saved; then every evaluation.</summary>
    public static ReformerTrainResult Train(ReformerTrainRun run, RunContext ctx, int checkpointEvery)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var (inputs, targets) = DuplicationTask.Batch(
            DuplicationTask.Sequences(run.TrainSequences, run.Length, run.Vocabulary, Seeds.Derive(run.Seed, "train")));
        var (testInputs, testTargets) = TestSet(run);
        using var model = Build(run);
        using var optimizer = new Adam(model.parameters(), run.LearningRate);
        double lastLoss = double.NaN;
        var training = new SupervisedTraining<NoState>
        {
            Model = model, Optimizer = optimizer, Inputs = inputs, Targets = targets, Steps = run.Steps, BatchSize = run.BatchSize,
            Seed = run.Seed, LogLossEvery = Math.Max(1, run.Steps / 40), EvaluateEvery = Math.Max(1, run.Steps / 4),
            CheckpointEvery = checkpointEvery,
            Loss = (logits, t) => nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), OnDevice(t, logits).reshape(-1),
                ignore_index: DuplicationTask.Ignore),
            Evaluate = (done, state) =>
            {
                double accuracy = Accuracy(model, testInputs, testTargets, run.Mode, evaluationSeed: 0);
                ctx.Log(done, "test_accuracy", accuracy);
                return (state, $"{run.Mode}: test {accuracy:P1}");
            },
        };
        training.Run(ctx, new NoState());
        lastLoss = Evaluate(model, testInputs, testTargets, run.Mode, 0).Loss;
        WeightFile.Write(Path.Combine(ctx.Directory, WeightsFile), TorchSetup.ExportParameters(model));
        var evaluations = new List<ReformerEvaluation>();
        if (run.Attention == AttentionKind.SeparateQkFull)
            evaluations.Add(new ReformerEvaluation(run.Mode.ToString(), 0, Accuracy(model, testInputs, testTargets, run.Mode, 0)));
        else
        {
            evaluations.Add(new ReformerEvaluation("full", 0,
                Accuracy(model, testInputs, testTargets, new AttentionMode(AttentionKind.SharedQkFull), 0)));
            foreach (int rounds in run.EvalRounds)
            {
                var mode = new AttentionMode(AttentionKind.Lsh, rounds);
                evaluations.Add(new ReformerEvaluation(mode.ToString(), rounds, Accuracy(model, testInputs, testTargets, mode, 0)));
            }
        }
        return new ReformerTrainResult(lastLoss, evaluations, watch.Elapsed.TotalSeconds,
            Kernels.Attention.LshAttention.PaddingNote(run.Length, run.Buckets));
    }

    /// <summary>
    /// Share of scored tokens (the second copy of w) predicted exactly under <paramref name="mode"/>, in evaluation
    /// mode (no dropout; rotations seeded by <paramref name="evaluationSeed"/> and the batch). The model's mode and
    /// training flag are restored afterwards.
    /// </summary>
    public static double Accuracy(ReformerLM model, Tensor inputs, Tensor targets, AttentionMode mode, long evaluationSeed) =>
        Evaluate(model, inputs, targets, mode, evaluationSeed).Accuracy;

    /// <summary>Accuracy (as <see cref="Accuracy"/>) and mean cross-entropy over the scored tokens, nats.</summary>
    public static (double Accuracy, double Loss) Evaluate(ReformerLM model, Tensor inputs, Tensor targets, AttentionMode mode,
        long evaluationSeed, int batch = 32)
    {
        var (previousMode, wasTraining) = (model.Mode, model.training);
        model.Mode = mode;
        model.eval();
        long correct = 0, total = 0;
        double lossSum = 0;
        try
        {
            using var noGrad = no_grad();
            for (long start = 0, b = 0; start < inputs.shape[0]; start += batch, b++)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(batch, inputs.shape[0] - start);
                model.EvaluationSeed = ReformerLM.MixSeed(evaluationSeed, b, -1);
                var logits = model.forward(inputs.narrow(0, start, count));
                var t = OnDevice(targets.narrow(0, start, count), logits);
                var scored = t.ne(Scalars.Of(DuplicationTask.Ignore));
                correct += logits.argmax(-1).eq(t).logical_and(scored).sum().cpu().item<long>();
                long scoredCount = scored.sum().cpu().item<long>();
                total += scoredCount;
                lossSum += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), t.reshape(-1),
                    ignore_index: DuplicationTask.Ignore).cpu().item<float>() * scoredCount;
            }
        }
        finally
        {
            model.Mode = previousMode;
            model.train(wasTraining);
        }
        return total == 0 ? (double.NaN, double.NaN) : ((double)correct / total, lossSum / total);
    }

    /// <summary><paramref name="t"/> on the device of <paramref name="like"/> (itself when it is there already).</summary>
    static Tensor OnDevice(Tensor t, Tensor like) =>
        t.device_type == like.device_type && t.device_index == like.device_index ? t : t.to(like.device);

    /// <summary>Loads a trained run's weights into a freshly built model on <paramref name="device"/> (default: the CPU).</summary>
    public static ReformerLM Load(ReformerTrainRun run, string directory, Device? device = null)
    {
        var model = Build(run, device ?? CPU);
        TorchSetup.ImportParameters(model, WeightFile.Read(Path.Combine(directory, WeightsFile)));
        model.eval();
        return model;
    }
}
