using System.Text.Json.Nodes;

namespace Workbench.Figures;

/// <summary>
/// One look for every figure: font, white background with light grid, a fixed colour per method name, axis
/// titles with units, legend above the plot.
/// </summary>
public static class HouseStyle
{
    /// <summary>Default export width in pixels.</summary>
    public const int Width = 800;

    /// <summary>Default export height in pixels.</summary>
    public const int Height = 500;

    /// <summary>Font family used for all text.</summary>
    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    /// <summary>The palette (colour-blind-friendly Okabe–Ito colours; black before the light ones, yellow last:
    /// it is faint on white).</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9", "#F0E442"];

    // Methods that recur across papers keep the same colour in every figure.
    static readonly Dictionary<string, string> Fixed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ours"] = "#0072B2", ["ticket"] = "#0072B2", ["winning ticket"] = "#0072B2", ["pav"] = "#0072B2", ["rmi"] = "#0072B2",
        ["reinit"] = "#D55E00", ["random reinit"] = "#D55E00", ["baseline"] = "#D55E00", ["binary search"] = "#D55E00",
        ["random mask"] = "#009E73", ["all-pairs"] = "#009E73", ["b+tree"] = "#009E73",
        ["one-shot"] = "#CC79A7", ["sinkhorn"] = "#CC79A7", ["pgm"] = "#CC79A7",
        ["dense"] = "#000000", ["paper"] = "#000000",
    };

    /// <summary>
    /// The colours of one figure's series, in order: fixed for known method names (so "binary search" or "PAV" look
    /// the same in every figure), the others the palette in order, skipping colours the figure's fixed names already
    /// use, so that no two series share a colour until the palette runs out.
    /// </summary>
    public static string[] ColorsFor(IReadOnlyList<string> names)
    {
        var colors = new string[names.Count];
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < names.Count; i++)
            if (Fixed.TryGetValue(names[i], out var c)) { colors[i] = c; taken.Add(c); }
        var free = Palette.Where(c => !taken.Contains(c)).ToList();
        if (free.Count == 0) free = [.. Palette];
        int next = 0;
        for (int i = 0; i < names.Count; i++)
            colors[i] ??= free[next++ % free.Count];
        return colors;
    }

    /// <summary>Translucent version of a hex colour for bands.</summary>
    public static string Translucent(string hex, double alpha = 0.18)
    {
        int r = Convert.ToInt32(hex.Substring(1, 2), 16),
            g = Convert.ToInt32(hex.Substring(3, 2), 16),
            b = Convert.ToInt32(hex.Substring(5, 2), 16);
        return $"rgba({r},{g},{b},{alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
    }

    /// <summary>Applies the house layout to a figure spec (keeps axis settings the builder made).</summary>
    /// <param name="spec">The plotly.js figure.</param>
    /// <param name="title">The figure title ("" for none).</param>
    /// <param name="margin">Margins in pixels when the builder laid out the plotting area itself (small multiples);
    /// null for the single-plot margins, with the legend below the x-axis title.</param>
    public static JsonObject Apply(JsonObject spec, string title, JsonObject? margin = null)
    {
        var layout = spec["layout"] as JsonObject ?? new JsonObject();
        layout.Remove("template");
        layout["width"] ??= Width;
        layout["height"] ??= Height;
        layout["font"] = new JsonObject { ["family"] = FontFamily, ["size"] = 13, ["color"] = "#222222" };
        layout["paper_bgcolor"] = "#ffffff";
        layout["plot_bgcolor"] = "#ffffff";
        if (margin is null)
        {
            // The legend sits under the x-axis title: a long one wraps downwards instead of into the title.
            layout["margin"] = new JsonObject { ["l"] = 70, ["r"] = 30, ["t"] = title.Length > 0 ? 60 : 30, ["b"] = 120 };
            layout["height"] = (int)layout["height"]! + 40;
            layout["legend"] = new JsonObject
            {
                ["orientation"] = "h", ["y"] = -0.2, ["yanchor"] = "top", ["x"] = 0, ["bgcolor"] = "rgba(255,255,255,0)"
            };
        }
        else
        {
            layout["margin"] = margin;
            layout["showlegend"] = true;
        }
        if (title.Length > 0)
        {
            // A title longer than the figure is cut off by plotly.js: wrap it at words, with room for every line.
            string wrapped = WrapTitle(title, (Ticks.Number(layout["width"]) ?? Width) - 40);
            int lines = wrapped.Split("<br>").Length;
            layout["title"] = new JsonObject { ["text"] = wrapped, ["x"] = 0.02, ["font"] = new JsonObject { ["size"] = 16 } };
            var margins = layout["margin"]!.AsObject();
            int top = (int)(Ticks.Number(margins["t"]) ?? 60), needed = 36 + 24 * lines;
            if (needed > top)
            {
                margins["t"] = needed;
                layout["height"] = (int)(Ticks.Number(layout["height"]) ?? Height) + needed - top;
            }
        }
        foreach (var key in layout.Select(p => p.Key)
                .Where(k => k.StartsWith("xaxis", StringComparison.Ordinal) || k.StartsWith("yaxis", StringComparison.Ordinal))
                .ToList())
            StyleAxis(layout[key]!.AsObject());
        if (!layout.ContainsKey("xaxis")) layout["xaxis"] = StyleAxis(new JsonObject());
        if (!layout.ContainsKey("yaxis")) layout["yaxis"] = StyleAxis(new JsonObject());
        spec["layout"] = layout;
        if (margin is null && layout["yaxis"]?["title"]?["text"] is JsonValue yTitle && (string?)yTitle is { } text)
        {
            // A y-axis title longer than the axis runs into the title lines above it: two lines, with room on the left.
            double length = Ticks.PlotArea(layout).Height;
            if (Ticks.Width(text) * 14 / 13 > length && !text.Contains("<br>", StringComparison.Ordinal))
            {
                layout["yaxis"]!["title"]!["text"] = WrapTitle(text, length);
                layout["margin"]!["l"] = 90;
            }
        }
        Ticks.Apply(spec);
        return spec;
    }

    /// <summary>
    /// Breaks a title into lines of at most <paramref name="widthPixels"/> (16 px text, about 9 px a character) at
    /// spaces, keeping the builder's own line breaks.
    /// </summary>
    public static string WrapTitle(string title, double widthPixels)
    {
        int perLine = Math.Max(20, (int)(widthPixels / 9));
        var lines = new List<string>();
        foreach (var given in title.Split("<br>"))
        {
            var line = new System.Text.StringBuilder();
            foreach (var word in given.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > perLine)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            lines.Add(line.ToString());
        }
        return string.Join("<br>", lines);
    }

    static JsonObject StyleAxis(JsonObject axis)
    {
        axis["showgrid"] = true;
        axis["gridcolor"] = "#e5e5e5";
        axis["zeroline"] = false;
        axis["showline"] = true;
        axis["linecolor"] = "#444444";
        axis["ticks"] = "outside";
        axis["mirror"] = false;
        // Where plotly.js still picks labels (heatmaps, a builder's own ticks): never "k"/"M"/"m" suffixes.
        axis["exponentformat"] = "power";
        axis["separatethousands"] = true;
        return axis;
    }
}
