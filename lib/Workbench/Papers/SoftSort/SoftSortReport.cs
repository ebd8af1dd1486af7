using System.Globalization;
using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Kernels.SoftSort;
using Workbench.Runs;

namespace Workbench.Papers.SoftSort;

/// <summary>
/// The soft-sort report: reference outputs, the ε sweep of Figure 2, runtime, the three applications with their
/// ablations, ε guidance and "paper vs ours", built from the experiment's typed results.
/// </summary>
/// <param name="Name">The paper's slug (figures are exported under it).</param>
internal sealed class SoftSortReport(string Name)
{
    /// <summary>The vector of the paper's Figure 2.</summary>
    public static readonly double[] FigureVector = [0, 3, 1, 2];

    static readonly (string Method, string Label)[] RuntimeMethods =
        [("pav", "PAV (ours)"), ("all-pairs", "all-pairs sigmoid"), ("sinkhorn", "Sinkhorn")];

    /// <summary>Tables and figures, in display order.</summary>
    public (List<(string, DataFrame)> Tables, List<Figure> Figures) Build(SoftSortConfig config, SoftSortResults r)
    {
        var tables = new List<(string, DataFrame)>();
        var figures = new List<Figure>();

        // Reference outputs (guide §6) and the Figure 2 sweep: exact and instant, never cached.
        var reference = ReferenceOutputs();
        tables.Add(("reference-outputs", reference.Table));
        figures.Add(EpsilonFigure());

        // Runtime.
        tables.Add(("runtime", new DataFrame(
            new StringDataFrameColumn("method", r.Runtime.Select(p => p.Method)),
            new Int32DataFrameColumn("n", r.Runtime.Select(p => p.N)),
            new DoubleDataFrameColumn("seconds_fwd_bwd", r.Runtime.Select(p => double.IsNaN(p.Seconds) ? (double?)null : p.Seconds)),
            new StringDataFrameColumn("status", r.Runtime.Select(p => p.Status)))));
        List<RuntimePoint> Measured(string method) => [.. r.Runtime.Where(p => p.Method == method && p.Status == "ok")];
        var slopes = RuntimeMethods.ToDictionary(m => m.Method, m =>
            Plots.FitLogLogSlope([.. Measured(m.Method).Select(p => (double)p.N)], [.. Measured(m.Method).Select(p => p.Seconds)],
                fitFrom: 1000));
        figures.Add(Plots.LogLog(Name, "runtime", "Forward + backward time of one soft rank vs n (slopes over n ≥ 1000)",
            "n (values per row, log scale)", "time (ms, log scale)",
            RuntimeMethods.Select(m => (m.Method == "sinkhorn" ? $"{m.Label} T={config.SinkhornIterations}" : m.Label,
                (IReadOnlyList<double>)[.. Measured(m.Method).Select(p => (double)p.N)],
                // Milliseconds: round labels (0.2, 1, 10) where seconds mix decimals with powers of ten (5×10⁻⁴).
                (IReadOnlyList<double>)[.. Measured(m.Method).Select(p => p.Seconds * 1000)])),
            fitFrom: 1000));

        // (a) Top-k classification.
        string softTopK = $"soft top-k ({config.Regularizer}, ε={Fmt(config.TopKEpsilon)})";
        tables.Add(("top-k", MethodTable(
            [("cross-entropy", r.CrossEntropy.Select(x => x.Top1), r.CrossEntropy.Select(x => x.TopK)),
             (softTopK, r.SoftTopK.Select(x => x.Top1), r.SoftTopK.Select(x => x.TopK))],
            "top1_accuracy", config.TopK > 1 ? $"top{config.TopK}_accuracy" : "")));
        tables.Add(("top-k-ablation", AblationTable(r.TopKAblation, "top1_accuracy")));

        // (b) Label ranking.
        tables.Add(("label-ranking", MethodTable(
            [($"soft Spearman ({config.Regularizer}, ε={Fmt(config.RankingEpsilon)})", r.SoftSpearman, r.SoftSpearman),
             ("no projection (regress ranks)", r.NoProjection, r.NoProjection)],
            "test_spearman", "")));
        tables.Add(("label-ranking-ablation", AblationTable(r.RankingAblation, "test_spearman")));

        // (c) Robust regression.
        tables.Add(("trimmed-regression", new DataFrame(
            new StringDataFrameColumn("method", r.Trimmed.Select(row => Label(row.Method, config))),
            new DoubleDataFrameColumn("outlier_fraction", r.Trimmed.Select(row => row.Outliers)),
            new DoubleDataFrameColumn("test_mse_mean", r.Trimmed.Select(row => row.Mean)),
            new DoubleDataFrameColumn("test_mse_std", r.Trimmed.Select(row => row.Std)))));
        tables.Add(("trimmed-ablation", AblationTable(r.TrimmedAblation, "test_mse")));
        figures.Add(ApplicationsFigure(config, r));

        // ε guidance.
        var guidance = EpsilonGuidance(config.Seed);
        tables.Add(("epsilon-guidance", guidance.Table));
        figures.Add(guidance.Figure);

        // Paper vs ours.
        var (ceMean, ceStd) = SeriesStats.MeanStd(r.CrossEntropy.Select(x => x.Top1));
        var (softMean, softStd) = SeriesStats.MeanStd(r.SoftTopK.Select(x => x.Top1));
        var (spMean, spStd) = SeriesStats.MeanStd(r.SoftSpearman);
        var (dirMean, dirStd) = SeriesStats.MeanStd(r.NoProjection);
        double worst = config.OutlierFractions.Max();
        double Mse(RegressionMethod method) => r.Trimmed.First(row => row.Method == method && row.Outliers == worst).Mean;
        var pavMax = r.Runtime.Where(p => p.Method == "pav" && p.Status == "ok").MaxBy(p => p.N);
        var baselineLimit = r.Runtime.Where(p => p.Method != "pav" && p.Status != "ok").GroupBy(p => p.Method)
            .Select(g => $"{g.Key} from n={g.Min(p => p.N):N0}");
        string seedsText = $"{config.Seeds} seed{(config.Seeds == 1 ? "" : "s")}";
        var paperRows = new List<PaperVsOurs.Row>
        {
            new("soft_sort([5,1,2], ε=1) = [1.667, 2.667, 3.667]; at ε=0.1 exactly [1,2,5]; soft_rank at ε=2 = [3, 1.25, 1.75]",
                "guide §6 (from the paper's reference code)", reference.Summary,
                reference.Holds ? "holds (to 1e-6; ε = 0.1 exactly)" : "does not hold"),
            new("Soft sort/rank cost O(n log n) time (PAV is O(n) after the sort)", "§4, Prop. 3 (reported)",
                $"forward + backward slope {Fmt(slopes["pav"])} on log-log, n up to {pavMax?.N:N0} ({pavMax?.Seconds:0.###} s)",
                slopes["pav"] <= 1.15 ? "holds" : "partly: slope above 1.15 on this machine (small n dominated by overhead)"),
            new("The O(n²) baselines (all-pairs, Sinkhorn) are slower and run out of memory at large n", "Figure 5 (reported)",
                $"slopes all-pairs {Fmt(slopes["all-pairs"])}, Sinkhorn {Fmt(slopes["sinkhorn"])}; " +
                    $"out of budget ({config.MemoryBudgetMegabytes} MiB): {string.Join(", ", baselineLimit)}",
                slopes["all-pairs"] > slopes["pav"] ? "holds" : "inconclusive at these n"),
            new("A soft-rank top-k loss trains a classifier about as well as cross-entropy",
                "§6.1, CIFAR-10/100 (reported, no number checked)",
                $"Fashion-MNIST top-1: soft top-k {PaperVsOurs.Percent(softMean, softStd, config.Seeds)} " +
                    $"vs cross-entropy {PaperVsOurs.Percent(ceMean, ceStd, config.Seeds)}",
                softMean >= ceMean - 0.02 ? "holds here" : "does not hold at this scale (fewer steps; see the ε ablation)"),
            new("Label ranking: a soft-rank (soft Spearman) layer beats regressing the ranks directly", "§6.2, 21 datasets (reported)",
                $"test Spearman {spMean:0.000} ± {spStd:0.000} vs {dirMean:0.000} ± {dirStd:0.000} ({seedsText}, generated data)",
                spMean > dirMean ? "holds here" : "does not hold here"),
            new("Soft least trimmed squares is robust to outliers, unlike least squares; ε interpolates LTS ↔ LS", "§6.3 (reported)",
                $"clean test MSE at {worst:P0} outliers: soft LTS {Mse(RegressionMethod.SoftLts):0.###}, " +
                    $"Huber {Mse(RegressionMethod.Huber):0.###}, least squares {Mse(RegressionMethod.LeastSquares):0.###} ({seedsText})",
                Mse(RegressionMethod.SoftLts) >= Mse(RegressionMethod.LeastSquares) ? "does not hold"
                    : Mse(RegressionMethod.SoftLts) <= Mse(RegressionMethod.Huber) ? "holds"
                    : "partly: far better than least squares, but at the largest outlier fraction a seed can stay in the " +
                        "outlier-fitting minimum (LTS is non-convex) and Huber is better there"),
        };
        tables.Add(("paper-vs-ours", PaperVsOurs.Table(paperRows)));
        figures = Figure.Captioned(figures, new Dictionary<string, string>
        {
            ["epsilon-sweep"] = "deterministic (one fixed input vector)",
            ["runtime"] = "deterministic inputs; median times on this machine",
            ["applications"] =
                $"(a) and the method comparisons: {config.Seeds} seeds, mean ± std; ε ablations: 1 seed (seed {config.Seed})",
            ["epsilon-guidance"] = "deterministic (seeded random inputs, no training)",
        });
        return (tables, figures);
    }

