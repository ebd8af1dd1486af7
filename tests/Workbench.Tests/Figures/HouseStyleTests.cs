using Workbench.Figures;

namespace Workbench.Tests.Figures;

public class HouseStyleTests
{
    [Fact]
    public void Series_of_one_figure_never_share_a_colour_while_the_palette_lasts()
    {
        // The learned-index size/latency figure: three fixed baselines among four RMI roots.
        string[] names = ["RMI linear", "binary search", "B+tree", "PGM", "RMI log-linear", "RMI cubic", "RMI mlp"];
        var colors = HouseStyle.ColorsFor(names);
        Assert.Equal(names.Length, colors.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        // Known methods keep their colour in every figure, wherever they stand in the list.
        Assert.Equal(HouseStyle.ColorsFor(["binary search"])[0], colors[1]);
        Assert.Equal(HouseStyle.ColorsFor(["x", "y", "binary search"])[2], colors[1]);
    }

    [Fact]
    public void More_series_than_colours_wrap_around_instead_of_failing()
    {
        var names = Enumerable.Range(0, 20).Select(i => $"series {i}").ToArray();
        var colors = HouseStyle.ColorsFor(names);
        Assert.Equal(HouseStyle.Palette.Count, colors.Distinct().Count());
        Assert.All(colors, c => Assert.Contains(c, HouseStyle.Palette));
    }

    [Fact]
    public void A_band_is_clipped_to_the_values_its_quantity_can_take()
    {
        // Returns of 9, 47 and 200 over 3 seeds: mean 85, std 100; the band must not go below 0 or above the cap.
        var figure = Plots.Lines("test", "returns", "Returns (3 seeds)", "iteration", "return",
            [new Curve("mean", [0, 1], [85, 150], Band: [100, 100], BandLimits: (0, 200))]);
        var traces = figure.Spec["data"]!.AsArray().Select(t => t!.AsObject()).ToList();
        double[] Y(string name) => [.. traces.Single(t => (string?)t["name"] == name)["y"]!.AsArray().Select(v => (double)v!)];
        Assert.Equal([185.0, 200.0], Y("mean +std"));
        Assert.Equal([0.0, 50.0], Y("mean -std"));
    }
}
