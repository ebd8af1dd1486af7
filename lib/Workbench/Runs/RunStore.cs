using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Workbench.Runs;

/// <summary>One metric value of a run, in long format.</summary>
/// <param name="Step">Training step or other index the value belongs to.</param>
/// <param name="Name">Metric name, e.g. "train_loss".</param>
/// <param name="Value">The value.</param>
public readonly record struct Metric(long Step, string Name, double Value);

/// <summary>Progress of long work, reported to a notebook display or a console bar.</summary>
/// <param name="Task">What is running, e.g. "tour 3f2a… steps".</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all.</param>
/// <param name="Detail">A short status such as "loss 0.41".</param>
public readonly record struct RunProgress(string Task, long Done, long Total, string Detail = "");

/// <summary>A finished run: its result, metrics and where it lives.</summary>
/// <typeparam name="TResult">The experiment's result record.</typeparam>
public sealed record RunRecord<TResult>(string Experiment, string Hash, string Directory, TResult Result,
    IReadOnlyList<Metric> Metrics, bool FromCache, long? ResumedFromStep, TimeSpan Elapsed)
{
    /// <summary>The run's result.</summary>
    /// <exception cref="UnfinishedRunException">The record stands for a run a plan names that is not computed yet.</exception>
    public TResult Result { get => Unfinished ? throw new UnfinishedRunException(Experiment, Hash) : field; init; } = Result;

    /// <summary>The run's metrics.</summary>
    /// <exception cref="UnfinishedRunException">The record stands for a run a plan names that is not computed yet.</exception>
    public IReadOnlyList<Metric> Metrics
    {
        get => Unfinished ? throw new UnfinishedRunException(Experiment, Hash) : field;
        init;
    } = Metrics;

    /// <summary>
    /// True for a run that a plan (<see cref="RunPlanner"/>) names but that is not computed: its hash and folder are
    /// known, so later runs can name it as their parent; its result is not.
    /// </summary>
    public bool Unfinished { get; init; }

    /// <summary>The values of one metric, ordered by step.</summary>
    public IReadOnlyList<(long Step, double Value)> Series(string name) =>
        Metrics.Where(m => m.Name == name).OrderBy(m => m.Step).Select(m => (m.Step, m.Value)).ToList();
}

/// <summary>
/// What a computing run can do: log metrics, save and resume checkpoints, report progress.
/// Checkpoints carry the metrics logged so far, so a resumed run ends with the same metrics as an uninterrupted one.
/// </summary>
public sealed class RunContext
{
    readonly List<Metric> _metrics;
    readonly IProgress<RunProgress>? _progress;
    readonly string _checkpointPath;

    internal RunContext(string directory, string label, IProgress<RunProgress>? progress, CancellationToken cancellation,
        List<Metric> metrics)
    {
        Directory = directory;
        Label = label;
        _progress = progress;
        Cancellation = cancellation;
        _metrics = metrics;
        _checkpointPath = Path.Combine(directory, "checkpoint.json");
    }

    /// <summary>The run's folder (for extra artefacts such as model weights).</summary>
    public string Directory { get; }

    /// <summary>A short label for progress displays.</summary>
    public string Label { get; }

    /// <summary>Cancelled when the user interrupts the run.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The step of the checkpoint this run resumed from, if any.</summary>
    public long? ResumedFromStep { get; private set; }

    /// <summary>Records one metric value.</summary>
    public void Log(long step, string name, double value) => _metrics.Add(new Metric(step, name, value));

    /// <summary>Reports progress (displays throttle it themselves).</summary>
    public void Report(long done, long total, string detail = "") => _progress?.Report(new RunProgress(Label, done, total, detail));

    /// <summary>Saves resumable state atomically, together with the metrics logged so far.</summary>
    public void Checkpoint<TState>(long step, TState state)
    {
        var payload = new CheckpointFile<TState>(step, state, [.. _metrics]);
        AtomicFile.WriteAllBytes(_checkpointPath, JsonSerializer.SerializeToUtf8Bytes(payload, RunStore.Json));
    }

