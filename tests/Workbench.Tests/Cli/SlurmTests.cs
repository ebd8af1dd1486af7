using System.Diagnostics;
using System.Text;
using Microsoft.Data.Analysis;
using Workbench.Cli;
using Workbench.Papers;
using Workbench.Papers.LotteryTicket;
using Workbench.Runs;

namespace Workbench.Tests.Cli;

/// <summary>Issue #18: submission to Slurm, with a real single-node cluster (items 4, 5 and 7).</summary>
public class SlurmTests
{
    // Quotes, command substitution, ';', '%', '$' and a newline: everything a shell or Slurm could read as syntax.
    const string Hostile = "it's $(touch pwned); `touch pwned2` & echo \"%A\" $HOME\nnext";

    [Fact]
    public void Shell_quoting_gives_back_every_string_exactly()
    {
        foreach (var value in new[] { Hostile, "", "plain", "a b", "'", "''", "\\", "--set=x" })
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("printf %s " + SlurmSubmission.ShellQuote(value));
            using var process = Process.Start(start)!;
            string echoed = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(value, echoed);
        }
    }

    [Theory]
    [InlineData(new[] { "--partition", "gpu;rm -rf x" }, "--partition 'gpu;rm -rf x' is not a Slurm partition name")]
    [InlineData(new[] { "--time", "2 hours" }, "--time '2 hours' is not a Slurm time limit")]
    [InlineData(new[] { "--cpus-per-run", "0" }, "--cpus-per-run 0 is outside 1 to 256.")]
    [InlineData(new[] { "--scheduler", "pbs" }, "--scheduler 'pbs' is not supported; the one scheduler is slurm.")]
    [InlineData(new[] { "--set", "iterations=150; touch pwned" }, "iterations")]
    public void Bad_submit_options_are_one_sentence_and_nothing_is_written(string[] options, string message)
    {
        using var temp = new TempFolder();
        var (code, output) = CliProcess.Run(new Dictionary<string, string>(),
            ["submit", "lottery-ticket", "--preset", "smoke", "--runs", temp.Path, .. options]);
        Assert.Equal(2, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "));
        Assert.DoesNotContain("   at ", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_dry_run_prints_one_script_per_level_with_every_value_quoted()
    {
        using var temp = new TempFolder();
        string runs = Path.Combine(temp.Path, Hostile.Replace("\n", " "));
        var (code, output) = CliProcess.Run(new Dictionary<string, string>(),
            ["submit", "lottery-ticket", "--preset", "smoke", "--runs", runs, "--partition", "debug", "--time", "0:30:00", "--dry-run"]);
        Assert.True(code == 0, output);
        Assert.Equal(4, output.Split("#SBATCH --array=").Length - 1); // dense, round 1 + its controls, round 2, its controls
        Assert.Contains("#SBATCH --partition=debug", output);
        Assert.Contains("#SBATCH --time=0:30:00", output);
        Assert.Contains("export WORKBENCH_RUNS=" + SlurmSubmission.ShellQuote(runs), output);
        Assert.Contains("dry run: nothing submitted", output);
        Assert.DoesNotContain("WORKBENCH_DEVICE", output); // no GPU asked for: the device stays auto
        Assert.False(Directory.Exists(runs));
    }

    [Fact]
    public void A_task_given_a_gpu_asks_for_cuda_so_it_cannot_fall_back_to_the_cpu_silently()
    {
        using var temp = new TempFolder();
        var (code, output) = CliProcess.Run(new Dictionary<string, string>(),
            ["submit", "lottery-ticket", "--preset", "smoke", "--runs", temp.Path, "--gpus-per-run", "1", "--dry-run"]);
        Assert.True(code == 0, output);
        int scripts = output.Split("#SBATCH --array=").Length - 1;
        Assert.Equal(scripts, output.Split("#SBATCH --gres=gpu:1").Length - 1);
        Assert.Equal(scripts, output.Split("export WORKBENCH_DEVICE=${WORKBENCH_DEVICE:-cuda}").Length - 1);
    }

    /// <summary>
    /// Starts munged, slurmctld and slurmd (scripts/slurm-local.sh) in a temporary folder, submits the Lottery Ticket
    /// smoke preset into a run cache whose path is hostile to shells, waits for the jobs, and checks that every run
    /// finished, that nothing in the path was executed, and that the report equals a local run's bit for bit.
    /// </summary>
    [Fact]
    public void The_lottery_smoke_preset_computed_on_a_real_slurm_cluster_gives_the_local_report()
    {
        using var temp = new TempFolder();
        string cluster = temp.File("cluster");
        var slurm = new Dictionary<string, string> { ["SLURM_CONF"] = Path.Combine(cluster, "slurm.conf") };
        Shell("start", cluster);
        try
        {
            string runs = Path.Combine(temp.Path, "runs of $(touch pwned); it's");
            string submitted = Submit(slurm, runs);
            var jobs = submitted.Split('\n').Where(l => l.StartsWith("submitted ")).Select(l => l.Split("job ")[1].Split(' ')[0]).ToList();
            Assert.Equal(4, jobs.Count);
            WaitFor(slurm, jobs, TimeSpan.FromMinutes(15));

            var lottery = new LotteryExperiment();
            var config = lottery.Configure("smoke");
            var clusterStore = new RunStore(runs);
            var plan = lottery.Plan(config, clusterStore);
            Assert.All(plan.Runs, r => Assert.True(r.Status == RunStatus.Finished, $"run {r.Hash} is {r.Status}; logs in {runs}/slurm"));
            Assert.False(File.Exists(Path.Combine(temp.Path, "pwned")) || File.Exists("pwned") || File.Exists(Path.Combine(runs, "pwned")));

            var localStore = new RunStore(temp.File("local"));
            lottery.Run(config, localStore);
            foreach (var run in plan.Runs)
            {
                string localRun = Path.Combine(localStore.Root, Path.GetRelativePath(runs, run.Directory));
                Assert.Equal(File.ReadAllBytes(Path.Combine(localRun, "metrics.csv")),
                    File.ReadAllBytes(Path.Combine(run.Directory, "metrics.csv")));
                Assert.Equal(WithoutWallTime(Path.Combine(localRun, "result.json")),
                    WithoutWallTime(Path.Combine(run.Directory, "result.json")));
            }
            var fromCluster = lottery.Run(config, clusterStore);
            var local = lottery.Run(config, localStore); // loaded, like the cluster's
            Assert.Equal(Snapshot(local), Snapshot(fromCluster));
        }
        finally
        {
            Shell("stop", cluster);
        }
    }

    static string Submit(Dictionary<string, string> slurm, string runs)
    {
        var (code, output) = CliProcess.Run(slurm, "submit", "lottery-ticket", "--preset", "smoke", "--runs", runs);
        Assert.True(code == 0, output);
        Assert.Contains("collect with: workbench run lottery-ticket --preset smoke --runs " + SlurmSubmission.ShellQuote(runs),
            output.ReplaceLineEndings(""));
        return output;
    }

    static void WaitFor(Dictionary<string, string> slurm, IReadOnlyList<string> jobs, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var start = new ProcessStartInfo("squeue") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (k, v) in slurm) start.Environment[k] = v;
            foreach (var a in new[] { "-h", "-j", string.Join(",", jobs) }) start.ArgumentList.Add(a);
            using var squeue = Process.Start(start)!;
            string queued = squeue.StandardOutput.ReadToEnd();
            squeue.WaitForExit();
            if (squeue.ExitCode == 0 && queued.Trim().Length == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"Slurm jobs still queued after {limit}: {queued}");
            Thread.Sleep(2000);
        }
    }

    // A result's numbers, without the wall time it records (which differs between any two runs).
    static string WithoutWallTime(string resultJson)
    {
        var result = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(resultJson))!.AsObject();
        foreach (var key in result.Select(p => p.Key).Where(k => k.EndsWith("Seconds", StringComparison.Ordinal)).ToList())
            result.Remove(key);
        return result.ToJsonString();
    }

    static string Snapshot(ExperimentReport report)
    {
        var text = new StringBuilder();
        foreach (var (name, table) in report.Tables)
        {
            using var csv = new MemoryStream();
            DataFrame.SaveCsv(table, csv);
            text.Append(name).Append('\n').Append(Encoding.UTF8.GetString(csv.ToArray()));
        }
        foreach (var figure in report.Figures) text.Append(figure.Name).Append('\n').Append(figure.ToJson()).Append('\n');
        return text.ToString();
    }

    static void Shell(string action, string cluster)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(TestPaths.RepoRoot, "scripts", "slurm-local.sh"), action, cluster })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"slurm-local.sh {action} failed: {output}");
    }
}
