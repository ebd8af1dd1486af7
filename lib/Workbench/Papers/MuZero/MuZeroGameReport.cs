using System.Globalization;
using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;

namespace Workbench.Papers.MuZero;

/// <summary>
/// The report section of one game's training runs besides tic-tac-toe (or the whole report with <c>game=connect4</c> or
/// <c>game=cartpole</c>): learning curves over seeds, the final measurement per run, and paper-vs-ours rows.
/// </summary>
public static class MuZeroGameReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Tables, figures and paper-vs-ours rows of one game's runs.</summary>
    public sealed record Section(IReadOnlyList<(string Name, DataFrame Table)> Tables, IReadOnlyList<Figure> Figures,
        IReadOnlyList<PaperVsOurs.Row> Rows);

    /// <summary>The slug of a game in table and figure names: "connect4", "cartpole".</summary>
    public static string Prefix(GameKind game) => EnumNames.Of(game);

    /// <summary>
    /// Builds the section of <paramref name="runs"/> (all of one game, one per seed), with the AlphaZero runs of the same
    /// game (search with the real rules) beside them when there are any.
    /// </summary>
    public static Section Build(string slug, MuZeroConfig config, IReadOnlyList<MuZeroTrainRun> runs,
        IReadOnlyList<RunRecord<MuZeroTrainResult>> records, IReadOnlyList<MuZeroTrainRun>? alphaRuns = null,
        IReadOnlyList<RunRecord<MuZeroTrainResult>>? alphaRecords = null)
    {
        alphaRuns ??= [];
        alphaRecords ??= [];
        var game = runs[0].GameRules;
        string prefix = Prefix(game.Kind);
        int seeds = runs.Count;
        var run0 = runs[0];
        string scale = $"{run0.Iterations} iterations × {run0.GamesPerIteration} self-play {(game.TwoPlayer ? "games" : "episodes")}, "
            + $"{run0.TrainStepsPerIteration} Adam steps; {run0.Simulations} {EnumNames.Of(run0.Search)} simulations per move";
        var tables = new List<(string, DataFrame)>();
        var figures = new List<Figure>();
        var rows = new List<PaperVsOurs.Row>();
        if (game.TwoPlayer)
        {
            var opponents = game.Opponents;
            var agents = new[] { ("MuZero", records), ("AlphaZero", alphaRecords) }.Where(a => a.Item2.Count > 0).ToList();
            var curves = agents.SelectMany(agent => opponents.Select(o =>
            {
                var stats = NonLossSeries(agent.Item2, o);
                return new Curve($"{(agents.Count > 1 ? agent.Item1 + ": " : "")}non-loss vs {Label(o)}",
                    [.. stats.Select(s => (double)s.Step)], [.. stats.Select(s => s.Mean)], [.. stats.Select(s => s.Std)],
                    Markers: true, Dash: agent.Item1 == "MuZero" ? "solid" : "dash", BandLimits: (0, 1));
            }));
            var curvesFigure = Plots.Lines(slug, $"{prefix}-curves",
                $"{game.Title} from scratch: non-loss rate during training{(agents.Count > 1 ? ", MuZero and AlphaZero (dashed)" : "")}"
                + $"<br>({run0.EvalGames} games per point; {seeds} "
                + $"{(seeds == 1 ? "seed" : "seeds, mean ± std")})", "training iteration", "non-loss rate (fraction of games)", curves);
            // Ticks every 0.2 of the rate, so the 0 and 1 near the data's ends are labelled (the house ticks left them out).
            Plots.FixedTicks(curvesFigure, "yaxis", [0, 0.2, 0.4, 0.6, 0.8, 1]);
            figures.Add(curvesFigure);
            var all = runs.Zip(records, (r, rec) => (Agent: "MuZero", r.Seed, Record: rec))
                .Concat(alphaRuns.Zip(alphaRecords, (r, rec) => (Agent: "AlphaZero (true model)", r.Seed, Record: rec))).ToList();
            tables.Add(($"{prefix}-final", new DataFrame(
                new StringDataFrameColumn("agent", all.Select(a => a.Agent)),
                new Int32DataFrameColumn("seed", all.Select(a => a.Seed)),
                new DoubleDataFrameColumn("non_loss_vs_random", all.Select(a => a.Record.Result.Random.NonLoss)),
                new DoubleDataFrameColumn("non_loss_vs_rule_bot", all.Select(a => a.Record.Result.RuleBot.NonLoss)),
                new StringDataFrameColumn("w/d/l vs random", all.Select(a => Wdl(a.Record.Result.Random))),
                new StringDataFrameColumn("w/d/l vs rule bot", all.Select(a => Wdl(a.Record.Result.RuleBot))),
                new DoubleDataFrameColumn("train_s", all.Select(a => Math.Round(a.Record.Result.TrainSeconds, 1))),
                new BooleanDataFrameColumn("from_cache", all.Select(a => a.Record.FromCache)),
                new StringDataFrameColumn("run", all.Select(a => a.Record.Hash)))));
            var (random, randomStd) = SeriesStats.MeanStd(records.Select(r => r.Result.Random.NonLoss));
            var (rule, ruleStd) = SeriesStats.MeanStd(records.Select(r => r.Result.RuleBot.NonLoss));
            rows.Add(new($"MuZero learns {game.Title} from scratch, planning in a learned model of unknown rules ({scale})",
                "superhuman in Go, chess and shogi without the rules (reported, Fig. 2); Connect-4 is not in the paper",
                $"non-loss over {run0.FinalEvalGames} games: vs random {PaperVsOurs.Percent(random, randomStd, seeds)}, "
                + $"vs the rule bot {PaperVsOurs.Percent(rule, ruleStd, seeds)}",
                random >= 0.9
                    ? rule >= 0.8 ? "holds at this scale (≥ 90 % vs random, ≥ 80 % vs the rule bot)"
                        : "partly at this scale: it beats a random player (≥ 90 %), not yet the rule bot (< 80 %)"
                    : "does not hold at this scale (< 90 % non-loss against a random player)"));
            if (alphaRecords.Count > 0)
            {
                var (azRandom, azRandomStd) = SeriesStats.MeanStd(alphaRecords.Select(r => r.Result.Random.NonLoss));
                var (azRule, azRuleStd) = SeriesStats.MeanStd(alphaRecords.Select(r => r.Result.RuleBot.NonLoss));
                bool match = Math.Abs(azRule - rule) <= Math.Max(azRuleStd + ruleStd, 0.05)
                    && Math.Abs(azRandom - random) <= Math.Max(azRandomStd + randomStd, 0.05);
                rows.Add(new($"Search with a learned model matches search with the true model ({game.Title}, same training loop)",
                    "MuZero matches AlphaZero in chess and shogi, slightly exceeds it in Go (reported, Fig. 2)",
                    $"non-loss vs the rule bot: MuZero {PaperVsOurs.Percent(rule, ruleStd, seeds)}, AlphaZero "
                    + $"{PaperVsOurs.Percent(azRule, azRuleStd, alphaRecords.Count)}; vs random: MuZero "
                    + $"{PaperVsOurs.Percent(random, randomStd, seeds)}, AlphaZero "
                    + $"{PaperVsOurs.Percent(azRandom, azRandomStd, alphaRecords.Count)}",
                    match ? "holds at this scale"
                        : azRule > rule ? "does not hold at this scale: AlphaZero (the real rules in the search) is stronger"
                            : "does not hold at this scale: MuZero is stronger"));
            }
        }
        else
        {
            var stats = SeriesStats.MeanStd([.. records.Select(r => r.Series("return"))]);
            figures.Add(Plots.Lines(slug, $"{prefix}-returns",
                $"{game.Title}: MuZero's episode return during training (cap {run0.EpisodeSteps} steps)<br>({run0.EvalGames} "
                + $"episodes per point; {seeds} {(seeds == 1 ? "seed" : "seeds")}; categorical h(x) value and reward)",
                "training iteration",
                "undiscounted return (steps balanced)",
                [
                    new Curve($"mean ± std over {seeds} {(seeds == 1 ? "seed" : "seeds")}", [.. stats.Select(s => (double)s.Step)],
                        [.. stats.Select(s => s.Mean)], [.. stats.Select(s => s.Std)], Markers: true,
                        BandLimits: (0, run0.EpisodeSteps)),
                    .. runs.Zip(records, (run, record) => new Curve($"seed {run.Seed}",
                        [.. record.Series("return").Select(p => (double)p.Step)], [.. record.Series("return").Select(p => p.Value)],
                        Dash: "dot")),
                ]));
            var first = records.Select(r => r.Series("return").First().Value).ToList();
            tables.Add(($"{prefix}-final", new DataFrame(
                new Int32DataFrameColumn("seed", runs.Select(r => r.Seed)),
                new DoubleDataFrameColumn("return_first_eval", first),
                new StringDataFrameColumn("return_final", records.Select(r =>
                    $"{r.Result.MeanReturn.ToString("0.0", Inv)} ± {r.Result.ReturnStd.ToString("0.0", Inv)}")),
                new Int32DataFrameColumn("final_episodes", runs.Select(r => r.FinalEvalGames)),
                new DoubleDataFrameColumn("train_s", records.Select(r => Math.Round(r.Result.TrainSeconds, 1))),
                new Int32DataFrameColumn("skipped_steps", records.Select(r => r.Result.SkippedSteps)),
                new BooleanDataFrameColumn("from_cache", records.Select(r => r.FromCache)),
                new StringDataFrameColumn("run", records.Select(r => r.Hash)))));
            var (start, startStd) = SeriesStats.MeanStd(first);
            var (end, endStd) = SeriesStats.MeanStd(records.Select(r => r.Result.MeanReturn));
            // A seed "rises" when its final return beats its return before training by a tenth of the cap or more.
            double margin = 0.1 * run0.EpisodeSteps;
            int riseSeeds = records.Count(r => r.Result.MeanReturn - r.Series("return").First().Value >= margin);
            rows.Add(new($"MuZero learns a single-player task with rewards, discounting (γ = {run0.Discount.ToString(Inv)}, "
                + $"{run0.TdSteps}-step targets) and the h(x) value transform on a categorical support (S = {run0.SupportSize}); "
                + $"cart-pole, {scale}",
                "state of the art on 57 Atari games with the same machinery (reported, Table 1); cart-pole is not in the paper",
                $"return (cap {run0.EpisodeSteps}) at the first evaluation {start.ToString("0.0", Inv)} ± {startStd.ToString("0.0", Inv)}"
                + $" → final {end.ToString("0.0", Inv)} ± {endStd.ToString("0.0", Inv)} ({seeds} seeds; it rose by ≥ "
                + $"{margin.ToString("0", Inv)} steps in {riseSeeds} of {seeds})",
                end - start > Math.Max(startStd + endStd, margin) && riseSeeds == seeds
                    ? "holds at this scale: the return rises clearly in every seed"
                    : end - start > margin
                        ? $"partly at this scale: the return rises on the mean, but clearly in only {riseSeeds} of {seeds} seeds "
                            + "or within seed noise (see the curve: learning is unstable at this scale)"
                        : "does not hold at this scale: the return does not rise clearly"));
        }
        return new Section(tables, figures, rows);
    }

    static List<(long Step, double Mean, double Std)> NonLossSeries(IReadOnlyList<RunRecord<MuZeroTrainResult>> records, Opponent o)
    {
        string name = EnumNames.Of(o);
        IReadOnlyList<IReadOnlyList<(long Step, double Value)>> perRun =
            [.. records.Select(r =>
                (IReadOnlyList<(long Step, double Value)>)[.. r.Series($"loss_{name}").Select(p => (p.Step, 1 - p.Value))])];
        return [.. SeriesStats.MeanStd(perRun).Select(s => (s.Step, s.Mean, s.Std))];
    }

    static string Wdl(Score s) => $"{s.Wins}/{s.Draws}/{s.Losses}";

    static string Label(Opponent o) => o == Opponent.Random ? "random" : o == Opponent.RuleBot ? "the rule bot" : "perfect play";
}
