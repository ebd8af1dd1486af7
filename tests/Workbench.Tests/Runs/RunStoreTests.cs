using System.Diagnostics;
using Workbench.Papers.Tour;
using Workbench.Runs;

namespace Workbench.Tests.Runs;

public class RunStoreTests
{
    sealed record CountingResult(double Value);

    static RunRecord<CountingResult> Compute(RunStore store, TourConfig config, Action onCompute) =>
        store.GetOrCompute("counting", config, ctx =>
        {
            onCompute();
            for (int step = 1; step <= 3; step++) ctx.Log(step, "value", step * config.LearningRate);
            return new CountingResult(config.Steps * config.LearningRate);
        });

    [Fact]
    public void A_finished_run_is_loaded_without_computing()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        int computed = 0;
        var first = Compute(store, new TourConfig { Steps = 7 }, () => computed++);
        var second = Compute(store, new TourConfig { Steps = 7 }, () => computed++);
        Assert.Equal(1, computed);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Result, second.Result);
        Assert.Equal(first.Metrics, second.Metrics);
        Assert.True(File.Exists(Path.Combine(second.Directory, "config.json")));
    }

    [Fact]
    public void A_torn_result_file_is_never_served()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        int computed = 0;
        var first = Compute(store, new TourConfig { Steps = 9 }, () => computed++);
        File.WriteAllText(Path.Combine(first.Directory, "result.json"), "{\"Value\": 1"); // half-written
        var second = Compute(store, new TourConfig { Steps = 9 }, () => computed++);
        Assert.Equal(2, computed);
        Assert.False(second.FromCache);
        Assert.Equal(first.Result, second.Result);
    }

    [Fact]
    public void A_torn_metrics_file_is_never_served()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        int computed = 0;
        var first = Compute(store, new TourConfig { Steps = 11 }, () => computed++);
        var metricsPath = Path.Combine(first.Directory, "metrics.csv");
        var lines = File.ReadAllLines(metricsPath);
        File.WriteAllLines(metricsPath, lines[..^2]); // lost its tail
        var second = Compute(store, new TourConfig { Steps = 11 }, () => computed++);
        Assert.Equal(2, computed);
        Assert.Equal(first.Metrics, second.Metrics);
    }

    [Fact]
    public void Leftover_temporary_files_are_ignored()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var dir = store.RunDirectory("counting", new TourConfig { Steps = 13 });
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "result.json.tmp-1-abc"), "garbage");
        int computed = 0;
        Compute(store, new TourConfig { Steps = 13 }, () => computed++);
        Assert.Equal(1, computed);
    }

    [Fact]
    public void Sweeps_reuse_finished_points()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        int computed = 0;
        Func<TourConfig, RunRecord<CountingResult>> run = c => Compute(store, c, () => computed++);
        Func<RunRecord<CountingResult>, IReadOnlyDictionary<string, double>> summary =
            r => new Dictionary<string, double> { ["value"] = r.Result.Value };
        var table = Sweep.Run(new TourConfig(), [SweepAxis.Of("steps", 1, 2), SweepAxis.Of("learning_rate", 0.1, 0.2)], run, summary);
        Assert.Equal(4, computed);
        Assert.Equal(4, table.Rows.Count);
        Assert.Equal(["steps", "learning_rate", "value"], table.Columns.Select(c => c.Name));
        Assert.Equal(0.4, (double)table.Columns["value"][3]!, 12);
        Sweep.Run(new TourConfig(), [SweepAxis.Of("steps", 1, 2, 3), SweepAxis.Of("learning_rate", 0.1, 0.2)], run, summary);
        Assert.Equal(6, computed); // only the two new points
    }

    [Fact]
    public void Sweep_values_out_of_range_are_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => Sweep.Grid(new TourConfig(), SweepAxis.Of("steps", 10, -1)));
        Assert.Contains("steps = -1 is out of range", e.Message);
    }

    [Fact]
    public void Killed_run_resumes_from_its_checkpoint_with_identical_results()
    {
        using var killed = new TempFolder();
        using var clean = new TempFolder();
        string[] overrides = ["steps=3000", "checkpoint_every=150", "eval_every=150", "train_images=5000", "seeds=1"];
        var tour = new TourExperiment();
        var config = tour.Configure("smoke", overrides);
        var single = config.TrainingRun(config.Seed, config.LearningRate);
        string runDir = new RunStore(killed.Path).RunDirectory("tour", single);

        // A real child process trains the run; we kill it as soon as its first checkpoint lands.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { TestPaths.CliDll, "run", "tour", "--preset", "smoke", "--runs", killed.Path }
                .Concat(overrides.SelectMany(o => new[] { "--set", o })))
            start.ArgumentList.Add(arg);
        start.Environment["WORKBENCH_FIGURES"] = killed.File("figures");
        using (var child = Process.Start(start)!)
        {
            var checkpoint = Path.Combine(runDir, "checkpoint.json");
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!File.Exists(checkpoint) && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.True(File.Exists(checkpoint), $"no checkpoint appeared; child exited={child.HasExited}: " +
                $"{(child.HasExited ? child.StandardError.ReadToEnd() + child.StandardOutput.ReadToEnd() : "")}");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(runDir, "result.json")), "the child finished before it could be killed; raise steps");

        var resumed = tour.RunOne(single, new RunStore(killed.Path));
        var uninterrupted = tour.RunOne(single, new RunStore(clean.Path));

        Assert.NotNull(resumed.ResumedFromStep);
        Assert.True(resumed.ResumedFromStep > 0);
        Assert.Null(uninterrupted.ResumedFromStep);
        Assert.Equal(uninterrupted.Result.TestAccuracy, resumed.Result.TestAccuracy);
        Assert.Equal(uninterrupted.Result.TestLoss, resumed.Result.TestLoss);
        Assert.Equal(uninterrupted.Metrics, resumed.Metrics);
        Assert.False(File.Exists(Path.Combine(runDir, "checkpoint.json")), "a finished run keeps no checkpoint");
    }
}
