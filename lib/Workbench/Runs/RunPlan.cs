using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;

namespace Workbench.Runs;

/// <summary>Where a run of a plan stands, read from its folder in the run cache.</summary>
public enum RunStatus
{
    /// <summary>No process has started it (or a cluster job waits in the queue).</summary>
    NotStarted,

    /// <summary>A process holds its lock and is computing it.</summary>
    Running,

    /// <summary>Started and stopped before it finished, without a native error; the next attempt resumes it.</summary>
    Interrupted,

    /// <summary>Stopped by a native (libtorch) error; the next attempt resumes from its last checkpoint.</summary>
    Failed,

    /// <summary>Its result is in the cache.</summary>
    Finished,
}

/// <summary>One run of a plan.</summary>
/// <param name="Experiment">The paper slug.</param>
/// <param name="Kind">The run record's kind (its folder under the paper's), e.g. "lottery-run".</param>
/// <param name="Hash">The run's hash (its folder name).</param>
/// <param name="Directory">The run's folder.</param>
/// <param name="Config">The run record's knobs, as written to its config.json.</param>
/// <param name="Canonical">The knobs that differ from the record's defaults, as hashed (<see cref="Configs.Canonical"/>).</param>
/// <param name="DependsOn">Hashes of the runs it starts from (the runs its record names, e.g. Lottery's parent).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Level">0 when every run it depends on is finished, else one more than the highest level among them.</param>
/// <param name="EstimatedSeconds">Mean wall time of the finished runs of its kind in this cache; null when there is none.</param>
public sealed record PlannedRun(string Experiment, string Kind, string Hash, string Directory, JsonObject Config,
    string Canonical, IReadOnlyList<string> DependsOn, RunStatus Status, int Level, double? EstimatedSeconds);

/// <summary>
/// Every run a paper's preset asks for, with its dependencies and state: what <c>workbench plan</c> prints, what
/// <c>workbench submit</c> turns into one cluster job array per <see cref="PlannedRun.Level"/>, and what a notebook
/// cell shows while a submitted plan computes.
/// </summary>
/// <param name="Experiment">The paper slug.</param>
/// <param name="Runs">The runs, by level, then kind, then hash.</param>
/// <param name="PartialAfter">
/// Null when the plan is complete. Otherwise the hash of a run whose result the paper needs before it can say which
/// runs come next (it decides later runs from earlier numbers): plan again when that run is finished.
/// </param>
public sealed record RunPlan(string Experiment, IReadOnlyList<PlannedRun> Runs, string? PartialAfter)
{
    /// <summary>The unfinished runs of each level, in order: level 0 can start now, level k after level k − 1.</summary>
    public IReadOnlyList<IReadOnlyList<PlannedRun>> PendingLevels =>
        [.. Runs.Where(r => r.Status != RunStatus.Finished).GroupBy(r => r.Level).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<PlannedRun>)[.. g])];

    /// <summary>True when the plan is complete and every run of it is finished: the report only loads.</summary>
    public bool IsFinished => PartialAfter is null && Runs.All(r => r.Status == RunStatus.Finished);

    /// <summary>How many runs have each status.</summary>
    public string Summary => string.Join(", ", Enum.GetValues<RunStatus>().Select(s => (s, n: Runs.Count(r => r.Status == s)))
        .Where(x => x.n > 0).Select(x => $"{x.n} {EnumNames.Of(x.s)}"))
        + (PartialAfter is null ? "" : $"; more runs follow once run {PartialAfter[..8]} is finished");

    /// <summary>
    /// One row per run: hash, kind, status, level, dependencies, estimated seconds and the knobs that differ from the
    /// record's defaults (as in the hash).
    /// </summary>
    public DataFrame Table()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("run", Runs.Select(r => r.Hash)),
            new StringDataFrameColumn("kind", Runs.Select(r => r.Kind)),
            new StringDataFrameColumn("status", Runs.Select(r => EnumNames.Of(r.Status))),
            new Int32DataFrameColumn("level", Runs.Select(r => r.Level)),
            new StringDataFrameColumn("depends on", Runs.Select(r => string.Join(" ", r.DependsOn.Select(d => d[..8])))),
            new DoubleDataFrameColumn("estimated s", Runs.Select(r => r.EstimatedSeconds)),
            new StringDataFrameColumn("config", Runs.Select(r => r.Canonical)));
        return frame;
    }

    /// <summary>The plan as JSON for tools (<c>workbench plan --json</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        experiment = Experiment,
        partial_after = PartialAfter,
        runs = Runs.Select(r => new
        {
            hash = r.Hash, kind = r.Kind, status = EnumNames.Of(r.Status), level = r.Level, depends_on = r.DependsOn,
            estimated_seconds = r.EstimatedSeconds, directory = r.Directory, canonical = r.Canonical, config = r.Config,
        }),
    }, new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>A run a plan asked for has no result yet (it stands for a run of a plan that is not computed).</summary>
