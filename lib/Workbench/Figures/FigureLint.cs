using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbench.Figures;

/// <summary>
/// Checks a figure's specification against the house rules a reader notices in a blog post: legends over data, SI
/// suffixes on dimensionless axes, empty panels, overlapping tick labels, fractional ticks on whole-number axes,
/// ranges past the data, colour bars without units and captions that do not say the preset and the seeds. Geometry is
/// estimated from the spec (label widths from <see cref="Ticks.CharWidth"/>), so a rule can fail a figure that
/// plotly.js would have drawn acceptably by luck.
/// </summary>
public static partial class FigureLint
{
    /// <summary>One broken rule.</summary>
    /// <param name="Figure">"paper/name".</param>
    /// <param name="Rule">The rule's name, e.g. "legend-over-data".</param>
    /// <param name="Detail">What is wrong, in one sentence.</param>
    public sealed record Problem(string Figure, string Rule, string Detail)
    {
        /// <inheritdoc/>
        public override string ToString() => $"{Figure}: {Rule}: {Detail}";
    }

    /// <summary>Every rule the figure breaks (empty when it is fine).</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="requireCaption">Check the caption rule (figures that came out of an experiment's report).</param>
    public static IReadOnlyList<Problem> Check(Figure figure, bool requireCaption = true)
    {
        var problems = new List<Problem>();
        string id = $"{figure.Paper}/{figure.Name}";
        void Add(string rule, string detail) => problems.Add(new Problem(id, rule, detail));
        var layout = figure.Spec["layout"]!.AsObject();
        var data = figure.Spec["data"]?.AsArray() ?? [];
        var (plotWidth, plotHeight) = Ticks.PlotArea(layout);
        var subplots = Subplots(layout, data, plotWidth, plotHeight);

        foreach (var (legendKey, box) in LegendBoxes(layout, data, plotWidth, plotHeight))
            foreach (var (name, rect) in subplots)
                if (Overlap(box, rect) > 4)
                    Add("legend-over-data", $"{legendKey} overlaps the plotting area of {name}.");

        foreach (var key in layout.Select(p => p.Key).Where(Ticks.IsAxisKey))
        {
            var axis = layout[key]!.AsObject();
            if ((bool?)axis["visible"] == false) continue; // a message figure's hidden frame: nothing a reader sees
            string title = (string?)axis["title"]?["text"] ?? "";
            bool used = Ticks.TracesOn(data, key).Any(HasData);
            if (!used)
            {
                Add("empty-subplot", $"{key} ('{title}') has no data.");
                continue;
            }
            string? tickformat = (string?)axis["tickformat"];
            string exponent = (string?)axis["exponentformat"] ?? "B";
            bool si = (tickformat?.Contains('s') ?? false) || (axis["ticktext"] is null && exponent is "SI" or "B");
            if (si && !HasUnit(title))
                Add("si-suffix-without-unit", $"{key} ('{title}') can print SI suffixes (k, M, m, µ) but names no unit.");

            bool horizontal = key[0] == 'x';
            double length = Ticks.DomainFraction(axis) * (horizontal ? plotWidth : plotHeight);
            if (axis["ticktext"] is JsonArray labels && axis["tickvals"] is JsonArray tickvals)
            {
                var ticks = tickvals.Zip(labels, (v, l) => (Value: Ticks.Number(v) ?? double.NaN, Label: (string?)l ?? "")).ToList();
                var (lo, hi) = Ticks.Span(axis, data, key);
                bool log = (string?)axis["type"] == "log";
                bool angled = horizontal && Ticks.Number(axis["tickangle"]) is not null;
                // A little more lenient than the house style's own choice (8 px instead of 14 between x labels).
                if (!angled && !Ticks.LabelsFit(ticks, lo, hi, log, length + (horizontal ? ticks.Count * 6 : length * 0.5), horizontal))
                    Add("tick-labels-overlap", $"{key} ('{title}'): {ticks.Count} labels overlap on {length:0} px.");
                if (!log && NumericValues(data, key) is { Count: > 0 } whole && whole.All(IsWhole)
                    && ticks.FirstOrDefault(t => !IsWhole(t.Value)) is { Label: not null } fraction)
                    Add("fractional-ticks", $"{key} ('{title}') holds whole numbers only but has a tick at {fraction.Label}.");
            }
            else if (Ticks.CategoryLabels(data, key) is { Count: > 0 } categories)
            {
                if (horizontal && Ticks.Number(axis["tickangle"]) is null && categories.Sum(c => Ticks.Width(c) + 6) > length)
                    Add("tick-labels-overlap", $"{key} ('{title}'): {categories.Count} category labels need more than {length:0} px.");
            }
            else if (!Ticks.TracesOn(data, key).Any(t => (string?)t["type"] == "heatmap"))
                Add("tick-labels-overlap", $"{key} ('{title}') leaves its ticks to plotly.js, which can crowd them.");

            if (axis["range"] is JsonArray { Count: 2 } range && NumericValues(data, key) is { Count: > 1 } values)
            {
                bool log = (string?)axis["type"] == "log";
                double r0 = Ticks.Number(range[0]!)!.Value, r1 = Ticks.Number(range[1]!)!.Value;
                var v = log ? values.Where(x => x > 0).Select(Math.Log10).ToList() : values;
                // All values (nearly) equal: the house style shows ±10 % around them on purpose.
                if (v.Count > 1 && v.Max() - v.Min() > 1e-9 * Math.Max(1e-300, Math.Abs(v.Max())))
                {
                    double lo = v.Min(), hi = v.Max(), span = Math.Max(hi - lo, 1e-12), rlo = Math.Min(r0, r1), rhi = Math.Max(r0, r1);
                    if (rhi > hi + 0.08 * span || rlo < lo - 0.08 * span)
                        Add("range-past-data",
                            $"{key} ('{title}') runs to {rlo:0.###}…{rhi:0.###} but the data span {lo:0.###}…{hi:0.###}.");
                }
            }
        }

        foreach (var trace in data.OfType<JsonObject>().Where(t => (string?)t["type"] == "heatmap" && (bool?)t["showscale"] != false))
            if (string.IsNullOrWhiteSpace((string?)trace["colorbar"]?["title"]?["text"]))
                Add("colour-bar-without-unit", $"a heatmap's colour bar has no title saying what its colours measure.");

        if (requireCaption)
        {
            string caption = figure.Caption, said = ((string?)layout["title"]?["text"] ?? "").Replace("<br>", " ") + " " + caption;
            if (!caption.Contains("preset", StringComparison.Ordinal))
                Add("caption", "the caption does not state the preset.");
            if (!SeedsPattern().IsMatch(said))
                Add("caption", "neither title nor caption states the number of seeds (or that the figure is deterministic).");
        }
        return problems;
    }

