using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Trains the RMI's optional neural root (the paper's stage-1 model): inputs t = x / range and
/// u = ln(1 + x) / ln(1 + range), one ReLU hidden layer, output = CDF, mean squared error, Adam, full batch.
/// Only training uses TorchSharp; the weights are copied out and evaluated in plain C# at lookup time.
/// </summary>
internal static class MlpRootTrainer
{
    public static (double[] W1, double[] B1, double[] W2, double B2) Train(double[] x, double[] cdf, double range, int hidden,
        int steps, int seed)
    {
        if (hidden < 1) throw new ArgumentOutOfRangeException(null, $"MLP root hidden units {hidden} is out of range: it must be ≥ 1.");
        TorchSetup.Initialize();
        double invRange = range > 0 ? 1 / range : 0, invLog = range > 0 ? 1 / Math.Log(1 + range) : 0;
        var features = new float[x.Length * 2];
        for (int i = 0; i < x.Length; i++)
        {
            features[2 * i] = (float)(x[i] * invRange);
            features[2 * i + 1] = (float)(Math.Log(1 + x[i]) * invLog);
        }
        using var scope = NewDisposeScope();
        var input = tensor(features).reshape(x.Length, 2);
        var target = tensor(cdf.Select(v => (float)v).ToArray()).reshape(x.Length, 1);
        var (l1, l2) = TorchRandom.BuildWithSeed(seed, () => (nn.Linear(2, hidden), nn.Linear(hidden, 1)));
        using var disposeL1 = l1;
        using var disposeL2 = l2;
        using var optimizer = new Adam(l1.parameters().Concat(l2.parameters()), 0.01);
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var loss = nn.functional.mse_loss(l2.forward(nn.functional.relu(l1.forward(input))), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        var w1 = l1.weight!.data<float>().Select(v => (double)v).ToArray(); // [hidden, 2] row-major
        var b1 = l1.bias!.data<float>().Select(v => (double)v).ToArray();
        var w2 = l2.weight!.data<float>().Select(v => (double)v).ToArray();
        double b2 = l2.bias!.data<float>()[0];
        return (w1, b1, w2, b2);
    }
}
