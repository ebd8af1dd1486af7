using Workbench.Data;
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
    public string Key => Global
        ? FormattableString.Invariant($"global {FullyConnected}")
        : FormattableString.Invariant($"layerwise {FullyConnected}/{Convolution}/{Output}");

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
        Iterations = 150, EvalEvery = 25, Rounds = 2, Seeds = 2, ControlEvery = 1, OneShotEvery = 1, MoreAblations = true,
        AblationRounds = 2, AblationRates = [0.2, 0.4], AblationRewindIteration = 25, CheckpointEvery = 100,
    };

    /// <inheritdoc/>
    protected override LotteryConfig Paper => new()
    {
        Dataset = LotteryDataset.FashionMnist, Iterations = 50_000, EvalEvery = 100, Rounds = 20, Seeds = 5, ControlEvery = 1,
        OneShotEvery = 1, MoreAblations = true, AblationSeeds = 5, AblationRounds = 20, AblationRewindIteration = 1_000,
        CheckpointEvery = 2_000,
    };

    /// <inheritdoc/>
    /// <remarks>A cluster finishes a plan round by round (round r starts from round r − 1): the partial report covering
    /// the most runs is then usually every seed at fewer rounds, without the ablations while they lag.</remarks>
    protected override IReadOnlyList<string> PartialAxes => ["rounds", "seeds", "ablations"];

    /// <summary>The main pruning rule of a config.</summary>
    public static PruneRule Rule(LotteryConfig c) => new(c.GlobalPruning, c.PruneRate, c.ConvPruneRate, c.OutputPruneRate);

    /// <summary>The dense run of a trial (round 0 of every chain), optionally saving weights at a rewind iteration.</summary>
    public RunRecord<LotteryRunResult> Dense(LotteryConfig c, int seed, RunStore store, int rewind = 0,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var run = c.TrainingRun(seed) with { RewindIteration = rewind };
        return store.GetOrCompute(Name, run,
            ctx => Trainer.Train(run, Trainer.Initial(c.Model, seed), MagnitudePruning.Dense(Sizes(c.Model)), ctx, c.CheckpointEvery),
            progress, ct);
    }

    /// <summary>Round <paramref name="round"/> of the iterative-pruning chain (the winning ticket); round 0 is the dense run.</summary>
    public RunRecord<LotteryRunResult> Ticket(LotteryConfig c, int seed, int round, PruneRule rule, int rewind, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, rewind, progress, ct);
        var parent = Ticket(c, seed, round - 1, rule, rewind, store, progress, ct);
        var run = c.TrainingRun(seed)
            with { Arm = LotteryArm.Ticket, Round = round, Parent = parent.Hash, Pruning = rule.Key, RewindIteration = rewind };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = rule.Apply(Kinds(c.Model), WeightFile.Read(Path.Combine(parent.Directory, "final.weights")),
                WeightFile.Read(Path.Combine(parent.Directory, "mask.weights")));
            var net = Trainer.Initial(c.Model, seed);
            if (rewind > 0)
                TorchSetup.ImportParameters(net, WeightFile.Read(Path.Combine(Dense(c, seed, store, rewind).Directory, "rewind.weights")));
            return Trainer.Train(run, net, masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <summary>Control: the ticket's mask with a fresh random initialisation.</summary>
    public RunRecord<LotteryRunResult> Reinit(LotteryConfig c, int seed, int round, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, c.RewindIteration, progress, ct);
        var ticket = Ticket(c, seed, round, Rule(c), c.RewindIteration, store, progress, ct);
        var run = c.TrainingRun(seed) with { Arm = LotteryArm.Reinit, Round = round, Parent = ticket.Hash };
        return store.GetOrCompute(Name, run, ctx =>
            Trainer.Train(run, Trainer.Initial(c.Model, seed, $"reinit:{round}"),
                WeightFile.Read(Path.Combine(ticket.Directory, "mask.weights")), ctx, c.CheckpointEvery),
            progress, ct);
    }

    /// <summary>Control: a random mask with the ticket's per-layer sparsity, from the original initialisation.</summary>
    public RunRecord<LotteryRunResult> RandomMask(LotteryConfig c, int seed, int round, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        if (round == 0) return Dense(c, seed, store, c.RewindIteration, progress, ct);
        var ticket = Ticket(c, seed, round, Rule(c), c.RewindIteration, store, progress, ct);
        var run = c.TrainingRun(seed) with { Arm = LotteryArm.RandomMask, Round = round, Parent = ticket.Hash };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = MagnitudePruning.RandomLike(WeightFile.Read(Path.Combine(ticket.Directory, "mask.weights")),
                Seeds.Rng(seed, $"random-mask:{round}"));
            return Trainer.Train(run, Trainer.Initial(c.Model, seed), masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <summary>Ablation: prune the dense network once to round <paramref name="round"/>'s sparsity, reset to θ0, train.</summary>
    public RunRecord<LotteryRunResult> OneShot(LotteryConfig c, int seed, int round, RunStore store,
        IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        var dense = Dense(c, seed, store, 0, progress, ct);
        if (round == 0) return dense;
        var rule = Rule(c).Compound(round);
        var run = c.TrainingRun(seed) with { Arm = LotteryArm.OneShot, Round = round, Parent = dense.Hash, Pruning = rule.Key };
        return store.GetOrCompute(Name, run, ctx =>
        {
            var masks = rule.Apply(Kinds(c.Model), WeightFile.Read(Path.Combine(dense.Directory, "final.weights")),
                WeightFile.Read(Path.Combine(dense.Directory, "mask.weights")));
            return Trainer.Train(run, Trainer.Initial(c.Model, seed), masks, ctx, c.CheckpointEvery);
        }, progress, ct);
    }

    /// <inheritdoc/>
    protected override ExperimentReport Execute(LotteryConfig c, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken ct)
    {
        EnsureDataset(c.Dataset);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Enumerable.Range(c.Seed, c.Seeds).ToArray();
        var controlRounds = c.ControlRounds;
        var armRuns = new List<(LotteryArm Arm, Func<int, int, RunRecord<LotteryRunResult>> Run, IReadOnlyList<int> Rounds)>
        {
            (LotteryArm.Ticket, (s, r) => Ticket(c, s, r, Rule(c), c.RewindIteration, store, progress, ct),
                Enumerable.Range(1, c.Rounds).ToList()),
        };
        if (c.Controls)
        {
            armRuns.Add((LotteryArm.Reinit, (s, r) => Reinit(c, s, r, store, progress, ct), controlRounds));
            armRuns.Add((LotteryArm.RandomMask, (s, r) => RandomMask(c, s, r, store, progress, ct), controlRounds));
        }
        var chains = new List<(string Panel, string Variant, int[] Seeds, int Rounds, Func<int, int, RunRecord<LotteryRunResult>> Run)>();
        if (c.MoreAblations)
        {
            var ablationSeeds = seeds.Take(c.AblationSeeds).ToArray();
            void Chain(string panel, string variant, Func<int, int, RunRecord<LotteryRunResult>> run) =>
                chains.Add((panel, variant, ablationSeeds, c.AblationRounds, run));
            foreach (var rate in c.AblationRates)
                Chain("pruning rate per round", FormattableString.Invariant($"{rate:0.##} per round"),
                    (s, r) => Ticket(c, s, r, Rule(c) with { FullyConnected = rate, Convolution = rate / 2, Output = rate / 2 },
                        c.RewindIteration, store, progress, ct));
            Chain("layer-wise vs global", c.GlobalPruning ? "global" : "layer-wise",
                (s, r) => Ticket(c, s, r, Rule(c), c.RewindIteration, store, progress, ct));
            Chain("layer-wise vs global", c.GlobalPruning ? "layer-wise" : "global",
                (s, r) => Ticket(c, s, r, Rule(c) with { Global = !c.GlobalPruning }, c.RewindIteration, store, progress, ct));
            Chain("reset vs late rewinding", "reset to θ0", (s, r) => Ticket(c, s, r, Rule(c), 0, store, progress, ct));
            Chain("reset vs late rewinding", $"rewind to iteration {c.AblationRewindIteration}",
                (s, r) => Ticket(c, s, r, Rule(c), c.AblationRewindIteration, store, progress, ct));
        }

        // Train: ticket rounds first (each unlocks the next and its controls), then the controls and ablation chains,
        // on every core. The lists below then ask for every run again in a fixed order (all cached by then).
        var fresh = new System.Collections.Concurrent.ConcurrentDictionary<string, RunRecord<LotteryRunResult>>();
        RunRecord<LotteryRunResult> Keep(RunRecord<LotteryRunResult> record) => fresh.GetOrAdd(record.Hash, record);
        RunQueue.Job TicketJob(int s, int r) => new(0, () =>
        {
            Keep(armRuns[0].Run(s, r));
            var next = new List<RunQueue.Job>();
            if (r < c.Rounds) next.Add(TicketJob(s, r + 1));
            foreach (var arm in armRuns.Skip(1).Where(a => a.Rounds.Contains(r)))
                next.Add(new(2, () => { Keep(arm.Run(s, r)); return []; }));
            if (c.Ablations && c.OneShotRounds.Contains(r))
                next.Add(new(2, () => { Keep(OneShot(c, s, r, store, progress, ct)); return []; }));
            return next;
        });
        RunQueue.Job ChainJob(int chain, int s, int r) => new(1, () =>
        {
            Keep(chains[chain].Run(s, r));
            return r < chains[chain].Rounds ? [ChainJob(chain, s, r + 1)] : [];
        });
        RunQueue.Drain(seeds.Select(s => TicketJob(s, 0))
            .Concat(chains.SelectMany((chain, i) => chain.Seeds.Select(s => ChainJob(i, s, 0)))), ct);

        var main = armRuns.SelectMany(a => seeds.SelectMany(s => new[] { 0 }.Concat(a.Rounds)
            .Select(r => (a.Arm, Seed: s, Round: r, Record: Keep(a.Run(s, r)))))).ToList();
        var ablations = new List<(string Panel, string Variant, int Seed, int Round, RunRecord<LotteryRunResult> Record)>();
        if (c.Ablations)
            foreach (int s in seeds)
                foreach (int r in new[] { 0 }.Concat(c.OneShotRounds))
                {
                    ablations.Add(("iterative vs one-shot", "iterative", s, r, Keep(armRuns[0].Run(s, r))));
                    ablations.Add(("iterative vs one-shot", "one-shot", s, r, Keep(OneShot(c, s, r, store, progress, ct))));
                }
        foreach (var chain in chains)
            foreach (int s in chain.Seeds)
                for (int r = 0; r <= chain.Rounds; r++)
                    ablations.Add((chain.Panel, chain.Variant, s, r, Keep(chain.Run(s, r))));

        store.AllRunsRequested();
        var (tables, figures) = new LotteryReport(Name).Build(c, main, ablations);
        return new ExperimentReport(Name, c, tables, figures, watch.Elapsed);
    }

    static readonly Dictionary<LotteryModel, (int[] Sizes, LayerKind[] Kinds)> Shapes = new();

    static (int[] Sizes, LayerKind[] Kinds) Shape(LotteryModel model)
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

    static int[] Sizes(LotteryModel model) => Shape(model).Sizes;

    static LayerKind[] Kinds(LotteryModel model) => Shape(model).Kinds;

    static void EnsureDataset(LotteryDataset dataset)
    {
        if (dataset == LotteryDataset.FashionMnist && !FashionMnist.IsInstalled)
            throw new DatasetException(
                $"dataset = 'fashion-mnist' is not installed at {FashionMnist.Folder}; {FashionMnist.InstallCommand}.");
        if (dataset == LotteryDataset.MnistDigits && !MnistDigits.IsInstalled)
            throw new DatasetException($"dataset = 'mnist-digits' is not installed at {MnistDigits.Folder}; {MnistDigits.FetchCommand}.");
    }
}