    /// <summary>
    /// Loads the last checkpoint, if one exists and is readable, and restores the metrics it carried.
    /// Returns false (start from scratch) when there is none.
    /// </summary>
    public bool TryResume<TState>(out long step, out TState state)
    {
        step = 0;
        state = default!;
        if (!File.Exists(_checkpointPath)) return false;
        try
        {
            var payload = JsonSerializer.Deserialize<CheckpointFile<TState>>(File.ReadAllBytes(_checkpointPath), RunStore.Json);
            if (payload is null || payload.State is null) return false;
            step = payload.Step;
            state = payload.State;
            _metrics.Clear();
            _metrics.AddRange(payload.Metrics);
            ResumedFromStep = step;
            return true;
        }
        catch (JsonException)
        {
            return false; // a checkpoint that cannot be read is ignored: the run starts over
        }
    }

    /// <summary>
    /// Drops a checkpoint this run cannot use (written by another version of its code): the metrics it restored are
    /// cleared and the run starts from step 0.
    /// </summary>
    public void Restart()
    {
        _metrics.Clear();
        ResumedFromStep = null;
        File.Delete(_checkpointPath);
    }

    internal sealed record CheckpointFile<TState>(long Step, TState State, List<Metric> Metrics);
}

/// <summary>
/// A native (libtorch) error escaped a run twice: once, and again after a retry from its last checkpoint. The message is
/// one sentence for the user; <c>failed.json</c> in the run folder and <see cref="Exception.InnerException"/> hold the detail.
/// </summary>
public sealed class RunFailedException(string experiment, string hash, string directory, Exception inner)
    : WorkbenchException($"libtorch failed inside run {hash[..Math.Min(8, hash.Length)]} of {experiment}; "
        + "rerun to resume from its last checkpoint "
        + $"(details in {Path.Combine(directory, RunStore.FailedFile)}).", inner)
{
    /// <summary>The experiment (paper slug).</summary>
    public string Experiment { get; } = experiment;

    /// <summary>The run's hash.</summary>
    public string Hash { get; } = hash;
}

