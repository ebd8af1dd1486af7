using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Cli;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Cli;

/// <summary>Options of <c>workbench plan</c>.</summary>
public sealed class PlanSettings : ExperimentSettings
{
    /// <summary>JSON instead of a table.</summary>
    [CommandOption("--json")]
    [Description("Print the plan as JSON (for tools).")]
    public bool Json { get; init; }
}

/// <summary><c>workbench plan</c>: every run of a preset with its hash, dependencies, state and estimated cost.</summary>
public sealed class PlanCommand : Command<PlanSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, PlanSettings settings, CancellationToken cancellation)
    {
        var experiment = Catalogue.Find(settings.Paper);
        var plan = experiment.Plan(experiment.Configure(settings.Preset, settings.Set), settings.Store);
        if (settings.Json)
        {
            Console.Out.WriteLine(plan.ToJson());
            return 0;
        }
        var table = new Table().Title(Markup.Escape($"{experiment.Entry.Slug} · preset {settings.Preset} · {plan.Runs.Count} runs"))
            .AddColumns("run", "kind", "status", "level", "depends on", "estimated", "config (non-default knobs)");
        foreach (var run in plan.Runs)
            table.AddRow(run.Hash, run.Kind, EnumNames.Of(run.Status), run.Level.ToString(),
                string.Join(" ", run.DependsOn.Select(d => d[..8])),
                run.EstimatedSeconds is { } s ? $"{s:0.0} s" : "unknown", Markup.Escape(run.Canonical));
        AnsiConsole.Write(table);
        var pending = plan.Runs.Where(r => r.Status != RunStatus.Finished).ToList();
        double known = pending.Sum(r => r.EstimatedSeconds ?? 0);
        int unknown = pending.Count(r => r.EstimatedSeconds is null);
        AnsiConsole.MarkupLine(Markup.Escape($"{plan.Summary}; {pending.Count} to compute in {plan.PendingLevels.Count} levels, "
            + $"about {known:0} s of compute" + (unknown > 0 ? $" plus {unknown} runs of kinds never run in this cache" : "") + "."));
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]Estimates are the mean wall time of finished runs of the same kind in {settings.Store.Root}.[/]");
        return 0;
    }
}

/// <summary>Options of <c>workbench run-one</c>.</summary>
public sealed class RunOneSettings : ExperimentSettings
{
    /// <summary>The run's hash.</summary>
    [CommandArgument(1, "<run>")]
    [Description("The run's hash as `workbench plan` prints it (a unique prefix of 8 or more digits is enough).")]
    public string Run { get; init; } = "";
}

