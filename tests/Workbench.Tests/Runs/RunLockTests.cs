using Workbench.Papers.Tour;
using Workbench.Runs;
using Workbench.Tests.Cli;

namespace Workbench.Tests.Runs;

/// <summary>Issue #18 item 3: one process computes a run at a time, with real child processes.</summary>
public class RunLockTests
{
    // A tour run long enough that two processes overlap, checkpointing often.
    static readonly string[] Overrides = ["steps=4000", "eval_every=1000", "checkpoint_every=100"];

    static (TourExperiment Experiment, PlannedRun Run) FirstRun(RunStore store)
    {
        var tour = new TourExperiment();
        var plan = tour.Plan(tour.Configure("smoke", Overrides), store);
        return (tour, plan.Runs[0]);
    }

    static string[] RunOne(string hash, string runs) =>
        ["run-one", "tour", hash, "--preset", "smoke", .. Overrides.SelectMany(o => new[] { "--set", o }), "--runs", runs];

    [Fact]
    public void Two_processes_asking_for_the_same_run_compute_it_once()
    {
        using var temp = new TempFolder();
        var (_, run) = FirstRun(new RunStore(temp.Path));
        using var first = CliProcess.Start(new Dictionary<string, string>(), RunOne(run.Hash, temp.Path));
        using var second = CliProcess.Start(new Dictionary<string, string>(), RunOne(run.Hash, temp.Path));
        var outcomes = new[] { CliProcess.Finish(first), CliProcess.Finish(second) };

        Assert.All(outcomes, o => Assert.True(o.Code == 0, o.Output));
        Assert.Single(outcomes, o => o.Output.Contains($"run {run.Hash} (tour tour-run) computed"));
        Assert.Single(outcomes, o => o.Output.Contains("was computed by another process (loaded)")
                                     || o.Output.Contains("was finished already (loaded)"));
        Assert.Equal(RunStatus.Finished, RunPlanner.StatusOf(run.Directory));
    }

    [Fact]
    public void A_process_killed_while_holding_the_lock_leaves_a_run_the_next_process_resumes()
    {
        using var temp = new TempFolder();
        var (_, run) = FirstRun(new RunStore(temp.Path));
        string checkpoint = Path.Combine(run.Directory, "checkpoint.json");
        using (var doomed = CliProcess.Start(new Dictionary<string, string>(), RunOne(run.Hash, temp.Path)))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(checkpoint) && !doomed.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.True(File.Exists(checkpoint), "the first process never wrote a checkpoint");
            Assert.Equal(RunStatus.Running, RunPlanner.StatusOf(run.Directory));
            doomed.Kill(entireProcessTree: true); // SIGKILL: no cleanup, the lock file stays behind
            doomed.WaitForExit();
        }
        Assert.True(File.Exists(Path.Combine(run.Directory, RunLock.FileName)));
        Assert.Equal(RunStatus.Interrupted, RunPlanner.StatusOf(run.Directory));

        var (code, output) = CliProcess.Run(new Dictionary<string, string>(), RunOne(run.Hash, temp.Path));
        Assert.True(code == 0, output);
        Assert.Matches(@"computed \(resumed from its checkpoint at step [1-9]\d*\)", output);
        Assert.Equal(RunStatus.Finished, RunPlanner.StatusOf(run.Directory));
    }

    [Fact]
    public void A_held_lock_is_seen_and_released_on_dispose()
    {
        using var temp = new TempFolder();
        string dir = temp.File("run");
        using (var held = RunLock.TryAcquire(dir))
        {
            Assert.NotNull(held);
            Assert.True(RunLock.IsHeld(dir));
            Assert.Null(RunLock.TryAcquire(dir));
            Assert.Equal(Environment.ProcessId, RunLock.ReadOwner(dir)!.Pid);
        }
        Assert.False(RunLock.IsHeld(dir));
    }
}
