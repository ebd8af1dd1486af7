using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Workbench.Figures;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Tests.Papers;

public class CatalogueTests
{
    [Fact]
    public void Notebooks_and_catalogue_entries_match_one_to_one()
    {
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb")
            .Select(f => Path.GetFileName(f)!).Order().ToList();
        var implemented = Catalogue.Entries.Where(e => e.IsImplemented).Select(e => e.Notebook).Order().ToList();
        Assert.Equal(implemented, files);
    }

    [Fact]
    public void Experiments_take_their_identity_from_the_catalogue()
    {
        Assert.Equal(Catalogue.Entries.Select(e => e.Slug).Distinct().Count(), Catalogue.Entries.Count);
        Assert.Equal(Catalogue.Entries.Select(e => e.Number).Distinct().Count(), Catalogue.Entries.Count);
        foreach (var entry in Catalogue.Entries.Where(e => e.IsImplemented))
        {
            var experiment = Catalogue.Find(entry.Slug);
            Assert.Same(entry, experiment.Entry);
            Assert.Equal($"{entry.Number:00}-{entry.Slug}.ipynb", entry.Notebook);
        }
    }

    [Fact]
    public void Presets_are_one_closed_set_and_an_unknown_one_is_one_sentence()
    {
        Assert.Equal(["smoke", "reading-group", "paper"], Presets.All);
        Assert.Equal(Presets.ReadingGroup, Presets.Parse(""));
        Assert.Equal(Presets.Paper, Presets.Parse("paper"));
        var e = Assert.Throws<ConfigException>(() => Presets.Parse("fast"));
        Assert.Equal("Unknown preset 'fast'; choose one of smoke, reading-group, paper.", e.Message);
    }
}

public class ExperimentReportTests
{
    static readonly ExperimentReport Report = new("tour", new Workbench.Papers.Tour.TourConfig(),
        [("runs", new DataFrame()), ("paper-vs-ours", new DataFrame())],
        [new Figure("tour", "test-accuracy", new JsonObject()), new Figure("tour", "learning-rate-sweep", new JsonObject())],
        TimeSpan.Zero);

    [Fact]
    public void Tables_and_figures_are_found_by_name()
    {
        Assert.Same(Report.Tables[1].Table, Report.Table("paper-vs-ours"));
        Assert.Same(Report.Figures[1], Report.Figure("learning-rate-sweep"));
        Assert.Equal(["runs", "paper-vs-ours"], Report.TableNames);
        Assert.Equal(["test-accuracy", "learning-rate-sweep"], Report.FigureNames);
    }

    [Fact]
    public void A_missing_name_is_one_sentence_listing_the_available_ones()
    {
        var table = Assert.Throws<ArgumentException>(() => Report.Table("run"));
        Assert.Equal("The tour report has no table 'run'; available: runs, paper-vs-ours.", table.Message);
        var figure = Assert.Throws<ArgumentException>(() => Report.Figure("accuracy"));
        Assert.Equal("The tour report has no figure 'accuracy'; available: test-accuracy, learning-rate-sweep.", figure.Message);
    }
}
