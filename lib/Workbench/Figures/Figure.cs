using System.Text.Json.Nodes;
using Plotly.NET;

namespace Workbench.Figures;

/// <summary>
/// A finished figure: a stable name under its paper's folder and a plotly.js figure spec (data + layout) in the
/// house style. Built by <see cref="Plots"/>; any Plotly.NET chart can be wrapped with <see cref="From"/>.
/// </summary>
/// <param name="Paper">Paper slug, e.g. "lottery-ticket"; figures export to figures/&lt;paper&gt;/.</param>
/// <param name="Name">Stable file name without extension, e.g. "accuracy-vs-sparsity".</param>
/// <param name="Spec">The plotly.js figure: <c>{"data": [...], "layout": {...}}</c>.</param>
public sealed record Figure(string Paper, string Name, JsonObject Spec)
{
    /// <summary>Width in pixels used for export.</summary>
    public int Width => (int?)Spec["layout"]?["width"] ?? HouseStyle.Width;

    /// <summary>Height in pixels used for export.</summary>
    public int Height => (int?)Spec["layout"]?["height"] ?? HouseStyle.Height;

    /// <summary>Wraps a Plotly.NET chart and applies the house style.</summary>
    public static Figure From(string paper, string name, GenericChart chart, string title = "")
    {
        var spec = (JsonObject)JsonNode.Parse(GenericChart.toFigureJson(chart))!;
        return new Figure(paper, name, HouseStyle.Apply(spec, title));
    }

    /// <summary>
    /// What the figure shows at which scale: the preset and the number of seeds (e.g. "preset reading-group · 3 seeds,
    /// mean ± std band"). Drawn under the title, so exported files carry it; shown under the figure in notebooks and in
    /// the gallery.
    /// </summary>
    public string Caption { get; init; } = "";

    const string CaptionOpen = "<br><span style=\"font-size:12px;color:#555555\">";

    /// <summary>A copy with <paramref name="caption"/> as its caption, drawn as a second title line.</summary>
    public Figure WithCaption(string caption)
    {
        var spec = (JsonObject)Spec.DeepClone();
        var layout = spec["layout"]!.AsObject();
        string title = (string?)layout["title"]?["text"] ?? "";
        int at = title.IndexOf(CaptionOpen, StringComparison.Ordinal);
        bool had = at >= 0;
        if (had) title = title[..at];
        string text = (title.Length > 0 ? title + CaptionOpen : CaptionOpen[4..]) + caption + "</span>";
        layout["title"] = new JsonObject { ["text"] = text, ["x"] = 0.02, ["font"] = new JsonObject { ["size"] = 16 } };
        if (!had)
        {
            // A second title line: 20 px more at the top, the plotting area keeps its size.
            var margin = layout["margin"]?.AsObject() ?? new JsonObject();
            margin["t"] = (int)(Ticks.Number(margin["t"]) ?? 60) + (title.Length > 0 ? 20 : 30);
            layout["margin"] = margin;
            layout["height"] = (int)(Ticks.Number(layout["height"]) ?? HouseStyle.Height) + (title.Length > 0 ? 20 : 30);
        }
        return this with { Spec = spec, Caption = caption };
    }

    /// <summary>
    /// The figures with the captions of <paramref name="captions"/> (by figure name; others unchanged): how a report
    /// says, per figure, how many seeds it shows.
    /// </summary>
    public static List<Figure> Captioned(IEnumerable<Figure> figures, IReadOnlyDictionary<string, string> captions) =>
        [.. figures.Select(f => captions.TryGetValue(f.Name, out var caption) ? f.WithCaption(caption) : f)];

    /// <summary>The figure spec as JSON text.</summary>
    public string ToJson() => Spec.ToJsonString();

    /// <summary>A copy with another size in pixels.</summary>
    public Figure WithSize(int width, int height)
    {
        var spec = (JsonObject)Spec.DeepClone();
        spec["layout"]!["width"] = width;
        spec["layout"]!["height"] = height;
        return this with { Spec = spec };
    }

    /// <summary>
    /// A self-contained HTML page showing the figure. With <paramref name="embedPlotlyJs"/> plotly.js (3.6 MB) is
    /// inlined so the page works offline; otherwise it is loaded from the plotly CDN.
    /// </summary>
    public string ToHtml(bool embedPlotlyJs = true, string? divId = null)
    {
        divId ??= "fig-" + Guid.NewGuid().ToString("N")[..8];
        string script = embedPlotlyJs ? $"<script type=\"text/javascript\">{PlotlyJs.Source}</script>"
            : $"<script src=\"https://cdn.plot.ly/plotly-{PlotlyJs.Version}.min.js\" charset=\"utf-8\"></script>";
        return $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{System.Net.WebUtility.HtmlEncode(Paper + " / " + Name)}</title>{script}</head>
            <body style="margin:0"><div id="{divId}"></div>
            <script type="text/javascript">{PlotCall(divId)}</script></body></html>
            """;
    }

    /// <summary>The JavaScript that draws the figure into a div.</summary>
    internal string PlotCall(string divId) =>
        $"Plotly.newPlot('{divId}', {Spec["data"]!.ToJsonString()}, {Spec["layout"]!.ToJsonString()}, " +
            $"{{\"responsive\": false, \"displaylogo\": false}});";
}

/// <summary>The plotly.js bundle shipped inside Plotly.NET, so exports never need the network.</summary>
public static class PlotlyJs
{
    static readonly Lazy<(string Version, string Source)> Bundle = new(() =>
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames()
            .Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
        return (name["Plotly.NET.plotly-".Length..^".min.js".Length], reader.ReadToEnd());
    });

    /// <summary>plotly.js version, e.g. "2.28.0".</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>The minified plotly.js source.</summary>
    public static string Source => Bundle.Value.Source;
}