public sealed class UnfinishedRunException(string experiment, string hash)
    : WorkbenchException($"Run {hash[..Math.Min(8, hash.Length)]} of {experiment} is not finished yet; "
        + $"`workbench plan {experiment}` shows where each run stands.")
{
    /// <summary>The run's hash.</summary>
    public string Hash { get; } = hash;
}

/// <summary>A plan cannot do what was asked: an unknown run, or a run whose dependencies are not finished.</summary>
public sealed class RunPlanException(string message) : WorkbenchException(message);

/// <summary>What <c>workbench run-one</c> did.</summary>
/// <param name="Run">The run, as the plan saw it before.</param>
/// <param name="Computed">True when this process computed it; false when it was finished already or another process
/// finished it while this one waited for its lock.</param>
/// <param name="ResumedFromStep">The checkpoint step it resumed from, when it did.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record RunOneOutcome(PlannedRun Run, bool Computed, long? ResumedFromStep, TimeSpan Elapsed);

/// <summary>
/// Collects a plan by running an experiment's orchestration against the cache without computing anything: finished
/// runs load, every other run is recorded and answered with an unfinished record (its hash is known, so the runs that
/// start from it can be named). With a target hash, that one run is computed (its dependencies must be finished).
/// Orchestration that reads an unfinished run's result stops the traversal there: the plan is partial.
/// </summary>
public sealed partial class RunPlanner
{
    readonly ConcurrentDictionary<string, (int Order, string Experiment, RunConfig Config, string Directory, bool Finished)> _runs = new();
    readonly AsyncLocal<bool> _computingTarget = new();
    int _order;

    RunPlanner(string? target) => Target = target;

    /// <summary>The hash of the one run to compute, or null to compute nothing.</summary>
    public string? Target { get; }

    internal bool ComputesNormally => _computingTarget.Value;

    internal (bool FromCache, long? ResumedFromStep, TimeSpan Elapsed)? TargetOutcome { get; set; }

    /// <summary>The plan of <paramref name="orchestration"/> (an experiment's <c>Run</c>) against <paramref name="store"/>.</summary>
    public static RunPlan Plan(string experiment, RunStore store, Action<RunStore> orchestration)
    {
        var planner = new RunPlanner(null);
        string? partial = planner.Traverse(store, orchestration);
        return planner.ToPlan(experiment, store, partial);
    }

    /// <summary>
    /// Computes the run <paramref name="hash"/> (a unique prefix of at least 8 hex digits is enough) of the plan of
    /// <paramref name="orchestration"/>, or loads it when it is finished.
    /// </summary>
    /// <exception cref="RunPlanException">No such run in the plan, or a run it depends on is not finished.</exception>
    public static RunOneOutcome RunOne(string experiment, RunStore store, string hash, Action<RunStore> orchestration)
    {
        var before = Plan(experiment, store, orchestration);
        var run = Find(before, hash);
        var planner = new RunPlanner(run.Hash);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        planner.Traverse(store, orchestration);
        if (planner.TargetOutcome is not { } outcome)
        {
            if (run.Status == RunStatus.Finished) return new RunOneOutcome(run, false, null, watch.Elapsed);
            throw new RunPlanException($"Run {run.Hash[..8]} of {experiment} was not reached: the plan changed while it ran; plan again.");
        }
        return new RunOneOutcome(run, !outcome.FromCache, outcome.ResumedFromStep, outcome.Elapsed);
    }

