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
