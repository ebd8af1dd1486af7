using System.Diagnostics;
using TorchSharp;
using Workbench.Kernels.RangeImage;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.RangeNet;

/// <summary>
/// One training run (RangeNet++ steps 1–2 on the training scans): simulate and project the scans, normalise the five
/// channels, train <see cref="RangeSegNet"/> with Adam and a class-weighted cross-entropy that ignores unlabeled and
/// empty pixels, then predict every test scan's range image. The predictions are the run's cached result; steps 3–4
/// (back-projection, KNN) run outside, so KNN settings never retrain anything.
/// </summary>
public static class RangeNetTraining
{
    /// <summary>Trains one network and predicts the test scans.</summary>
    public static RangeNetTrainResult Train(RangeNetTrainRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = Stopwatch.StartNew();
        int h = run.Beams, w = run.Width, pixels = h * w, n = run.TrainScans;
        var train = Enumerable.Range(0, n).Select(i =>
        {
            var scan = RangeNetData.TrainScan(run, i);
            return (Projection: RangeNetData.Project(run, scan), scan.Label);
        }).ToList();
        var (mean, std) = RangeNetData.Statistics(train.Select(t => t.Projection));
        var inputs = new float[n * RangeNetData.Channels * pixels];
        var targets = new long[n * pixels];
        var counts = new long[RangeNetData.Classes];
        for (int i = 0; i < n; i++)
        {
            var p = train[i].Projection;
            RangeNetData.Normalise(p, mean, std, inputs.AsSpan(i * RangeNetData.Channels * pixels, RangeNetData.Channels * pixels));
            var labels = Unprojection.PixelLabels(train[i].Label, p);
            var mask = p.Mask();
            for (int q = 0; q < pixels; q++)
            {
                int label = mask[q] == 0 ? 0 : labels[q];
                targets[i * pixels + q] = label;
                counts[label]++;
            }
        }
        var classWeights = Weights(counts, run.Weighting);

        using var scope = NewDisposeScope();
        var device = TorchSetup.Device;
        var x = tensor(inputs, [n, RangeNetData.Channels, h, w]).to(device);
        var y = tensor(targets, [n, h, w]).to(device);
        var weight = tensor(classWeights).to(device);
        using var model = TorchRandom.Build(run.Seed, "init",
            () => new RangeSegNet(RangeNetData.Channels, RangeNetData.Classes, run.Channels));
        model.to(device);
        using var optimizer = new Adam(model.parameters(), run.LearningRate);
        var training = new SupervisedTraining<NoState>
        {
            Model = model, Optimizer = optimizer, Inputs = x, Targets = y, Steps = run.Steps, BatchSize = run.BatchSize, Seed = run.Seed,
            Loss = (output, target) => nn.functional.cross_entropy(output, target, weight, ignore_index: 0),
            LogLossEvery = Math.Max(1, run.Steps / 30), CheckpointEvery = Math.Max(50, run.Steps / 4),
        };
        model.train();
        training.Run(ctx, new NoState());
        double trainSeconds = watch.Elapsed.TotalSeconds;

        model.eval();
        var predictions = new byte[run.TestScans][];
        var times = new List<double>();
        var input = new float[RangeNetData.Channels * pixels];
        for (int i = 0; i < run.TestScans; i++)
        {
            var p = RangeNetData.Project(run, RangeNetData.TestScan(run, i));
            RangeNetData.Normalise(p, mean, std, input);
            var clock = Stopwatch.StartNew();
            using (no_grad())
            using (NewDisposeScope())
            {
                var logits = model.forward(tensor(input, [1, RangeNetData.Channels, h, w]).to(device));
                var argmax = logits.argmax(1).to_type(ScalarType.Byte).cpu().data<byte>().ToArray();
                times.Add(clock.Elapsed.TotalMilliseconds);
                predictions[i] = argmax;
            }
            ctx.Report(i + 1, run.TestScans, "predicting test scans");
        }
        times.Sort();
        return new RangeNetTrainResult(predictions, times[times.Count / 2], trainSeconds);
    }

    /// <summary>Class weights from pixel counts (index 0, unlabeled, is ignored by the loss and weighs 0).</summary>
    public static float[] Weights(long[] counts, ClassWeighting weighting)
    {
        double labelled = Math.Max(1, counts.Skip(1).Sum());
        return counts.Select((count, c) =>
        {
            if (c == 0) return 0f;
            double f = count / labelled;
            return (float)(weighting switch
            {
                ClassWeighting.InverseFrequency => 1 / (f + 0.001),
                ClassWeighting.InverseSqrtFrequency => 1 / Math.Sqrt(f + 0.001),
                _ => 1.0,
            });
        }).ToArray();
    }
}