    /// <summary>True when an axis title names a unit in parentheses, e.g. "lookup time (ns)"; "(log scale)" is not one.</summary>
    public static bool HasUnit(string title) =>
        UnitPattern().Matches(title).Any(m => !m.Groups[1].Value.Contains("log scale", StringComparison.OrdinalIgnoreCase)
                                              && m.Groups[1].Value.Trim() is not ("%" or ""));

    [GeneratedRegex(@"\(([^()]+)\)")]
    private static partial Regex UnitPattern();

    [GeneratedRegex(@"\b(\d+|one|two|three|four|five) seeds?\b|\bseed \d+|deterministic", RegexOptions.IgnoreCase)]
    private static partial Regex SeedsPattern();

    static bool IsWhole(double v) => Math.Abs(v - Math.Round(v)) < 1e-9;

    static bool HasData(JsonObject trace) =>
        new[] { "x", "y", "z", "values" }.Any(k => trace[k] is JsonArray { Count: > 0 });

    static List<double> NumericValues(JsonArray data, string key)
    {
        var values = new List<double>();
        foreach (var trace in Ticks.TracesOn(data, key))
            if (trace[key[..1]] is JsonArray array)
                foreach (var v in array)
                    if (Ticks.Number(v) is { } d && double.IsFinite(d)) values.Add(d);
        return values;
    }

