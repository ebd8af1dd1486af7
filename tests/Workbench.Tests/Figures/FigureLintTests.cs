using System.Text.Json.Nodes;
using Workbench.Figures;

namespace Workbench.Tests.Figures;

/// <summary>Issue #11: each lint rule catches a bad figure and passes the house style's version of it.</summary>
public class FigureLintTests
{
    static Figure Good(Scale x = Scale.Linear, Scale y = Scale.Linear, double[]? xs = null, double[]? ys = null) =>
        Plots.Lines("test", "fig", "A figure (3 seeds)", "ε (log scale)", "loss",
        [
            new Curve("first method", xs ?? [0.01, 0.1, 1, 10], ys ?? [0.5, 0.4, 0.3, 0.2], Markers: true),
            new Curve("second method", xs ?? [0.01, 0.1, 1, 10], ys ?? [0.6, 0.5, 0.45, 0.4], Markers: true),
        ], x, y).WithCaption("preset smoke · 3 seeds, mean");

    static IEnumerable<string> Rules(Figure figure) => FigureLint.Check(figure).Select(p => p.Rule);

    [Fact]
    public void The_house_style_passes_every_rule()
    {
        Assert.Empty(FigureLint.Check(Good()));
        Assert.Empty(FigureLint.Check(Good(Scale.Log, Scale.Log, ys: [1e-6, 1e-3, 1, 1e3])));
        var grid = Plots.SmallMultiples("test", "grid", "Five panels (1 seed)", [.. Enumerable.Range(0, 5).Select(_ => Good(Scale.Log))], 3)
            .WithCaption("preset smoke · 1 seed");
        Assert.Empty(FigureLint.Check(grid));
        var nothing = Plots.Message("test", "none", "Nothing qualified (seed 0)", "No image stayed confidently wrong in this run.")
            .WithCaption("preset smoke · 1 seed");
        Assert.Empty(FigureLint.Check(nothing));
    }

    [Fact]
    public void A_legend_inside_the_plotting_area_is_caught()
    {
        var figure = Good();
        figure.Spec["layout"]!["legend"] = new JsonObject { ["x"] = 0.05, ["y"] = 0.95, ["xanchor"] = "left", ["yanchor"] = "top" };
        Assert.Contains("legend-over-data", Rules(figure));
    }

    [Fact]
    public void An_si_suffix_on_an_axis_without_a_unit_is_caught_and_allowed_with_one()
    {
        var figure = Good(Scale.Log);
        var axis = figure.Spec["layout"]!["xaxis"]!.AsObject();
        axis.Remove("tickvals");
        axis.Remove("ticktext");
        axis["tickformat"] = "~s"; // "10m" for ε = 0.01
        Assert.Contains("si-suffix-without-unit", Rules(figure));
        axis["title"] = new JsonObject { ["text"] = "lookup time (ns)" };
        Assert.DoesNotContain("si-suffix-without-unit", Rules(figure));
    }

    [Fact]
    public void An_empty_panel_is_caught()
    {
        var empty = Plots.Lines("test", "empty", "nothing", "x", "y", [new Curve("none", [], [])]);
        var grid = Plots.SmallMultiples("test", "grid", "Two panels (1 seed)", [Good(), empty], 2).WithCaption("preset smoke · 1 seed");
        Assert.Contains("empty-subplot", Rules(grid));
    }

    [Fact]
    public void Overlapping_tick_labels_are_caught()
    {
        var figure = Good();
        var axis = figure.Spec["layout"]!["xaxis"]!.AsObject();
        var values = Enumerable.Range(0, 40).Select(i => i * 0.25).ToArray();
        axis["tickvals"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
        axis["ticktext"] = new JsonArray([.. values.Select(v => (JsonNode)$"{v:0.00} units")]);
        axis.Remove(Ticks.AutoKey);
        Assert.Contains("tick-labels-overlap", Rules(figure));
    }

    [Fact]
    public void Fractional_ticks_on_an_axis_of_whole_numbers_are_caught_and_the_house_style_avoids_them()
    {
        var iterations = Good(xs: [3, 4, 5, 6]); // a short run: four training iterations
        var ticks = iterations.Spec["layout"]!["xaxis"]!["tickvals"]!.AsArray().Select(v => Ticks.Number(v)!.Value).ToList();
        Assert.All(ticks, v => Assert.Equal(Math.Round(v), v));
        Assert.DoesNotContain("fractional-ticks", Rules(iterations));

        var axis = iterations.Spec["layout"]!["xaxis"]!.AsObject();
        axis["tickvals"] = new JsonArray(3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0);
        axis["ticktext"] = new JsonArray("3.0", "3.5", "4.0", "4.5", "5.0", "5.5", "6.0");
        axis.Remove(Ticks.AutoKey);
        Assert.Contains("fractional-ticks", Rules(iterations));
    }

    [Fact]
    public void A_range_past_the_data_is_caught()
    {
        var figure = Good(xs: [100, 80, 64, 51]);
        figure.Spec["layout"]!["xaxis"]!["range"] = new JsonArray(110, 45); // "110 % remaining"
        Assert.Contains("range-past-data", Rules(figure));
    }

    [Fact]
    public void A_colour_bar_without_a_title_is_caught()
    {
        var pixels = new double[4, 4];
        pixels[1, 2] = 1;
        var bare = Plots.Image("test", "image", "An image (1 seed)", pixels).WithCaption("preset smoke · 1 seed");
        Assert.Contains("colour-bar-without-unit", Rules(bare));
        var titled = Plots.Image("test", "image", "An image (1 seed)", pixels, colorBarTitle: "intensity (0–1)")
            .WithCaption("preset smoke · 1 seed");
        Assert.DoesNotContain("colour-bar-without-unit", Rules(titled));
    }

    [Fact]
    public void A_figure_that_does_not_say_its_preset_and_seeds_is_caught()
    {
        var figure = Plots.Lines("test", "fig", "A figure", "x", "y", [new Curve("a", [1, 2, 3], [1, 2, 3])]);
        Assert.Equal(2, Rules(figure).Count(r => r == "caption"));
        Assert.DoesNotContain("caption", Rules(figure.WithCaption("preset reading-group · deterministic")));
    }

    [Theory]
    [InlineData(0.01, "0.01")]
    [InlineData(1e-6, "10<sup>−6</sup>")]
    [InlineData(2e-7, "2×10<sup>−7</sup>")]
    [InlineData(100_000, "100,000")]
    [InlineData(1e9, "10<sup>9</sup>")]
    public void Log_labels_are_plain_decimals_or_powers_of_ten(double value, string label) =>
        Assert.Equal(label, Ticks.LogLabel(value));

    [Fact]
    public void Ticks_never_use_si_prefixes_and_fit_their_axis()
    {
        foreach (var (lo, hi) in new[] { (1e-3, 10.0), (0.1, 1.0), (0.2951, 0.2962), (3.0, 2_000_000.0), (1e-7, 1e-2) })
        {
            var log = Ticks.LogTicks(lo, hi, 300, horizontal: true);
            var linear = Ticks.LinearTicks(lo, hi, 300, horizontal: true);
            Assert.True(log.Count >= 2, $"{lo}…{hi}: {log.Count} log ticks");
            Assert.True(linear.Count >= 2, $"{lo}…{hi}: {linear.Count} linear ticks");
            Assert.True(Ticks.LabelsFit(log, lo, hi, log: true, 300, horizontal: true), string.Join(" ", log.Select(t => t.Label)));
            Assert.All(log.Concat(linear), t => Assert.DoesNotMatch(@"\d[kmMµGn]\b", t.Label));
        }
    }
}