    static PlannedRun Find(RunPlan plan, string hash)
    {
        if (hash.Length < 8 || !hash.All(char.IsAsciiHexDigitLower))
            throw new RunPlanException($"Run '{hash}' is not a run hash (8 to 16 lower-case hex digits, as `workbench plan` prints them).");
        var matches = plan.Runs.Where(r => r.Hash.StartsWith(hash, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new RunPlanException($"Run {hash} is not in the plan of {plan.Experiment} with this preset and these overrides"
                + (plan.PartialAfter is null ? "" : $" (the plan is partial until run {plan.PartialAfter[..8]} is finished)")
                + $"; `workbench plan {plan.Experiment}` lists its runs."),
            _ => throw new RunPlanException($"Run prefix {hash} matches {matches.Count} runs of {plan.Experiment}; give more digits."),
        };
    }

    string? Traverse(RunStore store, Action<RunStore> orchestration)
    {
        try
        {
            orchestration(store.WithPlanner(this));
            return null;
        }
        catch (Exception e) when (Signals(e).All(x => x is PlanComplete))
        {
            return null;
        }
        catch (Exception e) when (Signals(e).OfType<UnfinishedRunException>().FirstOrDefault() is { } unfinished
                                  && Signals(e).All(x => x is PlanComplete or UnfinishedRunException))
        {
            return unfinished.Hash;
        }
    }

    /// <summary>Thrown by <see cref="RunStore.AllRunsRequested"/> to end a traversal: every run is known.</summary>
    internal sealed class PlanComplete() : Exception("every run of the plan is known");

    static IEnumerable<Exception> Signals(Exception e) =>
        e is AggregateException a ? a.Flatten().InnerExceptions : [e];

    internal void Record(string experiment, RunConfig config, string hash, string directory, bool finished) =>
        _runs.TryAdd(hash, (Interlocked.Increment(ref _order), experiment, config, directory, finished));

    internal void CheckDependenciesOf(string hash)
    {
        var (_, experiment, config, _, _) = _runs[hash];
        foreach (var dependency in DependenciesOf(config))
            if (_runs.TryGetValue(dependency, out var d) && !d.Finished && !File.Exists(Path.Combine(d.Directory, "result.json")))
                throw new RunPlanException($"Run {hash[..8]} of {experiment} starts from run {dependency[..8]}, which is not finished; "
                    + $"run that first (`workbench run-one {experiment} {dependency[..8]}`, same preset and overrides).");
    }

    IEnumerable<string> DependenciesOf(RunConfig config) =>
        HashPattern().Matches(Configs.Canonical(config)).Select(m => m.Value).Where(_runs.ContainsKey).Distinct();

    internal IDisposable ComputeTarget()
    {
        _computingTarget.Value = true;
        return new Restore(() => _computingTarget.Value = false);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    RunPlan ToPlan(string experiment, RunStore store, string? partial)
    {
        var statuses = _runs.ToDictionary(r => r.Key, r => r.Value.Finished ? RunStatus.Finished : StatusOf(r.Value.Directory));
        var dependencies = _runs.ToDictionary(r => r.Key, r => DependenciesOf(r.Value.Config).ToList());
        var levels = new Dictionary<string, int>();
        int LevelOf(string hash)
        {
            if (levels.TryGetValue(hash, out int level)) return level;
            var pending = dependencies[hash].Where(d => statuses[d] != RunStatus.Finished).ToList();
            return levels[hash] = pending.Count == 0 ? 0 : 1 + pending.Max(LevelOf);
        }
        var estimates = new Dictionary<string, double?>();
        var runs = _runs.Select(r =>
        {
            string kind = RunStore.Kind(r.Value.Config);
            if (!estimates.TryGetValue(kind, out var estimate))
                estimates[kind] = estimate = MeanSeconds(Path.Combine(store.Root, r.Value.Experiment, kind));
            return new PlannedRun(r.Value.Experiment, kind, r.Key, r.Value.Directory,
                JsonNode.Parse(Configs.ToJson(r.Value.Config))!.AsObject(), Configs.Canonical(r.Value.Config), dependencies[r.Key],
                statuses[r.Key], LevelOf(r.Key), estimate);
        }).OrderBy(r => r.Level).ThenBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => _runs[r.Hash].Order).ToList();
        return new RunPlan(experiment, runs, partial);
    }

    /// <summary>Where the run in <paramref name="directory"/> stands.</summary>
    public static RunStatus StatusOf(string directory)
    {
        if (File.Exists(Path.Combine(directory, "result.json"))) return RunStatus.Finished;
        if (!Directory.Exists(directory)) return RunStatus.NotStarted;
        if (RunLock.IsHeld(directory)) return RunStatus.Running;
        if (File.Exists(Path.Combine(directory, RunStore.FailedFile))) return RunStatus.Failed;
        return File.Exists(Path.Combine(directory, "checkpoint.json")) || File.Exists(Path.Combine(directory, "config.json"))
            ? RunStatus.Interrupted : RunStatus.NotStarted;
    }

    static double? MeanSeconds(string kindFolder)
    {
        if (!Directory.Exists(kindFolder)) return null;
        var seconds = new List<double>();
        foreach (var file in Directory.EnumerateFiles(kindFolder, "run.json", SearchOption.AllDirectories))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(file))?["seconds"]?.GetValue<double>() is { } s) seconds.Add(s);
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or FormatException)
            {
                // a run.json being replaced right now is skipped
            }
        }
        return seconds.Count == 0 ? null : seconds.Average();
    }

    [GeneratedRegex("[0-9a-f]{16}")]
    private static partial Regex HashPattern();
}