/// <summary><c>workbench run-one</c>: computes exactly one run of a plan (what each cluster array task does).</summary>
public sealed class RunOneCommand : Command<RunOneSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, RunOneSettings settings, CancellationToken cancellation)
    {
        var experiment = Catalogue.Find(settings.Paper);
        var config = experiment.Configure(settings.Preset, settings.Set);
        var progress = new LineProgress();
        var outcome = experiment.RunOne(config, settings.Store, settings.Run, progress, cancellation);
        var run = outcome.Run;
        string what = outcome.Computed
            ? "computed" + (outcome.ResumedFromStep is { } step ? $" (resumed from its checkpoint at step {step})" : "")
            : run.Status == RunStatus.Finished ? "was finished already (loaded)" : "was computed by another process (loaded)";
        AnsiConsole.MarkupLineInterpolated(
            $"run {run.Hash} ({experiment.Entry.Slug} {run.Kind}) {what} in {outcome.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    // Batch logs: a line when a task starts or waits, then at most one line every 10 s.
    sealed class LineProgress : IProgress<RunProgress>
    {
        readonly Stopwatch _since = Stopwatch.StartNew();
        string _lastTask = "";

        public void Report(RunProgress value)
        {
            lock (this)
            {
                if (value.Task == _lastTask && _since.Elapsed < TimeSpan.FromSeconds(10) && value.Done < value.Total) return;
                _lastTask = value.Task;
                _since.Restart();
                Console.Out.WriteLine($"{value.Task}: {value.Done}/{value.Total} {value.Detail}");
            }
        }
    }
}

/// <summary>Options of <c>workbench submit</c>.</summary>
public sealed class SubmitSettings : ExperimentSettings
{
    /// <summary>The scheduler.</summary>
    [CommandOption("--scheduler <NAME>")]
    [Description("The cluster scheduler: slurm.")]
    [DefaultValue("slurm")]
    public string Scheduler { get; init; } = "slurm";

    /// <summary>Slurm partition.</summary>
    [CommandOption("--partition <NAME>")]
    [Description("Slurm partition (default: the cluster's default partition).")]
    public string? Partition { get; init; }

    /// <summary>Time limit per run.</summary>
    [CommandOption("--time <LIMIT>")]
    [Description("Time limit per run in Slurm's format, e.g. 30, 2:00:00 or 1-12:00:00 (default: the partition's).")]
    public string? Time { get; init; }

    /// <summary>CPUs per run.</summary>
    [CommandOption("--cpus-per-run <N>")]
    [Description("CPU cores per run, 1 to 256.")]
    [DefaultValue(1)]
    public int CpusPerRun { get; init; } = 1;

    /// <summary>GPUs per run.</summary>
    [CommandOption("--gpus-per-run <N>")]
    [Description("GPUs per run, 0 to 16 (needs a CUDA build of the workbench on the nodes, see environment.md).")]
    [DefaultValue(0)]
    public int GpusPerRun { get; init; }

    /// <summary>Print, do not submit.</summary>
    [CommandOption("--dry-run")]
    [Description("Print the job scripts and sbatch commands without submitting.")]
    public bool DryRun { get; init; }

    /// <inheritdoc/>
    public override ValidationResult Validate()
    {
        base.Validate();
        SlurmSubmission.Validate(Scheduler, Partition, Time, CpusPerRun, GpusPerRun);
        return ValidationResult.Success();
    }
}

/// <summary><c>workbench submit</c>: one Slurm job array per dependency level of the plan, chained with afterok.</summary>
public sealed class SubmitCommand : Command<SubmitSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, SubmitSettings settings, CancellationToken cancellation)
    {
        var experiment = Catalogue.Find(settings.Paper);
        var config = experiment.Configure(settings.Preset, settings.Set);
        var store = settings.Store;
        var plan = experiment.Plan(config, store);
        string collect = SlurmSubmission.CollectCommand(experiment.Entry.Slug, settings.Preset, settings.Set, store.Root);
        if (plan.PendingLevels.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Every run of {experiment.Entry.Slug} at preset {settings.Preset} is finished; collect with: {collect}");
            return 0;
        }
        var submission = new SlurmSubmission(experiment.Entry.Slug, settings.Preset, settings.Set, store.Root, settings.Partition,
            settings.Time, settings.CpusPerRun, settings.GpusPerRun);
        var scripts = submission.Scripts(plan);
        if (settings.DryRun)
        {
            foreach (var script in scripts)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]# {script.FileName}[/] ({script.Runs.Count} runs)");
                Console.Out.Write(script.Text);
                Console.Out.WriteLine("# sbatch " + string.Join(" ", submission.SbatchArguments(script, "<previous job id>")
                    .Select(SlurmSubmission.ShellQuote)));
            }
            AnsiConsole.MarkupLineInterpolated($"dry run: nothing submitted; after the jobs, collect with: {collect}");
            return 0;
        }
        var jobs = submission.Submit(scripts);
        foreach (var (script, job) in scripts.Zip(jobs))
            AnsiConsole.MarkupLineInterpolated($"submitted {script.FileName}: job {job} ({script.Runs.Count} runs)");
        if (plan.PartialAfter is { } partial)
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]The plan is partial:[/] more runs follow once run {partial[..8]} is finished; submit again then.");
        AnsiConsole.MarkupLine(Markup.Escape($"jobs {string.Join(",", jobs)}; `workbench plan {experiment.Entry.Slug}` shows progress; "
            + $"when they are done, collect with: {collect}"));
        return 0;
    }
}