    // Rectangles in pixels from the plotting area's bottom-left corner: (x0, y0, x1, y1).
    static List<(string Name, (double X0, double Y0, double X1, double Y1) Rect)> Subplots(JsonObject layout, JsonArray data,
        double plotWidth, double plotHeight)
    {
        var pairs = data.OfType<JsonObject>()
            .Select(t => (X: (string?)t["xaxis"] ?? "x", Y: (string?)t["yaxis"] ?? "y")).Distinct();
        var rects = new List<(string, (double, double, double, double))>();
        foreach (var (x, y) in pairs)
        {
            var xDomain = layout["xaxis" + x[1..]]?["domain"] as JsonArray;
            var yDomain = layout["yaxis" + y[1..]]?["domain"] as JsonArray;
            double x0 = Ticks.Number(xDomain?[0]) ?? 0, x1 = Ticks.Number(xDomain?[1]) ?? 1;
            double y0 = Ticks.Number(yDomain?[0]) ?? 0, y1 = Ticks.Number(yDomain?[1]) ?? 1;
            rects.Add(($"{x}/{y}", (x0 * plotWidth, y0 * plotHeight, x1 * plotWidth, y1 * plotHeight)));
        }
        return rects;
    }

    static IEnumerable<(string Key, (double X0, double Y0, double X1, double Y1) Box)> LegendBoxes(JsonObject layout, JsonArray data,
        double plotWidth, double plotHeight)
    {
        if ((bool?)layout["showlegend"] == false) yield break;
        var shown = data.OfType<JsonObject>()
            .Where(t => (bool?)t["showlegend"] != false && (string?)t["type"] != "heatmap" && t["name"] is not null)
            .GroupBy(t => (string?)t["legend"] ?? "legend");
        int tracesInFigure = data.Count;
        foreach (var group in shown)
        {
            var names = group.Select(t => (string?)t["legendgroup"] ?? (string?)t["name"] ?? "").Distinct().ToList();
            // plotly.js hides the legend of a figure with a single trace unless asked.
            if (names.Count == 0 || (tracesInFigure == 1 && (bool?)layout["showlegend"] != true)) continue;
            var legend = layout[group.Key] as JsonObject ?? new JsonObject();
            bool horizontal = (string?)legend["orientation"] == "h";
            double entryWidth(string n) => Ticks.Width(n) * 11 / 13 + 46;
            double width, height;
            if (horizontal)
            {
                double total = names.Sum(entryWidth);
                int rows = Math.Max(1, (int)Math.Ceiling(total / Math.Max(100, plotWidth)));
                (width, height) = (Math.Min(total, plotWidth), rows * 19 + 8);
            }
            else (width, height) = (names.Max(entryWidth), names.Count * 19 + 8);
            double x = (Ticks.Number(legend["x"]) ?? 1.02) * plotWidth, y = (Ticks.Number(legend["y"]) ?? 1) * plotHeight;
            string xanchor = (string?)legend["xanchor"] ?? "left", yanchor = (string?)legend["yanchor"] ?? "top";
            double x0 = xanchor switch { "right" => x - width, "center" => x - width / 2, _ => x };
            double y1 = yanchor switch { "bottom" => y + height, "middle" => y + height / 2, _ => y };
            yield return (group.Key, (x0, y1 - height, x0 + width, y1));
        }
    }

    static double Overlap((double X0, double Y0, double X1, double Y1) a, (double X0, double Y0, double X1, double Y1) b)
    {
        double w = Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0), h = Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0);
        return w > 0 && h > 0 ? Math.Min(w, h) : 0;
    }
}
