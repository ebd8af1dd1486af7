using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.SoftSort;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.SoftSort;

/// <summary>One Fashion-MNIST training run (the cache key of <see cref="Applications.TopK"/>).</summary>
internal sealed record TopKRun : RunConfig
{
    public string Method { get; init; } = "cross-entropy";
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public int K { get; init; } = 1;
    public int Steps { get; init; } = 300;
    public int TrainImages { get; init; } = 10_000;
    public int Hidden { get; init; } = 128;
    public int Seed { get; init; }
}

/// <summary>Test metrics of a Fashion-MNIST run.</summary>
/// <param name="Top1">Top-1 test accuracy in [0, 1].</param>
/// <param name="TopK">Top-k test accuracy in [0, 1].</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record TopKResult(double Top1, double TopK, double Seconds);

/// <summary>One label-ranking run.</summary>
internal sealed record RankingRun : RunConfig
{
    public string Method { get; init; } = "soft-spearman";
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public int Samples { get; init; } = 1_000;
    public int Labels { get; init; } = 10;
    public int Steps { get; init; } = 300;
    public int Seed { get; init; }
}

/// <summary>Test metrics of a label-ranking run.</summary>
/// <param name="Spearman">Mean Spearman correlation between predicted and true rankings on the test set, in [−1, 1].</param>
/// <param name="Seconds">Training wall time.</param>
public sealed record RankingResult(double Spearman, double Seconds);

/// <summary>One robust-regression run.</summary>
internal sealed record TrimmedRun : RunConfig
{
    public string Method { get; init; } = "soft-lts";
    public SoftRegularizer Regularizer { get; init; }
    public double Epsilon { get; init; } = 1;
    public double Outliers { get; init; }
    public double Trim { get; init; } = 0.4;
    public int Steps { get; init; } = 300;
    public int Seed { get; init; }
}

/// <summary>Test metrics of a robust-regression run.</summary>
/// <param name="TestMse">Mean squared error on clean test data.</param>
/// <param name="CoefficientError">‖β̂ − β‖ / ‖β‖.</param>
public sealed record TrimmedResult(double TestMse, double CoefficientError);