    /// <summary>How a robust-regression method is labelled in tables and figures.</summary>
    static string Label(RegressionMethod method, SoftSortConfig config) => method switch
    {
        RegressionMethod.LeastSquares => "least squares",
        RegressionMethod.Huber => "Huber (δ = 1)",
        _ => $"soft LTS ({config.Regularizer}, ε={Fmt(config.TrimmedEpsilon)}, trim {config.TrimFraction:P0})",
    };

    /// <summary>The guide's reference outputs, computed by the kernel.</summary>
    internal static (DataFrame Table, string Summary, bool Holds) ReferenceOutputs()
    {
        var cases = new (string Op, double Eps, double[] Expected, double[] Got)[]
        {
            ("soft_sort", 1.0, [5.0 / 3, 8.0 / 3, 11.0 / 3], PermutahedronProjection.Sort([5, 1, 2], 1.0)),
            ("soft_sort", 0.1, [1, 2, 5], PermutahedronProjection.Sort([5, 1, 2], 0.1)),
            ("soft_rank", 2.0, [3, 1.25, 1.75], PermutahedronProjection.Rank([5, 1, 2], 2.0)),
        };
        var errors = cases.Select(c => c.Expected.Zip(c.Got, (e, g) => Math.Abs(e - g)).Max()).ToArray();
        bool holds = errors.All(e => e <= 1e-6) && errors[1] == 0;
        var table = new DataFrame(
            new StringDataFrameColumn("operation", cases.Select(c => $"{c.Op}([5, 1, 2])")),
            new DoubleDataFrameColumn("epsilon", cases.Select(c => c.Eps)),
            new StringDataFrameColumn("expected", cases.Select(c => Vector(c.Expected))),
            new StringDataFrameColumn("ours", cases.Select(c => Vector(c.Got))),
            new DoubleDataFrameColumn("max_abs_error", errors));
        string summary = string.Join("; ", cases.Select(c => $"{c.Op} ε={Fmt(c.Eps)}: {Vector(c.Got)}"));
        return (table, summary, holds);
    }

