using System.Diagnostics;
using Workbench.Kernels.Mcts;
using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero on tic-tac-toe (with short Connect-4 and cart-pole sections beside it, or one of those alone with
/// <c>game=connect4</c> / <c>game=cartpole</c>): the main runs over seeds (trained from scratch with the batched
/// search), AlphaZero runs (the same loop searching with the real rules), training ablations (self-play simulations,
/// unroll steps K), the strength of the trained networks against simulations at evaluation for pUCT and Gumbel,
/// learned vs true model at equal simulations, and the exact audit of each learned model. Every piece is a cached run;
/// evaluations and audits name their training run by hash.
/// </summary>
public sealed class MuZeroExperiment : Experiment<MuZeroConfig>
{
    /// <inheritdoc/>
    protected override MuZeroConfig Smoke => new()
    {
        Iterations = 6, GamesPerIteration = 32, TrainStepsPerIteration = 5, BatchSize = 64, EvalEvery = 3, EvalGames = 20,
        FinalEvalGames = 40, CheckpointEvery = 3, Seeds = 2, AlphaZeroSeeds = 1, EvalSimulationSweep = [2, 8],
        SweepGames = 20, TrainSimulationSweep = [2], UnrollSweep = [1], EvalSimulations = 8,
        ConnectFourSeeds = 1, ConnectFourIterations = 2, ConnectFourTrainSteps = 5, CartPoleSeeds = 1, CartPoleIterations = 2,
        CartPoleEpisodes = 4, CartPoleTrainSteps = 5, EpisodeSteps = 50,
    };

    /// <inheritdoc/>
    protected override MuZeroConfig Paper => new()
    {
        Iterations = 300, GamesPerIteration = 128, TrainStepsPerIteration = 80, ReplayGames = 3000, EvalEvery = 25, EvalGames = 200,
        FinalEvalGames = 1000, CheckpointEvery = 25, Seeds = 5, AlphaZeroSeeds = 5, SweepGames = 1000, Simulations = 16,
        TrainSimulationSweep = [2, 4, 8], ConnectFourSeeds = 3, ConnectFourIterations = 200, CartPoleSeeds = 5,
        CartPoleIterations = 40, CartPoleEpisodes = 32, EpisodeSteps = CartPole.StepLimit,
    };

    /// <summary>Trains (or loads) one run.</summary>
    public RunRecord<MuZeroTrainResult> TrainOne(MuZeroTrainRun run, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default) =>
        store.GetOrCompute(Name, run, ctx => MuZeroTraining.Train(run, ctx), progress, cancellation);

    /// <summary>The final network of a finished training run (dispose it).</summary>
    public static MuZeroNetwork Network(MuZeroTrainRun run, RunRecord<MuZeroTrainResult> record) =>
        MuZeroTraining.Load(run, record.Directory);

    /// <summary>Evaluates (or loads) a trained network with one search setting against one opponent.</summary>
    public RunRecord<Score> EvaluateOne(MuZeroTrainRun parent, RunRecord<MuZeroTrainResult> trained, MuZeroEvalRun eval, RunStore store,
        CancellationToken cancellation = default) =>
        store.GetOrCompute(Name, eval, _ =>
        {
            using var net = Network(parent, trained);
            var options = parent.EvalOptions(eval.Search, eval.Simulations) with { ConsideredActions = eval.ConsideredActions };
            return Arena.Play(new Planner(net, eval.TrueModel), eval.Opponent, eval.Games, options, Seeds.Rng(eval.Seed, "arena"));
        }, null, cancellation);

    /// <summary>Audits (or loads the audit of) a trained network against the oracle.</summary>
    public RunRecord<MuZeroAuditResult> AuditOne(MuZeroTrainRun parent, RunRecord<MuZeroTrainResult> trained, MuZeroAuditRun audit,
        RunStore store, CancellationToken cancellation = default) =>
        store.GetOrCompute(Name, audit, _ =>
        {
            using var net = Network(parent, trained);
            return ModelAudit.Run(net, audit.MaxSteps, audit.Seed);
        }, null, cancellation);

    /// <summary>
    /// The agent's reply in a game given as the moves so far (see <see cref="MuZeroPlay.Reply"/>) with the configured search
    /// at evaluation strength: the shipped checkpoint's network (<see cref="ShippedCheckpoint"/>, strong at once; its first
    /// line says where it comes from and whether it is stale) when <paramref name="shipped"/> and one is shipped, else the
    /// main run's network at the first seed.
    /// </summary>
    public string Play(MuZeroConfig config, RunStore store, string moves, bool shipped = true)
    {
        var run = config.TrainRun(config.Seed);
        using (var checkpoint = shipped ? ShippedCheckpoint.TryLoad(this) : null)
            if (checkpoint is not null)
                return checkpoint.Describe() + "\n"
                    + MuZeroPlay.Reply(new Planner(checkpoint.Network, false), moves,
                        run.EvalOptions(config.Search, config.EvalSimulations));
        var record = TrainOne(run, store);
        using var net = Network(run, record);
        return MuZeroPlay.Reply(new Planner(net, false), moves, run.EvalOptions(config.Search, config.EvalSimulations));
    }

    /// <summary>
    /// A training run's relative cost, to start the longest runs first: its Adam steps, each costing about one unit per
    /// unrolled state plus one for the representation and the optimizer (measured: K = 0, 1, 3, 5 took 13, 23, 35 and 46 s
    /// at 80 × 48 steps).
    /// </summary>
    static double TrainingCost(MuZeroTrainRun run) =>
        (double)run.Iterations * run.TrainStepsPerIteration * run.BatchSize * (run.UnrollSteps + 2);

    /// <inheritdoc/>
    protected override ExperimentReport Execute(MuZeroConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        if (config.Game != GameKind.TicTacToe)
        {
            // The game alone: its MuZero runs over seeds, and AlphaZero runs (the same loop searching with the real rules).
            var runs = Enumerable.Range(config.Seed, config.Seeds).Select(s => config.GameRun(config.Game, s)).ToList();
            var alpha = Enumerable.Range(config.Seed, config.AlphaZeroSeeds).Select(s => config.GameRun(config.Game, s, trueModel: true))
                .ToList();
            var gameRecords = ParallelRuns.Map([.. runs, .. alpha], r => TrainOne(r, store, progress, cancellation), cancellation,
                TrainingCost);
            store.AllRunsRequested();
            var section = MuZeroGameReport.Build(Name, config, runs, gameRecords[..runs.Count], alpha, gameRecords[runs.Count..]);
            return new ExperimentReport(Name, config, [.. section.Tables, ("paper-vs-ours", PaperVsOurs.Table(section.Rows))],
                section.Figures, watch.Elapsed);
        }
        int[] seeds = [.. Enumerable.Range(config.Seed, config.Seeds)];
        var mainRuns = seeds.Select(s => config.TrainRun(s)).ToList();
        var alphaRuns = Enumerable.Range(config.Seed, config.AlphaZeroSeeds).Select(s => config.TrainRun(s, trueModel: true)).ToList();
        var simRuns = config.TrainSimulationSweep.Where(n => n != config.Simulations)
            .Select(n => config.TrainRun(config.Seed, simulations: n)).ToList();
        var unrollRuns = config.UnrollSweep.Where(k => k != config.UnrollSteps)
            .Select(k => config.TrainRun(config.Seed, unroll: k)).ToList();
        // Beside tic-tac-toe: Connect-4 (MuZero, and AlphaZero at as many of those seeds as alpha_zero_seeds allows) and cart-pole.
        var sideRuns = Enumerable.Range(config.Seed, config.ConnectFourSeeds).Select(s => config.GameRun(GameKind.ConnectFour, s))
            .Concat(Enumerable.Range(config.Seed, config.CartPoleSeeds).Select(s => config.GameRun(GameKind.CartPole, s))).ToList();
        var sideAlpha = Enumerable.Range(config.Seed, Math.Min(config.ConnectFourSeeds, config.AlphaZeroSeeds))
            .Select(s => config.GameRun(GameKind.ConnectFour, s, trueModel: true)).ToList();
        var all = mainRuns.Concat(alphaRuns).Concat(simRuns).Concat(unrollRuns).Concat(sideRuns).Concat(sideAlpha).Distinct().ToList();
        var trained = ParallelRuns.Map(all, r => TrainOne(r, store, progress, cancellation), cancellation, TrainingCost);
        var records = all.Zip(trained).ToDictionary(p => p.First, p => p.Second);

        // Strength against simulations at evaluation, pUCT vs Gumbel, on the main runs' networks (against the rule bot).
        var sweepItems = (from run in mainRuns
                          from kind in new[] { SearchKind.Puct, SearchKind.Gumbel }
                          from sims in config.EvalSimulationSweep
                          select (Run: run, Kind: kind, Sims: sims)).ToList();
        var sweepScores = ParallelRuns.Map(sweepItems, item => EvaluateOne(item.Run, records[item.Run],
            config.EvalRun(records[item.Run].Hash, item.Kind, item.Sims, false, Opponent.RuleBot, config.SweepGames, item.Run.Seed),
            store, cancellation), cancellation);

        // The same networks searching with their learned dynamics vs the real rules, at equal simulations.
        var modelItems = (from run in mainRuns from trueModel in new[] { false, true } select (Run: run, TrueModel: trueModel)).ToList();
        var modelScores = ParallelRuns.Map(modelItems, item => EvaluateOne(item.Run, records[item.Run],
            config.EvalRun(records[item.Run].Hash, config.Search, config.EvalSimulations, item.TrueModel, Opponent.RuleBot,
                config.SweepGames, item.Run.Seed), store, cancellation), cancellation);

        var audits = ParallelRuns.Map(mainRuns, run => AuditOne(run, records[run], config.AuditRun(records[run].Hash, run.Seed), store,
            cancellation), cancellation);
        store.AllRunsRequested(); // every run is named above (a plan stops here); the numbers are read below
        var sweep = sweepItems.Zip(sweepScores, (i, s) => new SweepPoint(i.Run.Seed, i.Kind, i.Sims, s.Result)).ToList();
        var learnedVsTrue = modelItems.Zip(modelScores, (i, s) => (i.Run.Seed, i.TrueModel, Score: s.Result)).ToList();

        var tree = SearchTreePicture(mainRuns[0], records[mainRuns[0]], config);
        var visited = RootCoverage(mainRuns[0], records[mainRuns[0]], config);
        var sections = new[] { GameKind.ConnectFour, GameKind.CartPole }
            .Select(g => sideRuns.Where(r => r.Game == g).ToList()).Where(runs => runs.Count > 0)
            .Select(runs =>
            {
                var alpha = sideAlpha.Where(r => r.Game == runs[0].Game).ToList();
                return MuZeroGameReport.Build(Name, config, runs, [.. runs.Select(r => records[r])], alpha,
                    [.. alpha.Select(r => records[r])]);
            }).ToList();
        var (tables, figures) = MuZeroReport.Build(this, config, new MuZeroReport.Inputs(mainRuns, alphaRuns, simRuns, unrollRuns, records,
            sweep, learnedVsTrue, [.. audits.Select(a => a.Result)], tree, visited, watch.Elapsed, sections));
        return new ExperimentReport(Name, config, tables, figures, watch.Elapsed);
    }

    /// <summary>One point of the evaluation ablation.</summary>
    public sealed record SweepPoint(int Seed, SearchKind Kind, int Simulations, Score Score);

    /// <summary>The position of the search-tree picture: X took a corner, O the centre, X the opposite corner; O to move.</summary>
    public static TicTacToe PicturePosition => TicTacToe.Empty.Play(0).Next.Play(4).Next.Play(8).Next;

    /// <summary>Root statistics of one search (the configured kind, evaluation simulations) on <see cref="PicturePosition"/>.</summary>
    static SearchResult SearchTreePicture(MuZeroTrainRun run, RunRecord<MuZeroTrainResult> record, MuZeroConfig config)
    {
        using var net = Network(run, record);
        return new Planner(net, false).Search([PicturePosition], run.EvalOptions(config.Search, config.EvalSimulations), new Random(0));
    }

    /// <summary>Distinct root moves visited at the empty board, per search and simulation count (pUCT needs ≥ 9 to try all 9).</summary>
    static List<(SearchKind Kind, int Simulations, int Visited)> RootCoverage(MuZeroTrainRun run, RunRecord<MuZeroTrainResult> record,
        MuZeroConfig config)
    {
        using var net = Network(run, record);
        var planner = new Planner(net, false);
        var rows = new List<(SearchKind, int, int)>();
        foreach (var kind in new[] { SearchKind.Puct, SearchKind.Gumbel })
            foreach (int sims in config.EvalSimulationSweep)
            {
                var result = planner.Search([TicTacToe.Empty], run.EvalOptions(kind, sims), new Random(0));
                rows.Add((kind, sims, result.Tree.RootVisits(0).Count(v => v > 0)));
            }
        return rows;
    }
}
