using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.SoftSort;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.SoftSort;

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
        using var scope = NewDisposeScope();
        var (trainX, trainY, testX, testY) = TorchSetup.FashionMnistTensors(run.TrainImages, run.Seed);
        long pixels = trainX.shape[1];
        using var model = TorchRandom.Build<Module<Tensor, Tensor>>(run.Seed, "init", () => run.Hidden == 0 ? Linear(pixels, 10)
            : Sequential(Linear(pixels, run.Hidden), ReLU(), Linear(run.Hidden, 10)));
        using var optimizer = new Torch.Adam(model.parameters(), 1e-3);
        var k = Scalars.Of((long)run.K);
        new SupervisedTraining<NoState>
        {
            Model = model, Optimizer = optimizer, Inputs = trainX, Targets = trainY, Steps = run.Steps, BatchSize = 128, Seed = run.Seed,
            LogLossEvery = 20,
            Loss = run.Method == TopKLoss.CrossEntropy ? (logits, y) => functional.cross_entropy(logits, y)
                : (logits, y) => functional.relu(SoftSortFunctions.soft_rank(logits, run.Epsilon, SortDirection.Descending, run.Regularizer)
                    .gather(1, y.unsqueeze(1)).sub(k)).mean(),
        }.Run(ctx, new NoState());
        using var noGrad = no_grad();
        var testLogits = model.forward(testX);
        double top1 = testLogits.argmax(1).eq(testY).to_type(ScalarType.Float64).mean().item<double>();
        var topk = testLogits.topk(run.K, 1).indexes;
        double topK = topk.eq(testY.unsqueeze(1)).any(1).to_type(ScalarType.Float64).mean().item<double>();
        return new TopKResult(top1, topK, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// (b) Label ranking: features x ~ N(0, I₂₀), true scores u + 0.3u² + 0.3·noise with u = W*x/√20, target = ranks of the true
    /// scores. A linear model is trained with the soft Spearman loss ½‖r_ε(Wx) − r*‖² or, as the paper's baseline, by regressing
    /// the ranks directly (½‖Wx − r*‖², no projection). Metric: Spearman correlation of the hard ranks on a test set.
    /// </summary>
    public static RankingResult Ranking(RankingRun run, RunContext ctx)
    {
        TorchSetup.Initialize();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const int features = 20;
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)Seeds.Derive(run.Seed, "ranking-data"));
        var teacher = randn([run.Labels, features], ScalarType.Float64, generator: generator);
        var (two, noise) = (Scalars.Of(2L), Scalars.Of(0.3));
        (Tensor X, Tensor Ranks) Draw(int count)
        {
            var x = randn([count, features], ScalarType.Float64, generator: generator);
            // A nonlinear teacher, so a linear model cannot fit the scores exactly: linear + 0.3·linear² + 0.3·noise.
            var linear = x.matmul(teacher.t()).div(Scalars.Of(Math.Sqrt(features)));
            var scores = linear.add(linear.pow(two).mul(noise), Scalars.One)
                .add(randn([count, run.Labels], ScalarType.Float64, generator: generator).mul(noise), Scalars.One);
            return (x, HardRanks(scores));
        }
        var (trainX, trainR) = Draw(run.Samples);
        var (testX, testR) = Draw(Math.Max(10, run.Samples / 2));
        using var model = TorchRandom.Build(run.Seed, "init", () => Linear(features, run.Labels, dtype: ScalarType.Float64));
        using var optimizer = new Torch.Adam(model.parameters(), 0.05);
        for (int step = 0; step < run.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var theta = model.forward(trainX);
            var predicted = run.Method == RankingLoss.SoftSpearman
                ? SoftSortFunctions.soft_rank(theta, run.Epsilon, SortDirection.Ascending, run.Regularizer)
                : theta;
            var loss = predicted.sub(trainR).pow(two).sum(1).mean().mul(Scalars.Of(0.5)); // ½‖r − r*‖², averaged over samples
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
        using var generator = new Generator((ulong)Seeds.Derive(run.Seed, "regression-data"));
        var two = Scalars.Of(2L);
        var beta = randn([features, 1], ScalarType.Float64, generator: generator);
        var x = randn([samples, features], ScalarType.Float64, generator: generator);
        var y = x.matmul(beta).add(randn([samples, 1], ScalarType.Float64, generator: generator).mul(Scalars.Of(0.1)), Scalars.One);
        int outliers = (int)Math.Round(run.Outliers * samples);
        if (outliers > 0)
        {
            // Outliers: a shifted cluster 10 + 2·N(0, 1).
            var shifted = randn([outliers, 1], ScalarType.Float64, generator: generator).mul(two).add(Scalars.Of(10L), Scalars.One);
            y = cat([shifted, y[TensorIndex.Slice(outliers)]], 0);
        }
        var testX = randn([1000, features], ScalarType.Float64, generator: generator);
        var testY = testX.matmul(beta);
        var design = cat([x, ones([samples, 1], ScalarType.Float64)], 1);
        Tensor coefficients;
        if (run.Method == RegressionMethod.LeastSquares)
        {
            coefficients = LeastSquares(design, y);
        }
        else
        {
            // Start from least squares, as robust fits usually do.
            using var weights = new TorchSharp.Modules.Parameter(LeastSquares(design, y));
            using var optimizer = new Torch.Adam([weights], 0.05);
            int keep = Math.Max(1, (int)Math.Ceiling((1 - run.Trim) * samples));
            for (int step = 0; step < run.Steps; step++)
            {
                using var stepScope = NewDisposeScope();
                var residual = design.matmul(weights).sub(y).squeeze(1);
                Tensor loss = run.Method == RegressionMethod.Huber
                    ? functional.huber_loss(design.matmul(weights), y, delta: 1.0)
                    : SoftSortFunctions.soft_sort(residual.pow(two), run.Epsilon, SortDirection.Ascending,
                        run.Regularizer)[TensorIndex.Slice(0, keep)].mean();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                if ((step + 1) % 20 == 0) ctx.Log(step + 1, "train_loss", loss.item<double>());
            }
            coefficients = weights.detach().clone();
        }
        using var noGrad = no_grad();
        var predicted = testX.matmul(coefficients[TensorIndex.Slice(0, features)]).add(coefficients[features], Scalars.One);
        double mse = predicted.sub(testY).pow(two).mean().item<double>();
        double error = coefficients[TensorIndex.Slice(0, features)].sub(beta).norm().div(beta.norm()).item<double>();
        return new TrimmedResult(mse, error);
    }

    /// <summary>
    /// Least squares <c>argmin_β ‖Xβ − y‖²</c> for a full-rank float64 design X (m × p) and targets y (m × 1), by the
    /// normal equations <c>XᵀX β = Xᵀy</c> and a Cholesky factorisation, in plain double loops with a fixed summation
    /// order: the same bits in every process (LAPACK's gelsy behind <c>linalg.lstsq</c> was not). Returns β as p × 1.
    /// </summary>
    /// <exception cref="ArgumentException">XᵀX is not positive definite (a rank-deficient design).</exception>
    internal static Tensor LeastSquares(Tensor design, Tensor y)
    {
        int m = (int)design.shape[0], p = (int)design.shape[1];
        var x = design.contiguous().data<double>().ToArray();
        var t = y.contiguous().data<double>().ToArray();
        var a = new double[p, p];
        var b = new double[p];
        for (int r = 0; r < m; r++)
            for (int i = 0; i < p; i++)
            {
                double xi = x[r * p + i];
                b[i] += xi * t[r];
                for (int j = 0; j <= i; j++) a[i, j] += xi * x[r * p + j];
            }
        // Cholesky: A = L Lᵀ, L stored in the lower triangle of a.
        for (int j = 0; j < p; j++)
        {
            double d = a[j, j];
            for (int k = 0; k < j; k++) d -= a[j, k] * a[j, k];
            if (!(d > 0))
                throw new ArgumentException($"The regression design is rank-deficient (pivot {j} is {d}); least squares needs full rank.");
            a[j, j] = Math.Sqrt(d);
            for (int i = j + 1; i < p; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= a[i, k] * a[j, k];
                a[i, j] = s / a[j, j];
            }
        }
        var z = new double[p];
        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= a[i, k] * z[k];
            z[i] = s / a[i, i];
        }
        var beta = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < p; k++) s -= a[k, i] * beta[k];
            beta[i] = s / a[i, i];
        }
        return tensor(beta, [p, 1], ScalarType.Float64);
    }

    /// <summary>Hard ascending ranks 1..n along the last dimension (ties broken by position).</summary>
    internal static Tensor HardRanks(Tensor scores) =>
        scores.argsort(-1).argsort(-1).to_type(ScalarType.Float64).add(Scalars.One, Scalars.One);

    /// <summary>Mean over rows of the Spearman correlation of two rank matrices (no ties).</summary>
    internal static double Spearman(Tensor ranksA, Tensor ranksB)
    {
        long n = ranksA.shape[^1];
        using var scope = NewDisposeScope();
        // ρ = 1 − 6 Σd² / (n (n² − 1))
        var d2 = ranksA.sub(ranksB).pow(Scalars.Of(2L)).sum(-1);
        return d2.mul(Scalars.Of(6L)).div(Scalars.Of(n * (n * n - 1.0))).negative().add(Scalars.One, Scalars.One).mean().item<double>();
    }
}
