using Microsoft.Data.Analysis;
using Workbench.Data;
using Workbench.Figures;
using Workbench.Kernels.Pruning;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Papers.LotteryTicket;

/// <summary>How a round's mask is made from the previous round's trained weights.</summary>
/// <param name="Global">Prune across all layers at once.</param>
/// <param name="FullyConnected">Rate for hidden fully-connected layers (the global rate when <paramref name="Global"/>).</param>
/// <param name="Convolution">Rate for convolutions.</param>
/// <param name="Output">Rate for the output layer.</param>
public sealed record PruneRule(bool Global, double FullyConnected, double Convolution, double Output)
{
    /// <summary>The rule's part of a run's identity.</summary>
    public string Key => Global ? FormattableString.Invariant($"global {FullyConnected}") : FormattableString.Invariant($"layerwise {FullyConnected}/{Convolution}/{Output}");

    /// <summary>The one-shot rule that reaches the sparsity of <paramref name="rounds"/> rounds of this rule at once.</summary>
    public PruneRule Compound(int rounds) =>
        new(Global, 1 - Math.Pow(1 - FullyConnected, rounds), 1 - Math.Pow(1 - Convolution, rounds), 1 - Math.Pow(1 - Output, rounds));

    /// <summary>Prunes by magnitude of <paramref name="weights"/> among the survivors of <paramref name="masks"/>.</summary>
    public float[][] Apply(IReadOnlyList<LayerKind> kinds, IReadOnlyList<float[]> weights, IReadOnlyList<float[]> masks) => Global
        ? MagnitudePruning.PruneGlobal(weights, masks, FullyConnected)
        : MagnitudePruning.PruneLayerwise(weights, masks, kinds.Select(k => k switch
        {
            LayerKind.Convolution => Convolution,
            LayerKind.Output => Output,
            _ => FullyConnected,
        }).ToArray());
}

/// <summary>
/// The Lottery Ticket Hypothesis (Frankle &amp; Carbin, ICLR 2019): iterative magnitude pruning with resetting to the
/// original initialisation, its controls (random re-initialisation, random masks) and ablations. Every training run is
/// a cached run; round r is keyed by round r − 1's run.
/// </summary>
public sealed class LotteryExperiment : Experiment<LotteryConfig>
{
    /// <inheritdoc/>
    protected override LotteryConfig Smoke => new()
    {
        Iterations = 150, EvalEvery = 25, Rounds = 2, Seeds = 2, AblationRounds = 2, AblationRates = [0.2, 0.4], AblationRewindIteration = 25, CheckpointEvery = 100,
    };

    /// <inheritdoc/>
    protected override LotteryConfig Paper => new()
    {
        Dataset = "fashion-mnist", Iterations = 50_000, EvalEvery = 100, Rounds = 20, Seeds = 5, AblationRounds = 20, AblationRewindIteration = 1_000, CheckpointEvery = 2_000,
    };

    /// <summary>The main pruning rule of a config.</summary>
    public static PruneRule Rule(LotteryConfig c) => new(c.GlobalPruning, c.PruneRate, c.ConvPruneRate, c.OutputPruneRate);

    /// <summary>The dense run of a trial (round 0 of every chain), optionally saving weights at a rewind iteration.</summary>
    public RunRecord<LotteryRunResult> Dense(LotteryConfig c, int seed, RunStore store, int rewind = 0, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var run = Base(c, seed) with { RewindIteration = rewind };
        return store.GetOrCompute(Name, run, ctx => Trainer.Train(run, Trainer.Initial(c.Model, seed), MagnitudePruning.Dense(Sizes(c.Model)), ctx, c.CheckpointEvery), progress, ct);
    }