/// <summary>
/// The Slurm side of <c>workbench submit</c>: one sbatch script per dependency level of a plan (a job array, one
/// task per run, each running <c>workbench run-one</c>), submitted in order with <c>--dependency=afterok</c>. Every value
/// that reaches a script is single-quoted for bash, so no knob value or path can run a command; partition and time
/// limit are checked against Slurm's syntax.
/// </summary>
public sealed partial class SlurmSubmission(string paper, string preset, IReadOnlyList<string> overrides, string runsRoot,
    string? partition, string? time, int cpusPerRun, int gpusPerRun)
{
    /// <summary>One generated script.</summary>
    /// <param name="Level">The dependency level it computes.</param>
    /// <param name="FileName">Its file name, e.g. "level-0.sbatch".</param>
    /// <param name="Path">Where it is written.</param>
    /// <param name="Text">The script.</param>
    /// <param name="Runs">The hashes of its array tasks, in task order.</param>
    public sealed record Script(int Level, string FileName, string Path, string Text, IReadOnlyList<string> Runs);

    readonly string _folder = System.IO.Path.Combine(runsRoot, "slurm",
        $"{paper}-{preset}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");

    /// <summary>One sentence (<see cref="ConfigException"/>) for options Slurm would reject or that could inject text.</summary>
    public static void Validate(string scheduler, string? partition, string? time, int cpusPerRun, int gpusPerRun)
    {
        if (scheduler != "slurm")
            throw new ConfigException($"--scheduler '{scheduler}' is not supported; the one scheduler is slurm.");
        if (partition is not null && !PartitionPattern().IsMatch(partition))
            throw new ConfigException($"--partition '{partition}' is not a Slurm partition name (letters, digits, '_', '-', '.', ',').");
        if (time is not null && !TimePattern().IsMatch(time))
            throw new ConfigException($"--time '{time}' is not a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH or D-HH:MM:SS).");
        if (cpusPerRun is < 1 or > 256) throw new ConfigException($"--cpus-per-run {cpusPerRun} is outside 1 to 256.");
        if (gpusPerRun is < 0 or > 16) throw new ConfigException($"--gpus-per-run {gpusPerRun} is outside 0 to 16.");
    }

    /// <summary>The scripts of a plan's unfinished runs, one per level.</summary>
    public IReadOnlyList<Script> Scripts(RunPlan plan) =>
        [.. plan.PendingLevels.Select((runs, level) => MakeScript(level, [.. runs.Select(r => r.Hash)]))];

    Script MakeScript(int level, IReadOnlyList<string> runs)
    {
        string dotnet = Environment.ProcessPath ?? "dotnet";
        string cli = typeof(Program).Assembly.Location;
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"#SBATCH --job-name=workbench-{paper}-level{level}\n");
        text.Append($"#SBATCH --array=0-{runs.Count - 1}\n");
        text.Append($"#SBATCH --cpus-per-task={cpusPerRun}\n");
        if (time is not null) text.Append($"#SBATCH --time={time}\n");
        if (partition is not null) text.Append($"#SBATCH --partition={partition}\n");
        if (gpusPerRun > 0) text.Append($"#SBATCH --gres=gpu:{gpusPerRun}\n");
        text.Append($"# Level {level} of `workbench plan {paper} --preset {preset}`: one array task per run, ");
        text.Append("each one `workbench run-one`.\n");
        text.Append("# A task that fails or is cancelled leaves its checkpoint: resubmitting resumes it.\n");
        text.Append("set -euo pipefail\n");
        text.Append($"runs=({string.Join(" ", runs)})\n");
        text.Append($"export WORKBENCH_RUNS={ShellQuote(runsRoot)}\n");
        text.Append($"export WORKBENCH_PARALLEL_RUNS={cpusPerRun}\n");
        // A task that was given a GPU must use it, or stop with the sentence that says why it cannot (not train on the CPU).
        if (gpusPerRun > 0) text.Append("export WORKBENCH_DEVICE=${WORKBENCH_DEVICE:-cuda}\n");
        text.Append($"exec {ShellQuote(dotnet)} {ShellQuote(cli)} run-one {ShellQuote(paper)} \"${{runs[$SLURM_ARRAY_TASK_ID]}}\" ");
        text.Append($"--preset {ShellQuote(preset)}");
        foreach (var assignment in overrides) text.Append($" --set {ShellQuote(assignment)}");
        text.Append($" --runs {ShellQuote(runsRoot)}\n");
        string file = $"level-{level}.sbatch";
        return new Script(level, file, System.IO.Path.Combine(_folder, file), text.ToString(), runs);
    }

    /// <summary>
    /// The sbatch arguments for a script (passed as an argument list, no shell): parsable output, the log file (with
    /// '%' doubled, Slurm's escape, so only its own job and task patterns expand) and the dependency on the previous level.
    /// </summary>
    public IReadOnlyList<string> SbatchArguments(Script script, string? previousJob)
    {
        var arguments = new List<string> { "--parsable",
            "--output=" + System.IO.Path.Combine(_folder, $"level-{script.Level}-").Replace("%", "%%") + "%A_%a.log" };
        if (previousJob is not null) arguments.Add($"--dependency=afterok:{previousJob}");
        arguments.Add(script.Path);
        return arguments;
    }

    /// <summary>Writes the scripts and submits them in level order; returns the job ids.</summary>
    /// <exception cref="ConfigException">sbatch is missing or refused a script (its message in one sentence).</exception>
    public IReadOnlyList<string> Submit(IReadOnlyList<Script> scripts)
    {
        Directory.CreateDirectory(_folder);
        var jobs = new List<string>();
        foreach (var script in scripts)
        {
            File.WriteAllText(script.Path, script.Text);
            var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in SbatchArguments(script, jobs.LastOrDefault())) start.ArgumentList.Add(argument);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new ConfigException(
                    "sbatch was not found: submit from a Slurm login node (or install slurm-wlm, see environment.md).");
            }
            using (process)
            {
                string output = process.StandardOutput.ReadToEnd().Trim();
                string error = process.StandardError.ReadToEnd().Trim();
                process.WaitForExit();
                if (process.ExitCode != 0)
                    throw new ConfigException($"sbatch refused {script.FileName}: {error.Split('\n')[0]}");
                jobs.Add(output.Split(';')[0]);
            }
        }
        return jobs;
    }

    /// <summary>The command that builds the report once every job is done (it loads, computing nothing).</summary>
    public static string CollectCommand(string paper, string preset, IReadOnlyList<string> overrides, string runsRoot) =>
        string.Join(" ", new[] { "workbench", "run", paper, "--preset", preset }
            .Concat(overrides.SelectMany(o => new[] { "--set", o })).Concat(["--runs", runsRoot]).Select(ShellQuote));

    /// <summary>A bash word that stands for <paramref name="value"/> exactly: single quotes, with ' written as '\''.</summary>
    public static string ShellQuote(string value) =>
        value.Length > 0 && SafeWord().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2})$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./=:,+-]+$")]
    private static partial Regex SafeWord();
}
