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
    /// <summary>The table of that name.</summary>
    public DataFrame Table(string name) => Tables.First(t => t.Name == name).Table;
}

/// <summary>An experiment the CLI and notebooks can run by name: one per paper (plus the tour).</summary>
public interface IExperiment
{
    /// <summary>Slug used on the command line and as the runs/ and figures/ folder, e.g. "lottery-ticket".</summary>
    string Name { get; }

    /// <summary>The paper's title and venue.</summary>
    string Title { get; }

    /// <summary>The notebook file under notebooks/.</summary>
    string Notebook { get; }

    /// <summary>The config record type.</summary>
    Type ConfigType { get; }

    /// <summary>The preset config for a preset name; <paramref name="overrides"/> are "name=value" strings.</summary>
    RunConfig Configure(string preset, IEnumerable<string> overrides);

    /// <summary>Runs (or loads from the cache) everything the paper's notebook shows.</summary>
    ExperimentReport Run(RunConfig config, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default);
}

/// <summary>Base class: presets <c>smoke</c>, <c>reading-group</c> (the default, also the record's defaults) and <c>paper</c>.</summary>
/// <typeparam name="TConfig">The config record.</typeparam>
public abstract class Experiment<TConfig> : IExperiment where TConfig : RunConfig, new()
{
    /// <summary>The preset names, fastest first.</summary>
    public static readonly IReadOnlyList<string> PresetNames = ["smoke", "reading-group", "paper"];

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract string Title { get; }

    /// <inheritdoc/>
    public abstract string Notebook { get; }

    /// <inheritdoc/>
    public Type ConfigType => typeof(TConfig);

    /// <summary>The CI preset: everything runs, under 60 s.</summary>
    protected abstract TConfig Smoke { get; }

    /// <summary>Closest to the paper (GPU recommended).</summary>
    protected abstract TConfig Paper { get; }

    /// <summary>The config of a preset, validated.</summary>
    public TConfig Preset(string name)
    {
        var config = name switch
        {
            "smoke" => Smoke,
            "reading-group" or "" => new TConfig(),
            "paper" => Paper,
            _ => throw new ConfigException($"Unknown preset '{name}'; choose one of {string.Join(", ", PresetNames)}."),
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

    /// <summary>Runs (or loads) everything the paper's notebook shows.</summary>
    public abstract ExperimentReport Run(TConfig config, RunStore store, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default);
}

/// <summary>The reading group's digest: every paper, with its experiment once it is implemented.</summary>
public static class Catalogue
{
    /// <summary>One entry of the digest.</summary>
    /// <param name="Number">Notebook number.</param>
    /// <param name="Slug">Experiment slug.</param>
    /// <param name="Title">Paper title and venue.</param>
    /// <param name="Experiment">The implementation, or null while it is still planned.</param>
    public sealed record Entry(int Number, string Slug, string Title, IExperiment? Experiment);

    /// <summary>The tour and the eight papers, in notebook order.</summary>
    public static IReadOnlyList<Entry> Entries { get; } =
    [
        new(0, "tour", "Workbench tour: a cached TorchSharp run, a sweep, a figure", new Tour.TourExperiment()),
        new(1, "lottery-ticket", "The Lottery Ticket Hypothesis (Frankle & Carbin, ICLR 2019)", new LotteryTicket.LotteryExperiment()),
        new(2, "muzero", "MuZero: Mastering Atari, Go, Chess and Shogi by Planning (Schrittwieser et al., Nature 2020)", null),
        new(3, "fixmatch", "FixMatch: Semi-Supervised Learning with Consistency and Confidence (Sohn et al., NeurIPS 2020)", null),
        new(4, "reformer", "Reformer: The Efficient Transformer (Kitaev et al., ICLR 2020)", null),
        new(5, "learned-index", "The Case for Learned Index Structures (Kraska et al., SIGMOD 2018)", new LearnedIndex.LearnedIndexExperiment()),
        new(6, "pointrend", "PointRend: Image Segmentation as Rendering (Kirillov et al., CVPR 2020)", null),
        new(7, "rangenet", "RangeNet++: Fast and Accurate LiDAR Semantic Segmentation (Milioto et al., IROS 2019)", null),
        new(8, "soft-sort", "Fast Differentiable Sorting and Ranking (Blondel et al., ICML 2020)", new SoftSort.SoftSortExperiment()),
    ];

    /// <summary>The implemented experiment of that slug; a clear error listing the available ones otherwise.</summary>
    public static IExperiment Find(string slug)
    {
        var entry = Entries.FirstOrDefault(e => e.Slug == slug);
        if (entry?.Experiment is { } experiment) return experiment;
        string available = string.Join(", ", Entries.Where(e => e.Experiment is not null).Select(e => e.Slug));
        throw new ConfigException(entry is null
            ? $"Unknown paper '{slug}'; available: {available} (see `workbench list`)."
            : $"'{slug}' is planned but not implemented yet; available: {available}.");
    }
}