    /// <summary>Round <paramref name="round"/> of the iterative-pruning chain (the winning ticket); round 0 is the dense run.</summary>
    public RunRecord<LotteryRunResult> Ticket(LotteryConfig c, int seed, int round, PruneRule rule, int rewind, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, rewind, progress, ct);
        var parent = Ticket(c, seed, round - 1, rule, rewind, store, progress, ct);
        var run = Base(c, seed) with { Arm = "ticket", Round = round, Parent = parent.Hash, Pruning = rule.Key, RewindIteration = rewind };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = rule.Apply(Kinds(c.Model), WeightFile.Read(Path.Combine(parent.Directory, "final.weights")), WeightFile.Read(Path.Combine(parent.Directory, "mask.weights")));
            var net = Trainer.Initial(c.Model, seed);
            if (rewind > 0) TorchSetup.ImportParameters(net, WeightFile.Read(Path.Combine(Dense(c, seed, store, rewind).Directory, "rewind.weights")));
            return Trainer.Train(run, net, masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <summary>Control: the ticket's mask with a fresh random initialisation.</summary>
    public RunRecord<LotteryRunResult> Reinit(LotteryConfig c, int seed, int round, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, c.RewindIteration, progress, ct);
        var ticket = Ticket(c, seed, round, Rule(c), c.RewindIteration, store, progress, ct);
        var run = Base(c, seed) with { Arm = "reinit", Round = round, Parent = ticket.Hash };
        return store.GetOrCompute(Name, run, ctx =>
            Trainer.Train(run, Trainer.Initial(c.Model, seed, $"reinit:{round}"), WeightFile.Read(Path.Combine(ticket.Directory, "mask.weights")), ctx, c.CheckpointEvery),
            progress, ct);
    }

