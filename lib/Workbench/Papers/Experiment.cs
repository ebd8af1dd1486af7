using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Runs;

namespace Workbench.Papers;

/// <summary>What one experiment run produced: result tables and figures, ready to display or export.</summary>
/// <param name="Experiment">The experiment's slug.</param>
/// <param name="Config">The config it ran with.</param>
/// <param name="Tables">Result tables by name, in display order.</param>
/// <param name="Figures">Figures in display order.</param>
/// <param name="Elapsed">Wall time, cached runs included.</param>
public sealed record ExperimentReport(string Experiment, RunConfig Config, IReadOnlyList<(string Name, DataFrame Table)> Tables,
    IReadOnlyList<Figure> Figures, TimeSpan Elapsed)
{
    /// <summary>The table of that name; one sentence listing the available tables when there is none.</summary>
    /// <exception cref="ArgumentException">No table has that name.</exception>
    public DataFrame Table(string name)
    {
        foreach (var (tableName, table) in Tables)
            if (tableName == name) return table;
        throw new ArgumentException($"The {Experiment} report has no table '{name}'; available: {string.Join(", ", TableNames)}.");
    }

    /// <summary>The figure of that name; one sentence listing the available figures when there is none.</summary>
    /// <exception cref="ArgumentException">No figure has that name.</exception>
    public Figure Figure(string name)
    {
        foreach (var figure in Figures)
            if (figure.Name == name) return figure;
        throw new ArgumentException($"The {Experiment} report has no figure '{name}'; available: {string.Join(", ", FigureNames)}.");
    }

    /// <summary>The table names, in display order.</summary>
    public IReadOnlyList<string> TableNames => [.. Tables.Select(t => t.Name)];

    /// <summary>The figure names, in display order.</summary>
    public IReadOnlyList<string> FigureNames => [.. Figures.Select(f => f.Name)];
}

/// <summary>An experiment the CLI and notebooks can run by name: one per paper (plus the tour).</summary>
public interface IExperiment
{
    /// <summary>The paper's catalogue entry: number, slug, title and notebook (the one place they are written).</summary>
    Catalogue.Entry Entry { get; }

    /// <summary>The config record type.</summary>
    Type ConfigType { get; }

    /// <summary>The config of a preset (see <see cref="Presets"/>); <paramref name="overrides"/> are "name=value" strings.</summary>
    RunConfig Configure(string preset, IEnumerable<string> overrides);

    /// <summary>Runs (or loads from the cache) everything the paper's notebook shows.</summary>
    ExperimentReport Run(RunConfig config, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default);

    /// <summary>
    /// Every run <see cref="Run"/> asks for with this config, with dependencies and state, computing nothing
    /// (<see cref="RunPlanner"/>); what <c>workbench plan</c> prints and <c>workbench submit</c> sends to a cluster.
    /// </summary>
    RunPlan Plan(RunConfig config, RunStore store);

    /// <summary>
    /// Computes exactly one run of the plan (<c>workbench run-one</c>), or loads it when it is finished.
    /// </summary>
    /// <exception cref="RunPlanException">The hash is not in the plan, or a run it starts from is not finished.</exception>
    RunOneOutcome RunOne(RunConfig config, RunStore store, string hash, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default);

    /// <summary>The report of whatever has finished, computing nothing (see <see cref="Experiment{TConfig}.ReportFinished"/>).</summary>
    FinishedReport ReportFinished(RunConfig config, RunStore store, IProgress<RunProgress>? progress = null);
}

/// <summary>
/// Base class: presets <c>smoke</c>, <c>reading-group</c> (the default, also the record's defaults) and <c>paper</c>
/// (<see cref="Presets"/>). The experiment's slug, title and notebook come from its <see cref="Catalogue"/> entry.
/// </summary>
/// <typeparam name="TConfig">The config record.</typeparam>
public abstract class Experiment<TConfig> : IExperiment where TConfig : RunConfig, new()
{
    Catalogue.Entry? _entry;

