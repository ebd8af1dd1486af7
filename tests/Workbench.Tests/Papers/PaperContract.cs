using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Tests.Papers;

/// <summary>
/// What every paper promises, checked the same way for each (as System.Numerics.Tensors' generic contract tests do):
/// a subclass is one line, <c>public sealed class TourContract() : PaperContract("tour");</c>. The smoke report is
/// computed once per paper per test run, in <see cref="TestPaths.SmokeRuns"/>, the run cache the notebook tests use
/// at the smoke preset too: whichever runs second loads its runs instead of training them again.
/// </summary>
public abstract partial class PaperContract(string slug)
{
    static readonly ConcurrentDictionary<string, Lazy<ExperimentReport>> SmokeReports = new();

    Catalogue.Entry Entry => Catalogue.Entries.Single(e => e.Slug == slug);

    IExperiment Experiment => Catalogue.Find(slug);

    /// <summary>The paper's smoke report, computed once per test run and shared by its contract's tests.</summary>
    protected ExperimentReport SmokeReport => SmokeReports.GetOrAdd(slug, s => new Lazy<ExperimentReport>(() =>
    {
        var experiment = Catalogue.Find(s);
        return experiment.Run(experiment.Configure(Presets.Smoke, []), new RunStore(TestPaths.SmokeRuns));
    })).Value;

    [Fact]
    public void Has_a_catalogue_entry_and_its_notebook()
    {
        Assert.True(Entry.IsImplemented, $"{slug} has no experiment in the catalogue");
        Assert.Same(Entry, Experiment.Entry);
        Assert.True(File.Exists(NotebookPath), $"{Entry.Notebook} is missing from notebooks/");
    }

    [Fact]
    public void Every_preset_configures_and_validates()
    {
        foreach (var preset in Presets.All) Configs.Validate(Experiment.Configure(preset, []));
    }

    [Fact]
    public void An_unknown_knob_is_one_sentence_naming_it()
    {
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure(Presets.Smoke, ["no_such_knob=1"]));
        Assert.Contains("'no_such_knob'", e.Message);
        AssertOneSentence(e.Message);
    }

    [Fact]
    public void An_out_of_range_knob_is_one_sentence_naming_it()
    {
        // The first numeric knob with a lower bound, set one below it.
        var (knob, min) = Configs.Knobs(Experiment.ConfigType)
            .Select(k => (Knob: k, Attribute: Experiment.ConfigType.GetProperty(k.Property)!.GetCustomAttribute<KnobAttribute>()!))
            .Where(k => k.Knob.Type == typeof(int) || k.Knob.Type == typeof(long) || k.Knob.Type == typeof(double))
            .Where(k => !double.IsNaN(k.Attribute.Min))
            .Select(k => (k.Knob, k.Attribute.Min)).First();
        string value = FormattableString.Invariant($"{min - 1}");
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure(Presets.Smoke, [$"{knob.Name}={value}"]));
        Assert.StartsWith($"{knob.Name} = {value} is out of range", e.Message);
        AssertOneSentence(e.Message);
    }

    [Fact]
    public void Every_smoke_figure_passes_the_figure_lint()
    {
        var problems = SmokeReport.Figures.SelectMany(f => Workbench.Figures.FigureLint.Check(f)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Smoke_report_ends_with_paper_vs_ours()
    {
        Assert.Contains("paper-vs-ours", SmokeReport.TableNames);
        Assert.True(SmokeReport.Table("paper-vs-ours").Rows.Count > 0, "the paper-vs-ours table is empty");
    }

    [Fact]
    public void Smoke_report_has_every_table_and_figure_the_notebook_shows()
    {
        var (tables, figures) = NotebookLookups(NotebookPath);
        Assert.NotEmpty(tables);
        Assert.All(tables, name => Assert.Contains(name, SmokeReport.TableNames));
        Assert.All(figures, name => Assert.Contains(name, SmokeReport.FigureNames));
    }

    string NotebookPath => Path.Combine(TestPaths.RepoRoot, "notebooks", Entry.Notebook);

    /// <summary>The names a notebook's code cells look up with <c>.Table("…")</c> and <c>.Figure("…")</c>.</summary>
    internal static (List<string> Tables, List<string> Figures) NotebookLookups(string notebook)
    {
        var code = string.Join("\n", JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .Select(c => c!["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)c["source"]));
        var lookups = Lookup().Matches(code).Select(m => (Kind: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        return ([.. lookups.Where(l => l.Kind == "Table").Select(l => l.Name).Distinct()],
            [.. lookups.Where(l => l.Kind == "Figure").Select(l => l.Name).Distinct()]);
    }

    static void AssertOneSentence(string message)
    {
        Assert.DoesNotContain('\n', message);
        Assert.Matches(@"[.?]$", message);
        Assert.DoesNotMatch(@"[.!?]\s+[A-Z]", message); // no second sentence
    }

    [GeneratedRegex("""\.(Table|Figure)\("([^"]+)"\)""")]
    private static partial Regex Lookup();
}

public sealed class TourContract() : PaperContract("tour");

public sealed class LotteryTicketContract() : PaperContract("lottery-ticket");

public sealed class LearnedIndexContract() : PaperContract("learned-index");

public sealed class SoftSortContract() : PaperContract("soft-sort");

public sealed class PointRendContract() : PaperContract("pointrend");

public sealed class RangeNetContract() : PaperContract("rangenet");

public sealed class MuZeroContract() : PaperContract("muzero");
public sealed class FixMatchContract() : PaperContract("fixmatch");
public sealed class ReformerContract() : PaperContract("reformer");