    /// <summary>The shape of the paper's Figure 2: soft sort and soft rank of (0, 3, 1, 2) as ε varies, L2 and KL.</summary>
    internal Figure EpsilonFigure()
    {
        var eps = Enumerable.Range(0, 81).Select(i => Math.Pow(10, -2 + i * 4.0 / 80)).ToArray();
        var panels = new List<Figure>();
        foreach (bool rank in new[] { false, true })
            foreach (var reg in new[] { SoftRegularizer.L2, SoftRegularizer.KL })
            {
                var outputs = eps.Select(e => rank
                    ? PermutahedronProjection.Rank(FigureVector, e, SortDirection.Ascending, reg)
                    : PermutahedronProjection.Sort(FigureVector, e, SortDirection.Ascending, reg)).ToArray();
                var curves = Enumerable.Range(0, FigureVector.Length).Select(i =>
                    new Curve(rank ? $"r(θ) for θ = {Fmt(FigureVector[i])}" : $"s(θ) position {i + 1}", eps,
                        outputs.Select(o => o[i]).ToArray())).ToList();
                panels.Add(Plots.Lines(Name, "panel", $"soft {(rank ? "rank" : "sort")}, {reg}", "ε (log scale)",
                    rank ? "soft rank" : "soft sorted value", curves, x: Scale.Log));
            }
        return Plots.SmallMultiples(Name, "epsilon-sweep",
            $"Soft sort and soft rank of θ = ({string.Join(", ", FigureVector.Select(Fmt))}) as ε varies (paper Figure 2 shape)",
            panels, columns: 2);
    }