    /// <inheritdoc/>
    public Catalogue.Entry Entry => _entry ??= Catalogue.EntryOf(GetType());

    /// <summary>The slug (from the catalogue): command-line name and runs/ and figures/ folder, e.g. "lottery-ticket".</summary>
    public string Name => Entry.Slug;

    /// <summary>The paper's title and venue (from the catalogue).</summary>
    public string Title => Entry.Title;

    /// <inheritdoc/>
    public Type ConfigType => typeof(TConfig);

    /// <summary>The CI preset: everything runs, under 60 s.</summary>
    protected abstract TConfig Smoke { get; }

    /// <summary>Closest to the paper (GPU recommended).</summary>
    protected abstract TConfig Paper { get; }

    /// <summary>The config of a preset, validated; an unknown preset name is one sentence (<see cref="Presets.Parse"/>).</summary>
    public TConfig Preset(string name)
    {
        var config = Presets.Parse(name) switch
        {
            Presets.Smoke => Smoke,
            Presets.Paper => Paper,
            _ => new TConfig(),
        };
        Configs.Validate(config);
        return config;
    }
    /// <summary>A preset with overrides such as "steps=200" applied and validated.</summary>
    public TConfig Configure(string preset, IEnumerable<string> overrides) => Configs.With(Preset(preset), overrides);

    /// <summary>A preset with an override string such as "steps=200; learning_rate=0.1" applied.</summary>
    public TConfig Configure(string preset, string overrides = "") => Configure(preset, Configs.SplitAssignments(overrides));

    RunConfig IExperiment.Configure(string preset, IEnumerable<string> overrides) => Configure(preset, overrides);

    ExperimentReport IExperiment.Run(RunConfig config, RunStore store, IProgress<RunProgress>? progress, CancellationToken cancellation) =>
        Run((TConfig)config, store, progress, cancellation);

    FinishedReport IExperiment.ReportFinished(RunConfig config, RunStore store, IProgress<RunProgress>? progress) =>
        ReportFinished((TConfig)config, store, progress);

    /// <inheritdoc/>
    public RunPlan Plan(RunConfig config, RunStore store) =>
        RunPlanner.Plan(Name, store, planStore => Run((TConfig)config, planStore));

    /// <inheritdoc/>
    public RunOneOutcome RunOne(RunConfig config, RunStore store, string hash, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default) =>
        RunPlanner.RunOne(Name, store, hash, planStore => Run((TConfig)config, planStore, progress, cancellation));

    /// <summary>
    /// Runs (or loads) everything the paper's notebook shows. Every figure's caption starts with the preset it was
    /// computed at (<see cref="DescribePreset"/>), followed by what the paper's report says of its seeds.
    /// </summary>
    public ExperimentReport Run(TConfig config, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var report = Execute(config, store, progress, cancellation);
        string preset = DescribePreset(config);
        return report with
        {
            Figures = [.. report.Figures.Select(f => f.WithCaption(f.Caption.Length == 0 ? preset : $"{preset} · {f.Caption}"))],
        };
    }

    /// <summary>
    /// The report of whatever has finished, computing nothing: the whole report when every run of
    /// <paramref name="config"/>'s plan is finished, else the report of the largest smaller configuration along
    /// <see cref="PartialAxes"/> (fewer seeds, fewer rounds) whose runs are all finished, else none. What a notebook's
    /// report cells show while a plan submitted with <c>workbench submit</c> computes on a cluster.
    /// </summary>
    public FinishedReport ReportFinished(TConfig config, RunStore store, IProgress<RunProgress>? progress = null)
    {
        var plan = Plan(config, store);
        if (plan.IsFinished) return new FinishedReport(Run(config, store, progress), config, config, plan);
        foreach (var smaller in SmallerConfigs(config))
            if (Plan(smaller, store).IsFinished)
                return new FinishedReport(Run(smaller, store, progress), config, smaller, plan);
        return new FinishedReport(null, config, null, plan);
    }

