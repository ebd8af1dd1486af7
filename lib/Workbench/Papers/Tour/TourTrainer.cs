using TorchSharp;
using Workbench.Data;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Tour;

/// <summary>Trains the tour's classifier with the shared supervised loop (<see cref="SupervisedTraining{TState}"/>).</summary>
public static class TourTrainer
{
    /// <summary>One training run: seeded init and data order, SGD, periodic test evaluation and checkpoints.</summary>
    public static TourRunResult Train(TourRun config, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var device = TorchSetup.Device;
        var (trainX, trainY, testX, testY) = TorchSetup.FashionMnistTensors(config.TrainImages, config.Seed, device);
        using var model = TorchRandom.Build(config.Seed, "init", () => new TourClassifier(config.Hidden)).to(device);
        using var optimizer = new SGD(model.parameters(), config.LearningRate);
        var training = new SupervisedTraining<NoState>
        {
            Model = model, Optimizer = optimizer, Inputs = trainX, Targets = trainY,
            Steps = config.Steps, BatchSize = config.BatchSize, Seed = config.Seed,
            LogLossEvery = 10, EvaluateEvery = config.EvalEvery, CheckpointEvery = config.CheckpointEvery,
            Evaluate = (done, state) =>
            {
                var (testLoss, accuracy) = SupervisedTraining<NoState>.Classify(model, testX, testY);
                ctx.Log(done, "test_accuracy", accuracy);
                ctx.Log(done, "test_loss", testLoss);
                return (state, $"test acc {accuracy:P1}");
            },
        };
        training.Run(ctx, new NoState());
        var (finalLoss, finalAccuracy) = SupervisedTraining<NoState>.Classify(model, testX, testY);
        return new TourRunResult(finalAccuracy, finalLoss, watch.Elapsed.TotalSeconds);
    }
}