    /// <summary>
    /// How to choose ε: for standard-normal values scaled by σ, the L2 soft rank pools neighbours whose gap is below ε, so
    /// its behaviour depends on ε·n/σ alone. Measures the mean |soft − hard rank| / n and the fraction of values in pooled
    /// blocks (those get a gradient) against ε·n/σ for several n and σ.
    /// </summary>
    internal (DataFrame Table, Figure Figure) EpsilonGuidance(int seed)
    {
        var normalised = Enumerable.Range(0, 25).Select(i => Math.Pow(10, -2 + i * 5.0 / 24)).ToArray();
        var rows = new List<(int N, double Sigma, double EpsNOverSigma, double RankError, double Pooled)>();
        foreach (int n in new[] { 10, 100, 1000, 10_000 })
            foreach (double sigma in new[] { 1.0, 100.0 })
            {
                var rng = Seeds.Rng(seed, $"guidance:{n}");
                int repeats = Math.Max(1, 20_000 / n);
                var data = new double[repeats * n];
                for (int i = 0; i < data.Length; i++) data[i] = sigma * Normal(rng);
                var hard = new double[data.Length];
                for (int r = 0; r < repeats; r++)
                {
                    var row = data.AsSpan(r * n, n).ToArray();
                    var order = Enumerable.Range(0, n).OrderBy(i => row[i]).ToArray();
                    for (int k = 0; k < n; k++) hard[r * n + order[k]] = k + 1;
                }
                foreach (double t in normalised)
                {
                    var result = PermutahedronProjection.Rank(data, n, new SoftSortOptions(t * sigma / n));
                    double error = result.Values.Zip(hard, (a, b) => Math.Abs(a - b)).Average() / n;
                    double pooled = 1 - Enumerable.Range(0, repeats).Average(r => (double)result.BlockCount(r)) / n;
                    rows.Add((n, sigma, t, error, pooled));
                }
            }
        // The table: one row per ε·n/σ (every other grid point), one column per n (σ = 1); the figure shows all of it.
        var sizes = rows.Select(r => r.N).Distinct().ToArray();
        var shown = normalised.Where((_, i) => i % 2 == 0).ToArray();
        var columns = new List<DataFrameColumn> { new DoubleDataFrameColumn("eps_times_n_over_sigma", shown) };
        foreach (int n in sizes)
            columns.Add(new DoubleDataFrameColumn($"rank_error_over_n (n={n})",
                shown.Select(t => rows.First(r => r.N == n && r.Sigma == 1 && r.EpsNOverSigma == t).RankError)));
        columns.Add(new DoubleDataFrameColumn("fraction_pooled (n=1000)",
            shown.Select(t => rows.First(r => r.N == 1000 && r.Sigma == 1 && r.EpsNOverSigma == t).Pooled)));
        var table = new DataFrame(columns);
        var sigma1 = rows.Where(r => r.Sigma == 1.0 || r.N == 1000).ToList();
        Figure Panel(string title, string yTitle,
            Func<(int N, double Sigma, double EpsNOverSigma, double RankError, double Pooled), double> y) =>
            Plots.Lines(Name, "panel", title, "ε · n / σ (log scale)", yTitle,
                sigma1.GroupBy(r => (r.N, r.Sigma)).Select(g => new Curve($"n = {g.Key.N:N0}, σ = {Fmt(g.Key.Sigma)}",
                    g.Select(r => r.EpsNOverSigma).ToArray(), g.Select(y).ToArray(), Dash: g.Key.Sigma == 1 ? "solid" : "dot")),
                x: Scale.Log);
        var figure = Plots.SmallMultiples(Name, "epsilon-guidance",
            "Choosing ε: with values of spread σ, soft rank behaves as a function of ε·n/σ (L2, normal values)",
            [Panel("distance to the hard rank", "mean |soft − hard rank| / n", r => r.RankError),
                Panel("values with a gradient", "fraction in pooled blocks", r => r.Pooled)],
            columns: 2, panelWidth: 480);
        return (table, figure);
    }