    /// <summary>
    /// The knobs (snake_case) a partial report may show fewer of: whole-number knobs go down to 1 (fewer seeds, fewer
    /// rounds), switches from on to off (no ablations). "seeds" by default; a paper whose runs form rounds adds its own.
    /// </summary>
    protected virtual IReadOnlyList<string> PartialAxes => ["seeds"];

    /// <summary>
    /// Every valid configuration with smaller values along <see cref="PartialAxes"/>, the ones covering the most runs
    /// first (a switch counts as two values when on).
    /// </summary>
    IEnumerable<TConfig> SmallerConfigs(TConfig config)
    {
        var knobs = Configs.Knobs<TConfig>().Where(k => PartialAxes.Contains(k.Name) && Configs.Get(config, k.Name) is int or true)
            .ToList();
        // Each axis as (value, weight): an int n gives n…1 weighted by itself, a switch that is on gives on (2) and off (1).
        var axes = knobs.Select(k => Configs.Get(config, k.Name) is int n
            ? [.. Enumerable.Range(1, n).Reverse().Select(v => (Value: (object)v, Weight: (long)v))]
            : new[] { (Value: (object)true, Weight: 2L), (Value: (object)false, Weight: 1L) }).ToList();
        IEnumerable<(object Value, long Weight)[]> combinations = [[]];
        foreach (var axis in axes)
            combinations = [.. combinations.SelectMany(c => axis.Select(v => ((object Value, long Weight)[])[.. c, v]))];
        foreach (var values in combinations.OrderByDescending(c => c.Aggregate(1L, (a, v) => a * v.Weight)).Skip(1))
        {
            TConfig candidate = config;
            for (int i = 0; i < knobs.Count; i++)
                candidate = Configs.With(candidate, knobs[i].Name,
                    values[i].Value is bool on ? (on ? "true" : "false") : $"{values[i].Value}");
            bool valid;
            try
            {
                Configs.Validate(candidate);
                valid = true;
            }
            catch (ConfigException)
            {
                valid = false; // below the knob's range (a paper that needs two seeds for its ± bands)
            }
            if (valid) yield return candidate;
        }
    }

    /// <summary>The paper's orchestration: compute or load each run, hand the typed results to the report.</summary>
    protected abstract ExperimentReport Execute(TConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation);

    /// <summary>
    /// "preset smoke" when <paramref name="config"/> is a preset as it is, else the nearest preset and the knobs that
    /// differ from it ("preset reading-group with seeds=5, steps=300").
    /// </summary>
    public string DescribePreset(TConfig config)
    {
        string canonical = Configs.Canonical(config);
        var nearest = Presets.All.Select(name => (name, diff: Differences(Preset(name), config))).OrderBy(p => p.diff.Count).First();
        if (nearest.diff.Count == 0 || Presets.All.Any(p => Configs.Canonical(Preset(p)) == canonical)) return $"preset {nearest.name}";
        string listed = string.Join(", ", nearest.diff.Take(3)) + (nearest.diff.Count > 3 ? ", …" : "");
        return $"preset {nearest.name} with {listed}";
    }

    static List<string> Differences(TConfig preset, TConfig config) =>
        [.. Configs.Knobs<TConfig>()
            .Select(k => (k.Name, a: Configs.FormatValue(Configs.Get(preset, k.Name)), b: Configs.FormatValue(Configs.Get(config, k.Name))))
            .Where(k => k.a != k.b).Select(k => $"{k.Name}={k.b}")];
}

/// <summary>
/// The reading group's digest: every paper with its number, slug, title and experiment type. This is the one place
/// a paper's identity is written; experiments read theirs from here and the notebook path is derived from it.
/// </summary>
public static class Catalogue
{
    /// <summary>One entry of the digest.</summary>
    /// <param name="Number">Notebook number.</param>
    /// <param name="Slug">Experiment slug: command-line name and runs/ and figures/ folder.</param>
    /// <param name="Title">Paper title and venue.</param>
    /// <param name="ExperimentType">The implementation's type, or null while the paper is still planned.</param>
    public sealed record Entry(int Number, string Slug, string Title, Type? ExperimentType)
    {
        IExperiment? _experiment;

