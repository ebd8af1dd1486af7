using System.Text.Json.Nodes;
using Plotly.NET;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures;

/// <summary>Axis scale.</summary>
public enum Scale
{
    /// <summary>Linear axis.</summary>
    Linear,
    /// <summary>Base-10 logarithmic axis.</summary>
    Log,
}

/// <summary>One line of a line chart, optionally with a ± band (e.g. standard deviation over seeds).</summary>
/// <param name="Name">Legend name; known method names get their fixed colour.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (means when <paramref name="Band"/> is given).</param>
/// <param name="Band">Half-width of the band around Y at each point (e.g. one std); null for none.</param>
/// <param name="Markers">Draw markers at the points.</param>
/// <param name="Dash">Line dash: "solid", "dash", "dot".</param>
/// <param name="BandLimits">The values the quantity can take (a fraction: [0, 1]; a return: [0, cap]); the band is clipped to
/// them, so mean ± std over few seeds does not draw impossible values. Null: unclipped.</param>
public sealed record Curve(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Band = null,
    bool Markers = false, string Dash = "solid", (double Low, double High)? BandLimits = null);

/// <summary>One group of a grouped bar chart: a value (and optional error) per category.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Values">One value per category.</param>
/// <param name="Errors">Error bar half-widths per category (e.g. std), or null.</param>
public sealed record BarGroup(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors = null);

/// <summary>
/// House-style figure builders over Plotly.NET: lines with mean ± std bands, scatter, log-log with a fitted slope,
/// heatmaps and images, grouped bars with error bars, and small multiples.
/// </summary>
public static class Plots
{
    /// <summary>A line chart; curves with a band get a translucent ± band in their colour.</summary>
    public static Figure Lines(string paper, string name, string title, string xTitle, string yTitle, IEnumerable<Curve> curves,
        Scale x = Scale.Linear, Scale y = Scale.Linear)
    {
        var data = new JsonArray();
        var list = curves.ToList();
        var colors = HouseStyle.ColorsFor(list.Select(c => c.Name).ToList());
        for (int i = 0; i < list.Count; i++) AddCurve(data, list[i], colors[i], "x", "y");
        return Build(paper, name, title, data, Axis(xTitle, x), Axis(yTitle, y));
    }

    /// <summary>
    /// Ticks at exactly <paramref name="values"/> on one axis of a built figure (e.g. the 2, 4, 8, … a sweep ran, on a log
    /// axis, where the house ticks would read 2, 5, 10), labelled as plain numbers, and kept when the figure is laid out
    /// again (as a panel).
    /// </summary>
    /// <param name="figure">A figure from one of these builders.</param>
    /// <param name="axis">The layout key of the axis: "xaxis", "yaxis2", ….</param>
    /// <param name="values">Tick positions in data units.</param>
    public static void FixedTicks(Figure figure, string axis, IEnumerable<double> values)
    {
        var list = values.ToList();
        var node = figure.Spec["layout"]![axis]!.AsObject();
        node["tickvals"] = new JsonArray([.. list.Select(v => (JsonNode)v)]);
        node["ticktext"] = new JsonArray([.. list.Select(v =>
            (JsonNode)v.ToString(v < 1 ? "0.##" : "#,0", System.Globalization.CultureInfo.InvariantCulture))]);
        foreach (var key in new[] { Ticks.AutoKey, "tickformat", "dtick", "nticks" }) node.Remove(key);
    }

    /// <summary>A scatter plot of one or more point sets.</summary>
    public static Figure Scatter(string paper, string name, string title, string xTitle, string yTitle,
        IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> sets, Scale x = Scale.Linear, Scale y = Scale.Linear)
    {
        var data = new JsonArray();
        var list = sets.ToList();
        var colors = HouseStyle.ColorsFor(list.Select(s => s.Name).ToList());
        int i = 0;
        foreach (var set in list)
        {
            var trace = Trace(PlotlyChart.Point<double, double, string>(x: set.X, y: set.Y, Name: set.Name));
            string color = colors[i++];
            trace["marker"] = new JsonObject { ["color"] = color, ["size"] = 7, ["opacity"] = 0.8 };
            data.Add(trace);
        }
        return Build(paper, name, title, data, Axis(xTitle, x), Axis(yTitle, y));
    }

