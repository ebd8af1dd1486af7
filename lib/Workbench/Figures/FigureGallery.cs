using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Workbench.Runs;

namespace Workbench.Figures;

/// <summary>
/// <c>figures/index.html</c>: every exported figure of every paper, as its PNG with a caption (what it shows, the
/// preset and seeds, the commit and date it was exported at), linking to its SVG, PDF and interactive HTML where they
/// exist. Relative links and no scripts: it works offline, from a zip, or on any static host.
/// </summary>
public static class FigureGallery
{
    /// <summary>Writes the gallery of the figures under <paramref name="root"/>; returns its path.</summary>
    /// <param name="root">The figures folder (<c>&lt;root&gt;/&lt;paper&gt;/&lt;name&gt;.png</c> and <c>.json</c>).</param>
    /// <param name="papers">Papers in display order (slug, title); folders of other slugs follow in name order.</param>
    public static string Write(string root, IReadOnlyList<(string Slug, string Title)> papers)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Paper Workbench: figures</title>
            <style>
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
            figure { display: inline-block; vertical-align: top; margin: 0 24px 24px 0; max-width: 640px; }
            figure img { max-width: 640px; height: auto; border: 1px solid #eee; }
            figcaption { font-size: 13px; color: #444; margin-top: 4px; }
            figcaption .meta { color: #777; font-size: 12px; }
            </style></head><body>
            <h1>Paper Workbench: figures</h1>
            """);
        var folders = Directory.Exists(root) ? Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().ToList() : [];
        var order = papers.Where(p => folders.Contains(p.Slug)).ToList();
        order.AddRange(folders.Where(f => papers.All(p => p.Slug != f)).Order(StringComparer.Ordinal).Select(f => (f, f)));
        int count = 0;
        foreach (var (slug, title) in order)
        {
            var figures = Directory.GetFiles(Path.Combine(root, slug), "*.png").Order(StringComparer.Ordinal).ToList();
            if (figures.Count == 0) continue;
            html.Append($"<h2>{Encode(title)}</h2>\n");
            foreach (var png in figures)
            {
                string name = Path.GetFileNameWithoutExtension(png);
                var meta = ReadMeta(Path.ChangeExtension(png, ".json"));
                string heading = (string?)meta?["title"] is { Length: > 0 } t ? t : name;
                string caption = (string?)meta?["caption"] ?? "";
                string exported = meta?["exported_utc"] is { } when ? $"exported {((DateTime)when):yyyy-MM-dd HH:mm} UTC" : "";
                string commit = (string?)meta?["commit"] is { } c ? $"commit {c}" : "";
                var links = new[] { "svg", "pdf", "html" }.Where(ext => File.Exists(Path.ChangeExtension(png, "." + ext)))
                    .Select(ext => $"<a href=\"{Url(slug, name, ext)}\">{ext.ToUpperInvariant()}</a>");
                html.Append($"<figure id=\"{Encode(slug)}-{Encode(name)}\"><a href=\"{Url(slug, name, "png")}\">" +
                            $"<img src=\"{Url(slug, name, "png")}\" alt=\"{Encode(heading)}\"></a>\n" +
                            $"<figcaption><b>{Encode(Plain(heading))}</b><br>{Encode(caption)}<br><span class=\"meta\">" +
                            $"{Encode(string.Join(" · ", new[] { commit, exported }.Where(s => s.Length > 0)))} · " +
                            $"{string.Join(" ", links)}</span></figcaption></figure>\n");
                count++;
            }
        }
        if (count == 0) html.Append("<p>No figures yet: run <code>workbench figures --all</code>.</p>");
        html.Append("</body></html>\n");
        Directory.CreateDirectory(root);
        string path = Path.Combine(root, "index.html");
        AtomicFile.WriteAllText(path, html.ToString());
        return path;
    }

    static JsonNode? ReadMeta(string path)
    {
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    static string Url(string slug, string name, string ext) => $"{Uri.EscapeDataString(slug)}/{Uri.EscapeDataString(name)}.{ext}";

    static string Plain(string title) => System.Text.RegularExpressions.Regex.Replace(title, "<[^>]+>", "");

    static string Encode(string text) => WebUtility.HtmlEncode(text);
}