    Figure ApplicationsFigure(SoftSortConfig config, SoftSortResults r)
    {
        Figure AblationPanel(string title, string yTitle, IReadOnlyList<AblationPoint> points, (string Name, double Value)? reference,
            Scale y = Scale.Linear)
        {
            var curves = points.GroupBy(p => p.Regularizer)
                .Select(g => new Curve($"soft ({g.Key})", g.Select(p => p.Epsilon).ToArray(), g.Select(p => p.Value).ToArray(),
                    Markers: true)).ToList();
            if (reference is { } line)
                curves.Add(new Curve(line.Name, [config.AblationEpsilons.Min(), config.AblationEpsilons.Max()], [line.Value, line.Value],
                    Dash: "dash"));
            return Plots.Lines(Name, "panel", title, "ε (log scale)", yTitle, curves, x: Scale.Log, y: y);
        }
        var trimPanel = Plots.Lines(Name, "panel", "(c) robust regression", "outlier fraction", "clean test MSE (log scale)",
            r.Trimmed.GroupBy(row => row.Method).Select(g =>
                new Curve(Label(g.Key, config), g.Select(row => row.Outliers).ToArray(), g.Select(row => row.Mean).ToArray(),
                    Markers: true)),
            y: Scale.Log);
        var (ceMean, ceStd) = SeriesStats.MeanStd(r.CrossEntropy.Select(x => x.Top1));
        var (softMean, softStd) = SeriesStats.MeanStd(r.SoftTopK.Select(x => x.Top1));
        var panels = new List<Figure>
        {
            Plots.GroupedBars(Name, "panel", $"(a) Fashion-MNIST top-1 ({config.Seeds} seeds)", "method", "test top-1 accuracy",
                ["cross-entropy", "soft top-k"], [new BarGroup("top-1", [ceMean, softMean], [ceStd, softStd])]),
            AblationPanel("(a) top-k loss: ε ablation (seed 1)", "test top-1 accuracy", r.TopKAblation,
                ("cross-entropy", r.CrossEntropy.Average(x => x.Top1))),
            AblationPanel("(b) label ranking: ε ablation", "test Spearman", r.RankingAblation,
                ("no projection", r.NoProjection.Average())),
            trimPanel,
            AblationPanel($"(c) soft LTS at {r.AblationOutlierFraction:P0} outliers: ε ablation", "clean test MSE (log scale)",
                r.TrimmedAblation, null, Scale.Log),
        };
        return Plots.SmallMultiples(Name, "applications", "Applications and ablations (reading-group scale)", panels, columns: 2,
            panelWidth: 460);
    }

    static DataFrame MethodTable(IReadOnlyList<(string Method, IEnumerable<double> A, IEnumerable<double> B)> methods, string a, string b)
    {
        var statsA = methods.Select(m => SeriesStats.MeanStd(m.A)).ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("method", methods.Select(m => m.Method)),
            new DoubleDataFrameColumn(a + "_mean", statsA.Select(s => s.Mean)),
            new DoubleDataFrameColumn(a + "_std", statsA.Select(s => s.Std)),
        };
        if (b.Length > 0)
        {
            var statsB = methods.Select(m => SeriesStats.MeanStd(m.B)).ToList();
            columns.Add(new DoubleDataFrameColumn(b + "_mean", statsB.Select(s => s.Mean)));
            columns.Add(new DoubleDataFrameColumn(b + "_std", statsB.Select(s => s.Std)));
        }
        return new DataFrame(columns);
    }

    static DataFrame AblationTable(IReadOnlyList<AblationPoint> rows, string metric) => new(
        new StringDataFrameColumn("regularizer", rows.Select(r => r.Regularizer.ToString())),
        new DoubleDataFrameColumn("epsilon", rows.Select(r => r.Epsilon)),
        new DoubleDataFrameColumn(metric, rows.Select(r => r.Value)));

    static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    static string Vector(double[] v) => "[" + string.Join(", ", v.Select(x => x.ToString("0.######", CultureInfo.InvariantCulture))) + "]";

    static string Fmt(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