/// <summary>
/// The run cache. A run's folder is <c>runs/&lt;experiment&gt;/&lt;kind&gt;/&lt;hash&gt;</c> (see <see cref="RunDirectory"/>), the hash
/// taken over the run record's type and canonical form. It holds config.json, metrics.csv (run, step, name, value),
/// result.json (written last: its presence means the run finished) and checkpoint.json while the run is in progress.
/// </summary>
public sealed class RunStore
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        IncludeFields = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Opens a store rooted at <paramref name="root"/>.</summary>
    public RunStore(string root) => Root = Path.GetFullPath(root);

    RunStore(string root, RunPlanner planner) : this(root) => _planner = planner;

    readonly RunPlanner? _planner;

    /// <summary>
    /// The same cache seen by a planner: finished runs load, every other run is recorded and answered with an
    /// <see cref="RunRecord{TResult}.Unfinished"/> record, except the planner's target, which is computed.
    /// </summary>
    internal RunStore WithPlanner(RunPlanner planner) => new(Root, planner);

    /// <summary>The folder holding all runs.</summary>
    public string Root { get; }

    /// <summary>
    /// The default store: <c>$WORKBENCH_RUNS</c> if set, else <c>runs/</c> at the repository root (found by walking up
    /// from the current folder to Workbench.sln), else <c>runs/</c> in the current folder.
    /// </summary>
    public static RunStore Default => new(Environment.GetEnvironmentVariable("WORKBENCH_RUNS") is { Length: > 0 } env
        ? env : Path.Combine(Repository.Root ?? Environment.CurrentDirectory, "runs"));

    /// <summary>
    /// The folder a run lives in: <c>runs/&lt;paper&gt;/&lt;kind&gt;/&lt;hash&gt;</c>, the kind being the run record's type in kebab-case
    /// (<c>LotteryRun</c> → <c>lottery-run</c>), so a paper's kinds of run never share a folder and no caller names one.
    /// </summary>
    public string RunDirectory(string experiment, RunConfig config) =>
        Path.Combine(Root, experiment, Kind(config), Configs.Hash(experiment, config));

    /// <summary>The folder name of a run record's type, e.g. "top-k-run".</summary>
    public static string Kind(RunConfig config) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(config.GetType().Name);

    /// <summary>
    /// Loads the finished run for <paramref name="config"/>, or computes it (resuming from its last checkpoint
    /// if an earlier attempt was interrupted) and stores it.
    /// </summary>
    public RunRecord<TResult> GetOrCompute<TConfig, TResult>(string experiment, TConfig config,
        Func<RunContext, TResult> compute, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default)
        where TConfig : RunConfig
    {
        Configs.Validate(config);
        var watch = Stopwatch.StartNew();
        string hash = Configs.Hash(experiment, config);
        string dir = RunDirectory(experiment, config);
        if (_planner is { ComputesNormally: false } planner)
        {
            var cached = TryLoad<TResult>(experiment, hash, dir, watch);
            planner.Record(experiment, config, hash, dir, finished: cached is not null);
            if (cached is not null) return cached;
            if (hash != planner.Target)
                return new RunRecord<TResult>(experiment, hash, dir, default!, [], false, null, TimeSpan.Zero) { Unfinished = true };
            planner.CheckDependenciesOf(hash);
            using var computing = planner.ComputeTarget();
            var target = GetOrComputeInProcess(experiment, config, compute, progress, cancellation, watch, hash, dir);
            planner.TargetOutcome = (target.FromCache, target.ResumedFromStep, target.Elapsed);
            return target;
        }
        return GetOrComputeInProcess(experiment, config, compute, progress, cancellation, watch, hash, dir);
    }

    RunRecord<TResult> GetOrComputeInProcess<TConfig, TResult>(string experiment, TConfig config, Func<RunContext, TResult> compute,
        IProgress<RunProgress>? progress, CancellationToken cancellation, Stopwatch watch, string hash, string dir)
        where TConfig : RunConfig
    {
        // Runs computed side by side in one process may ask for the same run: the second waits and then loads it.
        lock (RunLocks.GetOrAdd(dir, _ => new object()))
            return GetOrComputeLocked(experiment, config, compute, progress, cancellation, watch, hash, dir);
    }

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> RunLocks = new();

    RunRecord<TResult> GetOrComputeLocked<TConfig, TResult>(string experiment, TConfig config, Func<RunContext, TResult> compute,
        IProgress<RunProgress>? progress, CancellationToken cancellation, Stopwatch watch, string hash, string dir)
        where TConfig : RunConfig
    {
        if (TryLoad<TResult>(experiment, hash, dir, watch) is { } cached) return cached;

        // Another process (a notebook beside the CLI, two array tasks of a cluster job) may be computing this run: wait
        // for it and load its result. A lock left by a dead process is gone with it, and its checkpoint resumes below.
        using var runLock = RunLock.Acquire(dir, owner => progress?.Report(new RunProgress($"{experiment} {hash[..6]}", 0, 1,
            $"waiting for {owner?.ToString() ?? "another process"} to finish this run")), cancellation);
        if (TryLoad<TResult>(experiment, hash, dir, watch) is { } computedElsewhere) return computedElsewhere;

        AtomicFile.WriteAllText(Path.Combine(dir, "config.json"), Configs.ToJson(config));
        var (result, context, metrics, recovered) = ComputeWithRetry(experiment, hash, dir, compute, progress, cancellation);
        cancellation.ThrowIfCancellationRequested();

        AtomicFile.WriteAllText(Path.Combine(dir, "metrics.csv"), MetricsCsv(hash, metrics));
        var meta = new { experiment, hash, canonical = Configs.Canonical(config), resumed_from_step = context.ResumedFromStep,
            seconds = watch.Elapsed.TotalSeconds, finished_utc = DateTime.UtcNow, machine = Environment.MachineName,
            device = Torch.TorchSetup.ResolvedDeviceName, recovered_from_native_error = recovered };
        AtomicFile.WriteAllText(Path.Combine(dir, "run.json"),
            JsonSerializer.Serialize(meta, new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllBytes(Path.Combine(dir, "result.json"), JsonSerializer.SerializeToUtf8Bytes(result, Json));
        File.Delete(Path.Combine(dir, "checkpoint.json"));
        File.Delete(Path.Combine(dir, FailedFile));
        return new RunRecord<TResult>(experiment, hash, dir, result, metrics, FromCache: false, context.ResumedFromStep, watch.Elapsed);
    }

    /// <summary>
    /// Marks the point where an experiment's orchestration has asked for all its runs and turns to the report. A
    /// planner (<see cref="RunPlanner"/>) stops here with a complete plan; a plain store does nothing. Orchestration
    /// that never calls it still plans, but its plan ends at the first unfinished result it reads.
    /// </summary>
    public void AllRunsRequested()
    {
        if (_planner is { ComputesNormally: false }) throw new RunPlanner.PlanComplete();
    }

    /// <summary>The file a run's folder holds after a native error: what failed, when, and the full native message.</summary>
    public const string FailedFile = "failed.json";

    /// <summary>
    /// Computes a run; when libtorch raises an error (an <see cref="System.Runtime.InteropServices.ExternalException"/>), the
    /// run is marked failed and computed once more from its last checkpoint, after the finalizers of the failed attempt
    /// have run. A second native error becomes a <see cref="RunFailedException"/>: one sentence, never a wrong number.
    /// </summary>
    static (TResult Result, RunContext Context, List<Metric> Metrics, string? Recovered) ComputeWithRetry<TResult>(string experiment,
        string hash, string dir, Func<RunContext, TResult> compute, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        string? recovered = null;
        for (int attempt = 1; ; attempt++)
        {
            var metrics = new List<Metric>();
            var context = new RunContext(dir, $"{experiment} {hash[..6]}", progress, cancellation, metrics);
            try
            {
                return (compute(context), context, metrics, recovered);
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                var failure = new { experiment, hash, attempt, failed_utc = DateTime.UtcNow, machine = Environment.MachineName,
                    error = e.GetType().FullName, message = e.Message, stack = e.StackTrace };
                AtomicFile.WriteAllText(Path.Combine(dir, FailedFile),
                    JsonSerializer.Serialize(failure, new JsonSerializerOptions { WriteIndented = true }));
                if (attempt == 2) throw new RunFailedException(experiment, hash, dir, e);
                recovered = e.Message.Split('\n')[0];
                // What the failed attempt left behind is freed now, not in the middle of the retry's native calls.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
    }

    RunRecord<TResult>? TryLoad<TResult>(string experiment, string hash, string dir, Stopwatch watch)
    {
        string resultPath = Path.Combine(dir, "result.json");
        if (!File.Exists(resultPath)) return null;
        try
        {
            var result = JsonSerializer.Deserialize<TResult>(File.ReadAllBytes(resultPath), Json);
            var metrics = ReadMetricsCsv(Path.Combine(dir, "metrics.csv"));
            if (result is null || metrics is null) return null;
            return new RunRecord<TResult>(experiment, hash, dir, result, metrics, FromCache: true, null, watch.Elapsed);
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException)
        {
            // A result that cannot be read is treated as absent: the run is computed again and overwrites it.
            return null;
        }
    }

    static string MetricsCsv(string hash, List<Metric> metrics)
    {
        var sb = new StringBuilder("run,step,name,value\n");
        foreach (var m in metrics)
            sb.Append(hash).Append(',').Append(m.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(m.Name).Append(',').Append(m.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("# end\n"); // a complete file ends with this line; anything else is torn
        return sb.ToString();
    }

    static List<Metric>? ReadMetricsCsv(string path)
    {
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[^1] != "# end") return null;
        var metrics = new List<Metric>(lines.Length - 2);
        for (int i = 1; i < lines.Length - 1; i++)
        {
            var parts = lines[i].Split(',');
            metrics.Add(new Metric(long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2],
                double.Parse(parts[3], CultureInfo.InvariantCulture)));
        }
        return metrics;
    }
}

/// <summary>Locates the repository (the folder holding Workbench.sln) from the current folder or the library's own.</summary>
public static class Repository
{
    /// <summary>The checked-out commit (short hash, "+dirty" with uncommitted changes), or "unknown" without git.</summary>
    public static string Commit => CommitOnce.Value;

    static readonly Lazy<string> CommitOnce = new(() =>
    {
        if (Root is null) return "unknown";
        try
        {
            string Git(string args)
            {
                var start = new System.Diagnostics.ProcessStartInfo("git", args)
                {
                    WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true,
                };
                using var git = System.Diagnostics.Process.Start(start)!;
                string output = git.StandardOutput.ReadToEnd().Trim();
                git.WaitForExit();
                return git.ExitCode == 0 ? output : "";
            }
            string head = Git("rev-parse --short HEAD");
            if (head.Length == 0) return "unknown";
            return Git("status --porcelain --untracked-files=no").Length > 0 ? head + "+dirty" : head;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    });

    /// <summary>The repository root, or null when the workbench runs outside a checkout.</summary>
    public static string? Root { get; } = Find(Environment.CurrentDirectory) ?? Find(AppContext.BaseDirectory)
        ?? Find(Path.GetDirectoryName(typeof(Repository).Assembly.Location) ?? "");

    static string? Find(string start)
    {
        for (var dir = start.Length > 0 ? new DirectoryInfo(start) : null; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        return null;
    }
}
