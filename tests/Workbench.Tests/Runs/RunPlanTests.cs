using Workbench.Papers.LotteryTicket;
using Workbench.Papers.Tour;
using Workbench.Runs;

namespace Workbench.Tests.Runs;

/// <summary>Issue #18 items 1 and 2: the run graph of a preset, and computing exactly one run of it.</summary>
public class RunPlanTests
{
    [Fact]
    public void The_lottery_plan_chains_each_round_on_the_previous_one_and_controls_on_the_ticket()
    {
        using var temp = new TempFolder();
        var lottery = new LotteryExperiment();
        var config = lottery.Configure("smoke", "ablations=false; more_ablations=false");
        var plan = lottery.Plan(config, new RunStore(temp.Path));

        Assert.Null(plan.PartialAfter);
        // seeds × (dense + rounds × ticket, reinit, random mask)
        Assert.Equal(config.Seeds * (1 + 3 * config.Rounds), plan.Runs.Count);
        Assert.All(plan.Runs, r => Assert.Equal(RunStatus.NotStarted, r.Status));
        var byHash = plan.Runs.ToDictionary(r => r.Hash);
        foreach (var run in plan.Runs)
        {
            int round = (int?)run.Config["round"] ?? 0;
            string arm = (string)run.Config["arm"]!;
            if (round == 0) { Assert.Empty(run.DependsOn); Assert.Equal(0, run.Level); continue; }
            var parent = byHash[Assert.Single(run.DependsOn)];
            Assert.Equal((string?)run.Config["parent"], parent.Hash);
            Assert.Contains((string)parent.Config["arm"]!, new[] { "ticket", "dense" });
            Assert.Equal(arm == "ticket" ? round - 1 : round, (int?)parent.Config["round"] ?? 0);
            Assert.Equal(parent.Level + 1, run.Level);
        }
    }

    [Fact]
    public void A_report_of_what_has_finished_shows_the_finished_seeds_and_computes_nothing()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var tour = new TourExperiment();
        var config = tour.Configure("smoke", "seeds=2");
        int Finished() => Directory.EnumerateFiles(temp.Path, "result.json", SearchOption.AllDirectories).Count();

        var nothing = tour.ReportFinished(config, store);
        Assert.Null(nothing.Report);
        Assert.StartsWith("No report of tour yet", nothing.Summary);
        Assert.Equal(0, Finished());

        tour.Run(tour.Configure("smoke", "seeds=1"), store); // what the cluster has finished so far: seed 0 and the sweep
        int before = Finished();
        var partial = tour.ReportFinished(config, store);
        Assert.Equal(before, Finished()); // loaded, computed nothing
        Assert.False(partial.IsComplete);
        Assert.Equal(1, Assert.IsType<TourConfig>(partial.ReportedConfig).Seeds);
        Assert.Contains("seeds=1 of 2", partial.Summary);
        Assert.All(partial.Report!.Figures, f => Assert.StartsWith("preset smoke with seeds=1", f.Caption));

        tour.Run(config, store);
        var whole = tour.ReportFinished(config, store);
        Assert.True(whole.IsComplete);
        Assert.Equal(config, whole.ReportedConfig);
        Assert.StartsWith("Every run of tour is finished", whole.Summary);
    }

    [Fact]
    public void A_lottery_report_of_what_has_finished_shows_the_finished_rounds()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var lottery = new LotteryExperiment();
        const string cheap = "ablations=false; more_ablations=false; seeds=1; iterations=30; eval_every=10";
        lottery.Run(lottery.Configure("smoke", cheap + "; rounds=1"), store); // the cluster's first two levels

        var partial = lottery.ReportFinished(lottery.Configure("smoke", cheap + "; rounds=2"), store);
        Assert.Equal(1, Assert.IsType<LotteryConfig>(partial.ReportedConfig).Rounds);
        Assert.Contains("rounds=1 of 2", partial.Summary);
        Assert.NotEmpty(partial.Report!.Figure("accuracy-vs-remaining").Spec["data"]!.AsArray());
    }

    [Fact]
    public void Run_one_computes_exactly_that_run_and_names_a_missing_dependency_in_one_sentence()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var lottery = new LotteryExperiment();
        var config = lottery.Configure("smoke",
            "ablations=false; more_ablations=false; controls=false; seeds=1; rounds=1; iterations=30; eval_every=10");
        var plan = lottery.Plan(config, store);
        var dense = plan.Runs.Single(r => r.Level == 0);
        var ticket = plan.Runs.Single(r => r.Level == 1);

        var missing = Assert.Throws<RunPlanException>(() => lottery.RunOne(config, store, ticket.Hash[..8]));
        Assert.Equal($"Run {ticket.Hash[..8]} of lottery-ticket starts from run {dense.Hash[..8]}, which is not finished; run that first "
                     + $"(`workbench run-one lottery-ticket {dense.Hash[..8]}`, same preset and overrides).", missing.Message);

        var computed = lottery.RunOne(config, store, dense.Hash);
        Assert.True(computed.Computed);
        var after = lottery.Plan(config, store);
        Assert.Equal(RunStatus.Finished, after.Runs.Single(r => r.Hash == dense.Hash).Status);
        Assert.Equal(RunStatus.NotStarted, after.Runs.Single(r => r.Hash == ticket.Hash).Status);
        Assert.Equal(0, after.Runs.Single(r => r.Hash == ticket.Hash).Level);
        Assert.NotNull(after.Runs.Single(r => r.Hash == ticket.Hash).EstimatedSeconds);

        Assert.False(lottery.RunOne(config, store, dense.Hash).Computed); // finished: loaded
        Assert.True(lottery.RunOne(config, store, ticket.Hash).Computed);
    }

    [Theory]
    [InlineData("0123456789abcdef", "Run 0123456789abcdef is not in the plan of tour with this preset and these overrides; "
        + "`workbench plan tour` lists its runs.")]
    [InlineData("xyz", "Run 'xyz' is not a run hash (8 to 16 lower-case hex digits, as `workbench plan` prints them).")]
    public void An_unknown_run_is_one_sentence(string hash, string message)
    {
        using var temp = new TempFolder();
        var tour = new TourExperiment();
        var error = Assert.Throws<RunPlanException>(() => tour.RunOne(tour.Configure("smoke"), new RunStore(temp.Path), hash));
        Assert.Equal(message, error.Message);
    }
}