        /// <summary>The notebook file under notebooks/: the two-digit number and the slug, e.g. "01-lottery-ticket.ipynb".</summary>
        public string Notebook => $"{Number:00}-{Slug}.ipynb";

        /// <summary>True once the paper has an experiment.</summary>
        public bool IsImplemented => ExperimentType is not null;

        /// <summary>The experiment (one shared instance), or null while the paper is still planned.</summary>
        public IExperiment? Experiment =>
            ExperimentType is null ? null : _experiment ??= (IExperiment)Activator.CreateInstance(ExperimentType)!;
    }

    /// <summary>The tour and the eight papers, in notebook order.</summary>
    public static IReadOnlyList<Entry> Entries { get; } =
    [
        new(0, "tour", "Workbench tour: softmax regression on Fashion-MNIST", typeof(Tour.TourExperiment)),
        new(1, "lottery-ticket", "The Lottery Ticket Hypothesis (Frankle & Carbin, ICLR 2019)", typeof(LotteryTicket.LotteryExperiment)),
        new(2, "muzero", "MuZero: Mastering Atari, Go, Chess and Shogi by Planning (Schrittwieser et al., Nature 2020)",
            typeof(MuZero.MuZeroExperiment)),
        new(3, "fixmatch", "FixMatch: Semi-Supervised Learning with Consistency and Confidence (Sohn et al., NeurIPS 2020)",
            typeof(FixMatch.FixMatchExperiment)),
        new(4, "reformer", "Reformer: The Efficient Transformer (Kitaev et al., ICLR 2020)", typeof(Reformer.ReformerExperiment)),
        new(5, "learned-index", "The Case for Learned Index Structures (Kraska et al., SIGMOD 2018)",
            typeof(LearnedIndex.LearnedIndexExperiment)),
        new(6, "pointrend", "PointRend: Image Segmentation as Rendering (Kirillov et al., CVPR 2020)",
            typeof(PointRend.PointRendExperiment)),
        new(7, "rangenet", "RangeNet++: Fast and Accurate LiDAR Semantic Segmentation (Milioto et al., IROS 2019)",
            typeof(RangeNet.RangeNetExperiment)),
        new(8, "soft-sort", "Fast Differentiable Sorting and Ranking (Blondel et al., ICML 2020)", typeof(SoftSort.SoftSortExperiment)),
    ];

    /// <summary>The entry of an experiment type.</summary>
    /// <exception cref="InvalidOperationException">The type has no catalogue entry (a new paper not yet registered).</exception>
    public static Entry EntryOf(Type experimentType) =>
        Entries.FirstOrDefault(e => e.ExperimentType == experimentType)
        ?? throw new InvalidOperationException(
            $"{experimentType.Name} has no entry in Catalogue.Entries; add one line there for the new paper.");

    /// <summary>The entry of that slug, planned or implemented; one sentence listing the slugs otherwise.</summary>
    public static Entry EntryOf(string slug) =>
        Entries.FirstOrDefault(e => e.Slug == slug)
        ?? throw new ConfigException(
            $"Unknown paper '{slug}'; papers: {string.Join(", ", Entries.Select(e => e.Slug))} (see `workbench list`).");

    /// <summary>The implemented experiment of that slug; a clear error listing the available ones otherwise.</summary>
    public static IExperiment Find(string slug)
    {
        var entry = Entries.FirstOrDefault(e => e.Slug == slug);
        if (entry?.Experiment is { } experiment) return experiment;
        string available = string.Join(", ", Entries.Where(e => e.IsImplemented).Select(e => e.Slug));
        throw new ConfigException(entry is null
            ? $"Unknown paper '{slug}'; available: {available} (see `workbench list`)."
            : $"'{slug}' is planned but not implemented yet; available: {available}.");
    }
}