    /// <summary>
    /// Log-log lines with the least-squares slope of log10(y) on log10(x) in each legend entry (e.g. runtime vs n:
    /// slope 1 is linear, 2 quadratic). Non-positive points are left out. Only points with x ≥ <paramref name="fitFrom"/>
    /// are fitted (small sizes are dominated by fixed costs); see
    /// <see cref="FitLogLogSlope(IReadOnlyList{double}, IReadOnlyList{double}, double)"/>.
    /// </summary>
    public static Figure LogLog(string paper, string name, string title, string xTitle, string yTitle,
        IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> sets, double fitFrom = 0)
    {
        var curves = sets.Select(s =>
        {
            var points = s.X.Zip(s.Y).Where(p => p.First > 0 && p.Second > 0).ToArray();
            double slope = FitLogLogSlope(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), fitFrom);
            string label = double.IsNaN(slope) ? s.Name : $"{s.Name} (slope {slope:0.00})";
            return new Curve(label, points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), Markers: true);
        }).ToList();
        return Lines(paper, name, title, xTitle, yTitle, curves, Scale.Log, Scale.Log);
    }

    /// <summary>
    /// Least-squares slope of log10(y) against log10(x) over the points with x ≥ <paramref name="fitFrom"/>; when fewer
    /// than two qualify, over the two largest x. NaN with fewer than two points.
    /// </summary>
    public static double FitLogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y, double fitFrom = 0)
    {
        var points = x.Zip(y).Where(p => p.First >= fitFrom).ToList();
        if (points.Count < 2) points = x.Zip(y).OrderByDescending(p => p.First).Take(2).ToList();
        if (points.Count < 2) return double.NaN;
        var lx = points.Select(p => Math.Log10(p.First)).ToArray();
        var ly = points.Select(p => Math.Log10(p.Second)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxx = lx.Sum(v => (v - mx) * (v - mx));
        return sxx == 0 ? double.NaN : lx.Zip(ly).Sum(p => (p.First - mx) * (p.Second - my)) / sxx;
    }

    /// <summary>A heatmap of <paramref name="z"/>[row, column] with optional axis labels.</summary>
    public static Figure Heatmap(string paper, string name, string title, double[,] z, string xTitle = "", string yTitle = "",
        IReadOnlyList<string>? columnLabels = null, IReadOnlyList<string>? rowLabels = null, string colorScale = "Viridis",
        bool reverseY = false, string colorBarTitle = "")
    {
        var rows = Enumerable.Range(0, z.GetLength(0))
            .Select(r => Enumerable.Range(0, z.GetLength(1)).Select(c => z[r, c]).ToArray())
            .ToArray();
        var trace = Trace(PlotlyChart.Heatmap<double, string, string, string>(zData: rows));
        if (columnLabels is not null) trace["x"] = new JsonArray(columnLabels.Select(l => (JsonNode)l).ToArray());
        if (rowLabels is not null) trace["y"] = new JsonArray(rowLabels.Select(l => (JsonNode)l).ToArray());
        trace["colorscale"] = colorScale;
        // What the colours measure, with its unit: a reader cannot read a colour bar without it (the figure lint checks).
        if (colorBarTitle.Length > 0)
            trace["colorbar"] = new JsonObject { ["title"] = new JsonObject { ["text"] = colorBarTitle, ["side"] = "right" } };
        var yAxis = Axis(yTitle, Scale.Linear);
        if (reverseY) yAxis["autorange"] = "reversed";
        return Build(paper, name, title, [trace], Axis(xTitle, Scale.Linear), yAxis);
    }

    /// <summary>
    /// An image (e.g. a 28 × 28 digit or mask), rows top to bottom, square pixels, with a colour bar titled
    /// <paramref name="colorBarTitle"/> (what a pixel's value means, with its unit).
    /// </summary>
    public static Figure Image(string paper, string name, string title, double[,] pixels, string colorScale = "Greys",
        double? min = null, double? max = null, string colorBarTitle = "")
    {
        var figure = Heatmap(paper, name, title, pixels, colorScale: colorScale, reverseY: true, colorBarTitle: colorBarTitle);
        if (min is { } lo) figure.Spec["data"]![0]!["zmin"] = lo;
        if (max is { } hi) figure.Spec["data"]![0]!["zmax"] = hi;
        var layout = figure.Spec["layout"]!.AsObject();
        layout["yaxis"]!["scaleanchor"] = "x";
        layout["xaxis"]!["showgrid"] = false;
        layout["yaxis"]!["showgrid"] = false;
        layout["width"] = 520;
        return figure;
    }

    /// <summary>
    /// A label image: one flat colour per class, the colours <see cref="HouseStyle.ColorsFor"/> gives the class names
    /// (so a class looks the same here as in the paper's scatter plots), and a colour bar that names the classes.
    /// </summary>
    /// <param name="paper">Paper slug.</param>
    /// <param name="name">Figure name.</param>
    /// <param name="title">Title.</param>
    /// <param name="labels">[row, column] class ids: 0 = <paramref name="noneName"/> (light grey), c ≥ 1 = classNames[c − 1].</param>
    /// <param name="classNames">The classes, in id order from 1.</param>
    /// <param name="noneName">What id 0 means, e.g. "empty pixel".</param>
    /// <param name="squarePixels">Keep pixels square (false stretches the rows, e.g. for a wide range image).</param>
    public static Figure ClassImage(string paper, string name, string title, int[,] labels, IReadOnlyList<string> classNames,
        string noneName, bool squarePixels = true)
    {
        var pixels = new double[labels.GetLength(0), labels.GetLength(1)];
        for (int r = 0; r < pixels.GetLength(0); r++)
            for (int c = 0; c < pixels.GetLength(1); c++)
                pixels[r, c] = labels[r, c] < 0 || labels[r, c] > classNames.Count
                    ? throw new ArgumentOutOfRangeException(nameof(labels),
                        $"label {labels[r, c]} at row {r}, column {c} is outside 0…{classNames.Count}.")
                    : labels[r, c];
        var figure = Image(paper, name, title, pixels, colorBarTitle: "class");
        string[] colors = ["#eeeeee", .. HouseStyle.ColorsFor(classNames)];
        int n = colors.Length;
        // A stepped scale: id k owns [k/n, (k+1)/n] of it, with zmin/zmax half an id beyond the ends.
        var scale = new JsonArray();
        for (int k = 0; k < n; k++)
        {
            scale.Add(new JsonArray((double)k / n, colors[k]));
            scale.Add(new JsonArray((double)(k + 1) / n, colors[k]));
        }
        var trace = figure.Spec["data"]![0]!.AsObject();
        trace["colorscale"] = scale;
        trace["zmin"] = -0.5;
        trace["zmax"] = n - 0.5;
        var colorBar = trace["colorbar"]!.AsObject();
        colorBar["title"]!["side"] = "top"; // beside the class names it would run across them
        colorBar["tickvals"] = new JsonArray([.. Enumerable.Range(0, n).Select(k => (JsonNode)k)]);
        colorBar["ticktext"] = new JsonArray([.. new[] { noneName }.Concat(classNames).Select(l => (JsonNode)l)]);
        if (!squarePixels) figure.Spec["layout"]!["yaxis"]!.AsObject().Remove("scaleanchor");
        return figure;
    }

    /// <summary>
    /// A figure with no axes that says in one sentence why there is nothing to draw (nothing qualified in this run), so
    /// a notebook cell, an export and the gallery show the reason instead of an empty frame.
    /// </summary>
    public static Figure Message(string paper, string name, string title, string message)
    {
        var figure = Build(paper, name, title, [], new JsonObject { ["visible"] = false }, new JsonObject { ["visible"] = false });
        var layout = figure.Spec["layout"]!.AsObject();
        layout["annotations"] = new JsonArray(new JsonObject
        {
            ["text"] = HouseStyle.WrapTitle(message, 600), ["xref"] = "paper", ["yref"] = "paper", ["x"] = 0.5, ["y"] = 0.5,
            ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = 15, ["color"] = "#444444" },
        });
        layout["height"] = 300;
        return figure;
    }

    /// <summary>Grouped bars: one bar per group within each category, with optional error bars.</summary>
    public static Figure GroupedBars(string paper, string name, string title, string xTitle, string yTitle,
        IReadOnlyList<string> categories, IEnumerable<BarGroup> groups, Scale y = Scale.Linear)
    {
        var data = new JsonArray();
        var list = groups.ToList();
        var colors = HouseStyle.ColorsFor(list.Select(g => g.Name).ToList());
        int i = 0;
        foreach (var group in list)
        {
            var trace = Trace(PlotlyChart.Column<double, string, string>(
                values: group.Values, Keys: categories.ToArray(), Name: group.Name));
            trace["marker"] = new JsonObject { ["color"] = colors[i++] };
            if (group.Errors is not null)
                trace["error_y"] = new JsonObject
                {
                    ["type"] = "data", ["array"] = Numbers(group.Errors), ["visible"] = true, ["color"] = "#444444"
                };
            data.Add(trace);
        }
        var figure = Build(paper, name, title, data, Axis(xTitle, Scale.Linear), Axis(yTitle, y));
        figure.Spec["layout"]!["barmode"] = "group";
        return figure;
    }

    /// <summary>
    /// Small multiples: the given figures laid out in a grid of panels, each with its own axes (scales and titles kept),
    /// title and legend (plotly.js multiple legends, each under its panel's x-axis title, never over data), so colours
    /// only need to agree within a panel. A last row with fewer panels is centred (no empty cell). Heatmap panels show
    /// one colour bar (the last): give compared panels the same zmin/zmax.
    /// </summary>
    public static Figure SmallMultiples(string paper, string name, string title, IReadOnlyList<Figure> panels, int columns,
        int panelWidth = 360, int panelHeight = 300)
    {
        columns = Math.Clamp(columns, 1, Math.Max(1, panels.Count));
        int rows = (panels.Count + columns - 1) / columns;
        const double titleSpace = 34, axisTitleSpace = 66, entryHeight = 19, left = 62, right = 18;
        double plotHeight = panelHeight - titleSpace - axisTitleSpace;
        var entries = panels.Select(p => LegendEntries(p.Spec["data"]!.AsArray())).ToArray();
        var rowLegend = Enumerable.Range(0, rows)
            .Select(r => entries.Skip(r * columns).Take(columns).Max() is var n and > 0 ? n * entryHeight + 8 : 0).ToArray();
        var rowTop = new double[rows];
        for (int r = 1; r < rows; r++) rowTop[r] = rowTop[r - 1] + panelHeight + rowLegend[r - 1];
        double totalHeight = rowTop[^1] + panelHeight + rowLegend[^1], totalWidth = panelWidth * columns;

        var data = new JsonArray();
        var layout = new JsonObject();
        var annotations = new JsonArray();
        var legends = new Dictionary<string, JsonObject>();
        for (int p = 0; p < panels.Count; p++)
        {
            int row = p / columns, col = p % columns;
            int inRow = Math.Min(columns, panels.Count - row * columns);
            double offset = (columns - inRow) / 2.0; // centres a short last row
            string suffix = p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            double x0 = ((col + offset) * panelWidth + left) / totalWidth, x1 = ((col + offset + 1) * panelWidth - right) / totalWidth;
            double topPx = rowTop[row] + titleSpace, bottomPx = topPx + plotHeight;
            double y1 = 1 - topPx / totalHeight, y0 = 1 - bottomPx / totalHeight;
            foreach (var trace in panels[p].Spec["data"]!.AsArray())
            {
                var copy = trace!.DeepClone().AsObject();
                copy["xaxis"] = "x" + suffix;
                copy["yaxis"] = "y" + suffix;
                copy["legend"] = "legend" + suffix;
                data.Add(copy);
            }
            var panelLayout = panels[p].Spec["layout"]!;
            var xaxis = panelLayout["xaxis"]?.DeepClone().AsObject() ?? new JsonObject();
            var yaxis = panelLayout["yaxis"]?.DeepClone().AsObject() ?? new JsonObject();
            xaxis["domain"] = new JsonArray(x0, x1);
            yaxis["domain"] = new JsonArray(y0, y1);
            xaxis["anchor"] = "y" + suffix;
            yaxis["anchor"] = "x" + suffix;
            if ((string?)yaxis["scaleanchor"] == "x") yaxis["scaleanchor"] = "x" + suffix; // images keep square pixels
            layout["xaxis" + suffix] = xaxis;
            layout["yaxis" + suffix] = yaxis;
            if (entries[p] > 0)
                legends["legend" + suffix] = new JsonObject
                {
                    ["x"] = x0, ["y"] = 1 - (bottomPx + axisTitleSpace - 4) / totalHeight, ["xanchor"] = "left", ["yanchor"] = "top",
                    ["xref"] = "paper", ["yref"] = "paper", ["orientation"] = "v", ["tracegroupgap"] = 0,
                    ["bgcolor"] = "rgba(255,255,255,0)", ["font"] = new JsonObject { ["size"] = 11 },
                };
            string panelTitle = (string?)panelLayout["title"]?["text"] ?? panels[p].Name;
            annotations.Add(new JsonObject
            {
                ["text"] = $"<b>{panelTitle}</b>", ["showarrow"] = false, ["xref"] = "paper", ["yref"] = "paper",
                ["x"] = (x0 + x1) / 2, ["y"] = y1 + 6 / totalHeight, ["xanchor"] = "center", ["yanchor"] = "bottom",
            });
        }
        // One colour bar is enough (panels that are compared share zmin/zmax); the others would stack on top of it.
        var heatmaps = data.Where(t => (string?)t!["type"] == "heatmap").ToList();
        foreach (var heatmap in heatmaps.SkipLast(1)) heatmap!["showscale"] = false;
        layout["annotations"] = annotations;
        // The colour bar (and its title, drawn sideways) sits right of the panels: room for it outside them.
        int colorBarRoom = heatmaps.Count > 0 && (bool?)heatmaps[^1]!["showscale"] != false ? 100 : 0;
        layout["width"] = (int)totalWidth + 40 + colorBarRoom;
        layout["height"] = (int)Math.Ceiling(totalHeight) + (title.Length > 0 ? 70 : 30);
        foreach (var (key, legend) in legends) layout[key] = legend;
        var spec = new JsonObject { ["data"] = data, ["layout"] = layout };
        var styled = HouseStyle.Apply(spec, title, margin: new JsonObject
        {
            ["l"] = 20, ["r"] = 20 + colorBarRoom, ["t"] = title.Length > 0 ? 60 : 20, ["b"] = 10,
        });
        return new Figure(paper, name, styled);
    }

    /// <summary>How many entries a panel's legend shows: named traces that are not hidden from it, one per legend group.</summary>
    public static int LegendEntries(JsonArray data) =>
        data.OfType<JsonObject>()
            .Where(t => (bool?)t["showlegend"] != false && (string?)t["type"] != "heatmap" && t["name"] is not null)
            .Select(t => (string?)t["legendgroup"] ?? (string?)t["name"]).Distinct().Count();

    static void AddCurve(JsonArray data, Curve curve, string color, string xAxis, string yAxis)
    {
        if (curve.Band is { } band)
        {
            var (low, high) = curve.BandLimits ?? (double.NegativeInfinity, double.PositiveInfinity);
            var upper = curve.Y.Zip(band, (m, s) => Math.Min(m + s, high)).ToArray();
            var lower = curve.Y.Zip(band, (m, s) => Math.Max(m - s, low)).ToArray();
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "lines", ["x"] = Numbers(curve.X), ["y"] = Numbers(upper),
                ["line"] = new JsonObject { ["width"] = 0 }, ["hoverinfo"] = "skip", ["showlegend"] = false,
                ["legendgroup"] = curve.Name, ["name"] = curve.Name + " +std", ["xaxis"] = xAxis, ["yaxis"] = yAxis,
            });
            data.Add(new JsonObject
            {
                ["type"] = "scatter", ["mode"] = "lines", ["x"] = Numbers(curve.X), ["y"] = Numbers(lower),
                ["line"] = new JsonObject { ["width"] = 0 },
                ["fill"] = "tonexty", ["fillcolor"] = HouseStyle.Translucent(color), ["hoverinfo"] = "skip", ["showlegend"] = false,
                ["legendgroup"] = curve.Name, ["name"] = curve.Name + " -std", ["xaxis"] = xAxis, ["yaxis"] = yAxis,
            });
        }
        var trace = Trace(PlotlyChart.Line<double, double, string>(x: curve.X, y: curve.Y, Name: curve.Name, ShowMarkers: curve.Markers));
        trace["line"] = new JsonObject { ["color"] = color, ["width"] = 2.2, ["dash"] = curve.Dash };
        trace["marker"] = new JsonObject { ["color"] = color, ["size"] = 6 };
        trace["legendgroup"] = curve.Name;
        trace["xaxis"] = xAxis;
        trace["yaxis"] = yAxis;
        data.Add(trace);
    }

    static JsonObject Trace(GenericChart chart) =>
        JsonNode.Parse(GenericChart.toFigureJson(chart))!["data"]!.AsArray()[0]!.DeepClone().AsObject();

    static JsonObject Axis(string title, Scale scale)
    {
        var axis = new JsonObject { ["title"] = new JsonObject { ["text"] = title } };
        if (scale == Scale.Log) axis["type"] = "log"; // ticks and labels: Ticks, applied by the house style
        return axis;
    }

    static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).Select(v => (JsonNode?)v).ToArray());

    static Figure Build(string paper, string name, string title, JsonArray data, JsonObject xAxis, JsonObject yAxis)
    {
        var spec = new JsonObject { ["data"] = data, ["layout"] = new JsonObject { ["xaxis"] = xAxis, ["yaxis"] = yAxis } };
        return new Figure(paper, name, HouseStyle.Apply(spec, title));
    }
}