    /// <summary>Control: a random mask with the ticket's per-layer sparsity, from the original initialisation.</summary>
    public RunRecord<LotteryRunResult> RandomMask(LotteryConfig c, int seed, int round, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, c.RewindIteration, progress, ct);
        var ticket = Ticket(c, seed, round, Rule(c), c.RewindIteration, store, progress, ct);
        var run = Base(c, seed) with { Arm = "random-mask", Round = round, Parent = ticket.Hash };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = MagnitudePruning.RandomLike(WeightFile.Read(Path.Combine(ticket.Directory, "mask.weights")), Seeds.Rng(seed, $"random-mask:{round}"));
            return Trainer.Train(run, Trainer.Initial(c.Model, seed), masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <summary>Ablation: prune the dense network once to round <paramref name="round"/>'s sparsity, reset to θ0, train.</summary>
    public RunRecord<LotteryRunResult> OneShot(LotteryConfig c, int seed, int round, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var dense = Dense(c, seed, store, 0, progress, ct);
        if (round == 0) return dense;
        var rule = Rule(c).Compound(round);
        var run = Base(c, seed) with { Arm = "one-shot", Round = round, Parent = dense.Hash, Pruning = rule.Key };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = rule.Apply(Kinds(c.Model), WeightFile.Read(Path.Combine(dense.Directory, "final.weights")), WeightFile.Read(Path.Combine(dense.Directory, "mask.weights")));
            return Trainer.Train(run, Trainer.Initial(c.Model, seed), masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <inheritdoc/>
    public override ExperimentReport Run(LotteryConfig c, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        EnsureDataset(c.Dataset);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Enumerable.Range(c.Seed, c.Seeds).ToArray();
        var rounds = Enumerable.Range(0, c.Rounds + 1).ToArray();
        var arms = new List<(string Arm, Func<int, int, RunRecord<LotteryRunResult>> Run)>
        {
            ("ticket", (s, r) => Ticket(c, s, r, Rule(c), c.RewindIteration, store, progress, ct)),
        };
        if (c.Controls)
        {
            arms.Add(("reinit", (s, r) => Reinit(c, s, r, store, progress, ct)));
            arms.Add(("random mask", (s, r) => RandomMask(c, s, r, store, progress, ct)));
        }
        // Seeds are independent chains: train them side by side (each run is deterministic whatever the schedule).
        var bySeed = ParallelRuns.Map(seeds, s => arms.SelectMany(a => rounds.Select(r => (a.Arm, Seed: s, Round: r, Record: a.Run(s, r)))).ToList(), ct);
        var main = arms.SelectMany(a => seeds.SelectMany(s => rounds.Select(r => bySeed[Array.IndexOf(seeds, s)].First(m => m.Arm == a.Arm && m.Round == r)))).ToList();

        var ablations = new List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)>();
        if (c.Ablations)
        {
            int s0 = c.Seed;
            var chains = new List<(string Panel, string Variant, Func<int, RunRecord<LotteryRunResult>> Run)>
            {
                ("iterative vs one-shot", "iterative", r => Ticket(c, s0, r, Rule(c), c.RewindIteration, store, progress, ct)),
                ("iterative vs one-shot", "one-shot", r => OneShot(c, s0, r, store, progress, ct)),
            };
            foreach (var rate in c.AblationRates)
                chains.Add(("pruning rate per round", FormattableString.Invariant($"{rate:0.##} per round"),
                    r => Ticket(c, s0, r, Rule(c) with { FullyConnected = rate, Convolution = rate / 2, Output = rate / 2 }, c.RewindIteration, store, progress, ct)));
            chains.Add(("layer-wise vs global", c.GlobalPruning ? "global" : "layer-wise", r => Ticket(c, s0, r, Rule(c), c.RewindIteration, store, progress, ct)));
            chains.Add(("layer-wise vs global", c.GlobalPruning ? "layer-wise" : "global", r => Ticket(c, s0, r, Rule(c) with { Global = !c.GlobalPruning }, c.RewindIteration, store, progress, ct)));
            chains.Add(("reset vs late rewinding", "reset to θ0", r => Ticket(c, s0, r, Rule(c), 0, store, progress, ct)));
            chains.Add(("reset vs late rewinding", $"rewind to iteration {c.AblationRewindIteration}", r => Ticket(c, s0, r, Rule(c), c.AblationRewindIteration, store, progress, ct)));
            var ablationRounds = Enumerable.Range(0, c.AblationRounds + 1).ToArray();
            var results = ParallelRuns.Map(chains, chain => ablationRounds.Select(r => (chain.Panel, chain.Variant, Round: r, Record: chain.Run(r))).ToList(), ct);
            ablations.AddRange(results.SelectMany(x => x));
        }

        var summary = Summarize(main);
        var figures = new List<Figure>
        {
            SparsityFigure("accuracy-vs-remaining", $"Test accuracy at early stop vs weights remaining (mean ± std, {c.Seeds} seeds)",
                "test accuracy at early stop", summary, s => s.Accuracy, s => s.AccuracyStd),
            SparsityFigure("early-stop-vs-remaining", $"Early-stop iteration vs weights remaining (mean ± std, {c.Seeds} seeds)",
                "early-stop iteration (min. validation loss)", summary, s => s.EarlyStop, s => s.EarlyStopStd),
            TrainingCurves(main.Where(m => m.Arm == "ticket").Select(m => (m.Round, m.Record)).ToList(), c),
        };
        if (c.Model == "lenet-300-100")
            figures.Add(FirstLayerConnections(main.Where(m => m.Arm == "ticket" && m.Seed == c.Seed).OrderBy(m => m.Round).Select(m => m.Record).ToList()));
        if (ablations.Count > 0) figures.Add(AblationFigure(ablations));

        var tables = new List<(string, DataFrame)>
        {
            ("summary", SummaryTable(summary)),
            ("runs", new DataFrame(
                new StringDataFrameColumn("arm", main.Select(m => m.Arm)),
                new Int32DataFrameColumn("round", main.Select(m => m.Round)),
                new Int32DataFrameColumn("seed", main.Select(m => m.Seed)),
                new DoubleDataFrameColumn("remaining_%", main.Select(m => 100 * m.Record.Result.Remaining)),
                new Int64DataFrameColumn("early_stop_iteration", main.Select(m => m.Record.Result.EarlyStopIteration)),
                new DoubleDataFrameColumn("test_accuracy_at_early_stop", main.Select(m => m.Record.Result.EarlyStopTestAccuracy)),
                new DoubleDataFrameColumn("final_test_accuracy", main.Select(m => m.Record.Result.FinalTestAccuracy)),
                new BooleanDataFrameColumn("from_cache", main.Select(m => m.Record.FromCache)),
                new StringDataFrameColumn("run", main.Select(m => m.Record.Hash)))),
        };
        if (ablations.Count > 0)
            tables.Add(("ablations", new DataFrame(
                new StringDataFrameColumn("ablation", ablations.Select(a => a.Panel)),
                new StringDataFrameColumn("variant", ablations.Select(a => a.Variant)),
                new Int32DataFrameColumn("round", ablations.Select(a => a.Round)),
                new DoubleDataFrameColumn("remaining_%", ablations.Select(a => 100 * a.Record.Result.Remaining)),
                new Int64DataFrameColumn("early_stop_iteration", ablations.Select(a => a.Record.Result.EarlyStopIteration)),
                new DoubleDataFrameColumn("test_accuracy_at_early_stop", ablations.Select(a => a.Record.Result.EarlyStopTestAccuracy)))));
        tables.Add(("paper-vs-ours", PaperVsOursTable(c, summary, ablations)));
        return new ExperimentReport(Name, c, tables, figures, watch.Elapsed);
    }

    /// <summary>Mean ± std per arm and round.</summary>
    public sealed record SummaryRow(string Arm, int Round, double Remaining, double EarlyStop, double EarlyStopStd, double Accuracy, double AccuracyStd, int Seeds);

    static List<SummaryRow> Summarize(IEnumerable<(string Arm, int Seed, int Round, RunRecord<LotteryRunResult> Record)> runs) =>
        runs.GroupBy(m => (m.Arm, m.Round)).Select(g =>
        {
            var (es, esStd) = SeriesStats.MeanStd(g.Select(m => (double)m.Record.Result.EarlyStopIteration));
            var (acc, accStd) = SeriesStats.MeanStd(g.Select(m => m.Record.Result.EarlyStopTestAccuracy));
            return new SummaryRow(g.Key.Arm, g.Key.Round, g.Average(m => m.Record.Result.Remaining), es, esStd, acc, accStd, g.Count());
        }).OrderBy(r => r.Arm).ThenBy(r => r.Round).ToList();

    static DataFrame SummaryTable(List<SummaryRow> rows) => new(
        new StringDataFrameColumn("arm", rows.Select(r => r.Arm)),
        new Int32DataFrameColumn("round", rows.Select(r => r.Round)),
        new DoubleDataFrameColumn("remaining_%", rows.Select(r => 100 * r.Remaining)),
        new DoubleDataFrameColumn("early_stop_mean", rows.Select(r => r.EarlyStop)),
        new DoubleDataFrameColumn("early_stop_std", rows.Select(r => r.EarlyStopStd)),
        new DoubleDataFrameColumn("accuracy_mean", rows.Select(r => r.Accuracy)),
        new DoubleDataFrameColumn("accuracy_std", rows.Select(r => r.AccuracyStd)),
        new Int32DataFrameColumn("seeds", rows.Select(r => r.Seeds)));

    Figure SparsityFigure(string name, string title, string yTitle, List<SummaryRow> summary, Func<SummaryRow, double> value, Func<SummaryRow, double> std)
    {
        var curves = summary.GroupBy(s => s.Arm).OrderBy(g => g.Key == "ticket" ? 0 : g.Key == "reinit" ? 1 : 2).Select(g =>
        {
            var rows = g.OrderBy(r => r.Round).ToList();
            return new Curve(g.Key, rows.Select(r => 100 * r.Remaining).ToList(), rows.Select(value).ToList(), rows.Select(std).ToList(), Markers: true);
        }).ToList();
        var dense = summary.First(s => s.Round == 0);
        double minX = summary.Min(s => 100 * s.Remaining);
        curves.Add(new Curve("dense", [minX, 100], [value(dense), value(dense)], Dash: "dash"));
        var figure = Plots.Lines(Name, name, title, "weights remaining (%, log scale)", yTitle, curves, x: Scale.Log);
        figure.Spec["layout"]!["xaxis"]!["autorange"] = "reversed"; // pruning proceeds left to right, as in the paper
        return figure;
    }

    Figure TrainingCurves(List<(int Round, RunRecord<LotteryRunResult> Record)> ticket, LotteryConfig c)
    {
        var targets = new[] { 1.0, 0.51, 0.21, 0.07 };
        var chosen = targets.Select(t => ticket.MinBy(m => Math.Abs(Math.Log(m.Record.Result.Remaining / t)))).Select(m => m.Round).Distinct().Order().ToList();
        var curves = chosen.Select(round =>
        {
            var runs = ticket.Where(t => t.Round == round).Select(t => t.Record).ToList();
            var stats = SeriesStats.MeanStd(runs.Select(r => r.Series("test_accuracy")).ToList());
            return new Curve(FormattableString.Invariant($"{100 * runs[0].Result.Remaining:0.#} % remaining"),
                stats.Select(s => (double)s.Step).ToList(), stats.Select(s => s.Mean).ToList(), stats.Select(s => s.Std).ToList());
        });
        return Plots.Lines(Name, "training-curves", $"Winning tickets: test accuracy during training (mean ± std, {c.Seeds} seeds)",
            "training iteration", "test accuracy", curves);
    }

    Figure FirstLayerConnections(List<RunRecord<LotteryRunResult>> chain)
    {
        var panels = chain.Where((_, i) => i == 0 || i == chain.Count - 1 || i % Math.Max(1, chain.Count / 4) == 0).Take(6).Select(record =>
        {
            var fc1 = WeightFile.Read(Path.Combine(record.Directory, "mask.weights"))[0]; // 300 × 784, row per hidden unit
            var pixels = new double[28, 28];
            for (int unit = 0; unit < 300; unit++)
                for (int p = 0; p < 784; p++) pixels[p / 28, p % 28] += fc1[unit * 784 + p];
            return Plots.Image(Name, "fc1", FormattableString.Invariant($"{100 * record.Result.Remaining:0.#} % remaining"), pixels, "Viridis", min: 0, max: 300);
        }).ToList();
        return Plots.SmallMultiples(Name, "first-layer-connections", "Surviving first-layer connections per input pixel (of 300), winning ticket, first seed",
            panels, columns: Math.Min(3, panels.Count), panelWidth: 300, panelHeight: 300);
    }

    Figure AblationFigure(List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)> ablations)
    {
        var panels = ablations.GroupBy(a => a.Panel).Select(panel =>
        {
            var curves = panel.GroupBy(a => a.Variant).Select(v =>
            {
                var rows = v.OrderBy(a => a.Round).ToList();
                return new Curve(v.Key, rows.Select(a => 100 * a.Record.Result.Remaining).ToList(), rows.Select(a => a.Record.Result.EarlyStopTestAccuracy).ToList(), Markers: true);
            });
            var figure = Plots.Lines(Name, panel.Key, panel.Key, "weights remaining (%)", "test accuracy", curves, x: Scale.Log);
            figure.Spec["layout"]!["xaxis"]!["autorange"] = "reversed";
            return figure;
        }).ToList();
        return Plots.SmallMultiples(Name, "ablations", "Ablations (first seed): test accuracy at early stop vs weights remaining", panels, columns: 2, panelWidth: 460, panelHeight: 340);
    }

    static DataFrame PaperVsOursTable(LotteryConfig c, List<SummaryRow> summary, List<(string Panel, string Variant, int Round, RunRecord<LotteryRunResult> Record)> ablations)
    {
        string preset = $"{c.Iterations:N0} iterations, {c.Seeds} seeds, {c.Dataset}";
        var dense = summary.First(s => s.Arm == "ticket" && s.Round == 0);
        var tickets = summary.Where(s => s.Arm == "ticket" && s.Round > 0).ToList();
        var rows = new List<PaperVsOurs.Row>();
        if (tickets.Count == 0)
            return PaperVsOurs.Table([new("(no pruning rounds run)", "", "", "set rounds ≥ 1")]);

        var near21 = tickets.MinBy(s => Math.Abs(Math.Log(s.Remaining / 0.21)))!;
        bool faster = near21.EarlyStop + near21.EarlyStopStd < dense.EarlyStop - dense.EarlyStopStd;
        rows.Add(new("Winning tickets learn faster than the dense network (earlier early-stop iteration) as pruning proceeds, down to about 21 % remaining",
            "LeNet: early-stop iteration falls with pruning until ~21 % remaining, then rises (reported, Figure 3)",
            FormattableString.Invariant($"dense {dense.EarlyStop:0} ± {dense.EarlyStopStd:0} vs ticket at {100 * near21.Remaining:0.#} % {near21.EarlyStop:0} ± {near21.EarlyStopStd:0} iterations ({preset})"),
            faster ? "holds" : near21.EarlyStop < dense.EarlyStop ? "partly: earlier on average, but within one std" : "does not hold at this scale"));

        var lowest = tickets.MaxBy(s => s.Round)!;
        bool matches = lowest.Accuracy >= dense.Accuracy - Math.Max(dense.AccuracyStd, 0.002);
        rows.Add(new("Winning tickets reach at least the dense network's test accuracy far below that (LeNet: down to ~3.6 %)",
            "accuracy ≥ dense down to 3.6 % remaining (reported)",
            FormattableString.Invariant($"dense {100 * dense.Accuracy:0.0} ± {100 * dense.AccuracyStd:0.0} %, ticket at {100 * lowest.Remaining:0.#} %: {100 * lowest.Accuracy:0.0} ± {100 * lowest.AccuracyStd:0.0} %"),
            (matches ? "holds down to the sparsest level run" : "does not hold at the sparsest level run") +
            (lowest.Remaining > 0.05 ? FormattableString.Invariant($" ({100 * lowest.Remaining:0.#} %; the paper preset goes further)") : "")));

        var reinit = summary.Where(s => s.Arm == "reinit" && s.Round == lowest.Round).FirstOrDefault();
        if (reinit is not null)
            rows.Add(new("The same mask with a random re-initialisation learns slower and reaches lower accuracy",
                "reinit degrades early, e.g. well below dense accuracy at a few % remaining (reported, Figure 4)",
                FormattableString.Invariant($"at {100 * lowest.Remaining:0.#} %: ticket {100 * lowest.Accuracy:0.0} ± {100 * lowest.AccuracyStd:0.0} % vs reinit {100 * reinit.Accuracy:0.0} ± {100 * reinit.AccuracyStd:0.0} %"),
                lowest.Accuracy - lowest.AccuracyStd > reinit.Accuracy + reinit.AccuracyStd ? "holds"
                    : lowest.Accuracy > reinit.Accuracy ? "partly: lower on average, within one std at this sparsity" : "does not hold at this sparsity"));

        var iterativeRuns = ablations.Where(a => a.Panel == "iterative vs one-shot" && a.Variant == "iterative").ToList();
        var oneShotRuns = ablations.Where(a => a.Panel == "iterative vs one-shot" && a.Variant == "one-shot").ToList();
        if (iterativeRuns.Count == 0 || oneShotRuns.Count == 0)
        {
            rows.Add(new("Iterative pruning finds smaller winning tickets than one-shot pruning", "(reported, Figure 4/Section 2)",
                "not run", "set ablations=true to compare"));
            return PaperVsOurs.Table(rows);
        }
        var iterative = iterativeRuns.MaxBy(a => a.Round);
        var oneShot = oneShotRuns.MaxBy(a => a.Round);
        if (iterative.Round > 0)
            rows.Add(new("Iterative pruning finds smaller winning tickets than one-shot pruning",
                "iterative pruning keeps dense accuracy at smaller sizes than one-shot (reported, Figure 4/Section 2)",
                FormattableString.Invariant($"at {100 * iterative.Record.Result.Remaining:0.#} % (first seed): iterative {100 * iterative.Record.Result.EarlyStopTestAccuracy:0.0} % vs one-shot {100 * oneShot.Record.Result.EarlyStopTestAccuracy:0.0} %"),
                iterative.Record.Result.EarlyStopTestAccuracy > oneShot.Record.Result.EarlyStopTestAccuracy ? "holds (one seed)" : "does not hold at this size (one seed; the gap grows at higher sparsity)"));
        return PaperVsOurs.Table(rows);
    }

    static LotteryRun Base(LotteryConfig c, int seed) => new()
    {
        Dataset = c.Dataset, Model = c.Model, Iterations = c.Iterations, BatchSize = c.BatchSize, LearningRate = c.LearningRate,
        EvalEvery = c.EvalEvery, ValidationImages = c.ValidationCount, Seed = seed,
    };

    static readonly Dictionary<string, (int[] Sizes, LayerKind[] Kinds)> Shapes = new();

    static (int[] Sizes, LayerKind[] Kinds) Shape(string model)
    {
        lock (Shapes)
        {
            if (Shapes.TryGetValue(model, out var shape)) return shape;
            TorchSetup.Initialize();
            // Building a network draws its initial weights from torch's global generator: never while another run
            // is seeding and building its own (that made runs trained side by side differ from run to run).
            using var net = TorchRandom.BuildUnseeded(() => PrunableNetwork.Create(model));
            shape = (net.Layers.Select(l => (int)l.Weight.numel()).ToArray(), net.Layers.Select(l => l.Kind).ToArray());
            Shapes[model] = shape;
            return shape;
        }
    }

    static int[] Sizes(string model) => Shape(model).Sizes;

    static LayerKind[] Kinds(string model) => Shape(model).Kinds;

    static void EnsureDataset(string dataset)
    {
        if (dataset == "fashion-mnist" && !FashionMnist.IsInstalled)
            throw new DatasetException($"dataset = 'fashion-mnist' is not installed at {FashionMnist.Folder}; {FashionMnist.InstallCommand}.");
        if (dataset == "mnist-digits" && !MnistDigits.IsInstalled)
            throw new DatasetException($"dataset = 'mnist-digits' is not installed at {MnistDigits.Folder}; {MnistDigits.FetchCommand}.");
    }
}