/// <summary>
/// The paper's three applications at reading-group scale, each a TorchSharp training loop using the soft rank/sort
/// autograd functions: (a) a top-k classification loss on Fashion-MNIST vs cross-entropy, (b) label ranking with a
/// soft Spearman loss on generated data, (c) soft least trimmed squares with outliers vs least squares and Huber.
/// </summary>
internal static class Applications
{
    /// <summary>
    /// (a) Trains a classifier with cross-entropy or the soft top-k loss <c>mean(relu(r_y − k))</c>, where r is the
    /// descending soft rank of the logits (rank 1 = top), and reports test top-1 / top-k accuracy.
    /// </summary>
    public static TopKResult TopK(TopKRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var trainSet = FashionMnist.Load(train: true);
        var testSet = FashionMnist.Load(train: false);
        var subset = trainSet.Select(Seeds.Permutation(trainSet.Count, run.Seed, "train-subset")[..run.TrainImages]);
        using var scope = NewDisposeScope();
        var (trainX, trainY) = TorchSetup.ToTensors(subset);
        var (testX, testY) = TorchSetup.ToTensors(testSet);
        random.manual_seed(Seeds.Derive(run.Seed, "init"));
        Module<Tensor, Tensor> model = run.Hidden == 0 ? Linear(subset.ImageSize, 10)
            : Sequential(Linear(subset.ImageSize, run.Hidden), ReLU(), Linear(run.Hidden, 10));
        var optimizer = optim.Adam(model.parameters(), 1e-3);
        const int batch = 128;
        var schedule = new MinibatchSchedule(subset.Count, batch, run.Seed);
        for (int step = 0; step < run.Steps; step++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            var index = tensor(schedule.Batch(step));
            var logits = model.forward(trainX.index_select(0, index));
            var y = trainY.index_select(0, index);
            Tensor loss = run.Method == "cross-entropy"
                ? functional.cross_entropy(logits, y)
                : functional.relu(SoftSortFunctions.soft_rank(logits, run.Epsilon, SortDirection.Descending, run.Regularizer)
                    .gather(1, y.unsqueeze(1)) - run.K).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if ((step + 1) % 20 == 0) { ctx.Log(step + 1, "train_loss", loss.item<float>()); ctx.Report(step + 1, run.Steps, run.Method); }
        }
        using var noGrad = no_grad();
        var testLogits = model.forward(testX);
        double top1 = testLogits.argmax(1).eq(testY).to_type(ScalarType.Float64).mean().item<double>();
        var topk = testLogits.topk(run.K, 1).indexes;
        double topK = topk.eq(testY.unsqueeze(1)).any(1).to_type(ScalarType.Float64).mean().item<double>();
        return new TopKResult(top1, topK, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// (b) Label ranking: features x ~ N(0, I₂₀), true scores u + 0.3u² + 0.3·noise with u = W*x/√20, target = ranks of the true scores. A linear model is
    /// trained with the soft Spearman loss ½‖r_ε(Wx) − r*‖² or, as the paper's baseline, by regressing the ranks directly
    /// (½‖Wx − r*‖², no projection). Metric: Spearman correlation of the hard ranks on a test set.
    /// </summary>
    public static RankingResult Ranking(RankingRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int features = 20;
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)Seeds.Derive(run.Seed, "ranking-data"));
        var teacher = randn([run.Labels, features], ScalarType.Float64, generator: generator);
        (Tensor X, Tensor Ranks) Draw(int count)
        {
            var x = randn([count, features], ScalarType.Float64, generator: generator);
            // A nonlinear teacher, so a linear model cannot fit the scores exactly.
            var linear = x.matmul(teacher.t()) / Math.Sqrt(features);
            var scores = linear + 0.3 * linear.pow(2) + 0.3 * randn([count, run.Labels], ScalarType.Float64, generator: generator);
            return (x, HardRanks(scores));
        }
        var (trainX, trainR) = Draw(run.Samples);
        var (testX, testR) = Draw(Math.Max(10, run.Samples / 2));
        random.manual_seed(Seeds.Derive(run.Seed, "init"));
        var model = Linear(features, run.Labels, dtype: ScalarType.Float64);
        var optimizer = optim.Adam(model.parameters(), 0.05);
        for (int step = 0; step < run.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var theta = model.forward(trainX);
            var predicted = run.Method == "soft-spearman" ? SoftSortFunctions.soft_rank(theta, run.Epsilon, SortDirection.Ascending, run.Regularizer) : theta;
            var loss = 0.5 * (predicted - trainR).pow(2).sum(1).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if ((step + 1) % 20 == 0) ctx.Log(step + 1, "train_loss", loss.item<double>());
        }
        using var noGrad = no_grad();
        return new RankingResult(Spearman(HardRanks(model.forward(testX)), testR), watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// (c) Regression y = xβ + noise with a fraction of training targets replaced by outliers (a shifted cluster).
    /// Least squares (closed form), Huber (δ = 1) and soft least trimmed squares — the mean of the smallest
    /// ⌈(1 − trim) n⌉ soft-sorted squared residuals — are fitted; the metric is the MSE on clean test data.
    /// </summary>
    public static TrimmedResult Trimmed(TrimmedRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        const int samples = 200, features = 5;
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)Seeds.Derive(run.Seed, "regression-data"));
        var beta = randn([features, 1], ScalarType.Float64, generator: generator);
        var x = randn([samples, features], ScalarType.Float64, generator: generator);
        var y = x.matmul(beta) + 0.1 * randn([samples, 1], ScalarType.Float64, generator: generator);
        int outliers = (int)Math.Round(run.Outliers * samples);
        if (outliers > 0)
        {
            var shifted = 10 + 2 * randn([outliers, 1], ScalarType.Float64, generator: generator);
            y = cat([shifted, y[TensorIndex.Slice(outliers)]], 0);
        }
        var testX = randn([1000, features], ScalarType.Float64, generator: generator);
        var testY = testX.matmul(beta);
        var design = cat([x, ones([samples, 1], ScalarType.Float64)], 1);
        Tensor coefficients;
        if (run.Method == "least-squares")
        {
            coefficients = linalg.lstsq(design, y).Solution;
        }
        else
        {
            // Start from least squares, as robust fits usually do.
            var weights = new TorchSharp.Modules.Parameter(linalg.lstsq(design, y).Solution.detach().clone());
            var optimizer = optim.Adam([weights], 0.05);
            int keep = Math.Max(1, (int)Math.Ceiling((1 - run.Trim) * samples));
            for (int step = 0; step < run.Steps; step++)
            {
                using var stepScope = NewDisposeScope();
                var residual = (design.matmul(weights) - y).squeeze(1);
                Tensor loss = run.Method == "huber"
                    ? functional.huber_loss(design.matmul(weights), y, delta: 1.0)
                    : SoftSortFunctions.soft_sort(residual.pow(2), run.Epsilon, SortDirection.Ascending, run.Regularizer)[TensorIndex.Slice(0, keep)].mean();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                if ((step + 1) % 20 == 0) ctx.Log(step + 1, "train_loss", loss.item<double>());
            }
            coefficients = weights.detach();
        }
        using var noGrad = no_grad();
        var predicted = testX.matmul(coefficients[TensorIndex.Slice(0, features)]) + coefficients[features];
        double mse = (predicted - testY).pow(2).mean().item<double>();
        double error = ((coefficients[TensorIndex.Slice(0, features)] - beta).norm() / beta.norm()).item<double>();
        return new TrimmedResult(mse, error);
    }

    /// <summary>Hard ascending ranks 1..n along the last dimension (ties broken by position).</summary>
    internal static Tensor HardRanks(Tensor scores) => scores.argsort(-1).argsort(-1).to_type(ScalarType.Float64) + 1;

    /// <summary>Mean over rows of the Spearman correlation of two rank matrices (no ties).</summary>
    internal static double Spearman(Tensor ranksA, Tensor ranksB)
    {
        long n = ranksA.shape[^1];
        var d2 = (ranksA - ranksB).pow(2).sum(-1);
        return (1 - 6 * d2 / (n * (n * n - 1.0))).mean().item<double>();
    }
}
