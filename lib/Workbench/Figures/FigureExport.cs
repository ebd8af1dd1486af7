using PuppeteerSharp;
using Workbench.Runs;

namespace Workbench.Figures;

/// <summary>A figure file format.</summary>
public enum FigureFormat
{
    /// <summary>Raster image (retina with scale 2).</summary>
    Png,
    /// <summary>Vector image with text as text (labels stay editable).</summary>
    Svg,
    /// <summary>One-page vector PDF of the figure's size.</summary>
    Pdf,
    /// <summary>Interactive page with plotly.js embedded (works offline).</summary>
    Html,
}

/// <summary>How to export figures.</summary>
/// <param name="Formats">The formats to write.</param>
/// <param name="Width">Width in CSS pixels (height scaled to keep the aspect); null keeps the figure's own.</param>
/// <param name="Scale">Pixel density of PNGs: 2 for retina screens.</param>
public sealed record ExportOptions(IReadOnlyList<FigureFormat> Formats, int? Width = null, double Scale = 1)
{
    /// <summary>PNG, SVG and HTML at the figure's size: what notebooks and `workbench run` write.</summary>
    public static ExportOptions Default { get; } = new([FigureFormat.Png, FigureFormat.Svg, FigureFormat.Html]);

    /// <summary>Parses "png,svg" and checks ranges; one sentence naming the bad value otherwise.</summary>
    /// <exception cref="ConfigException">An unknown format, a width outside 200 to 8000 px or a scale outside 0.5 to 4.</exception>
    public static ExportOptions Parse(string formats, int? width = null, double scale = 1)
    {
        var list = new List<FigureFormat>();
        foreach (var name in formats.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            list.Add(Enum.TryParse<FigureFormat>(name, ignoreCase: true, out var f) && !int.TryParse(name, out _) ? f
                : throw new ConfigException($"--format '{name}' is not a figure format; formats: png, svg, pdf, html."));
        if (list.Count == 0) throw new ConfigException("--format is empty; formats: png, svg, pdf, html.");
        if (width is < 200 or > 8000) throw new ConfigException($"--width {width} is outside 200 to 8000 pixels.");
        if (scale is < 0.5 or > 4 || double.IsNaN(scale)) throw new ConfigException($"--scale {scale} is outside 0.5 to 4.");
        return new ExportOptions(list, width, scale);
    }
}

/// <summary>No Chromium/Chrome could be found or started for static figure export.</summary>
public sealed class ExportException(string message, Exception? inner = null) : WorkbenchException(message, inner);

/// <summary>
/// Exports figures to PNG, SVG and HTML without the network: plotly.js comes from Plotly.NET's own bundle and
/// images are rendered by a local headless Chromium (found via <c>$WORKBENCH_CHROMIUM</c> or the usual install
/// paths), kept open between exports.
/// </summary>
public static class FigureExport
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static IBrowser? _browser;
    static IPage? _page;
    static string? _executable;

    static FigureExport() => AppDomain.CurrentDomain.ProcessExit += (_, _) => ResetBrowser();

    /// <summary>Where figures go: <c>$WORKBENCH_FIGURES</c>, else figures/ at the repository root.</summary>
    public static string DefaultRoot => Environment.GetEnvironmentVariable("WORKBENCH_FIGURES") is { Length: > 0 } env ? env
        : Path.Combine(Repository.Root ?? Environment.CurrentDirectory, "figures");

    /// <summary>The Chromium executable that will be used, or null when none is found.</summary>
    public static string? FindChromium()
    {
        var env = Environment.GetEnvironmentVariable("WORKBENCH_CHROMIUM");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
        string[] candidates =
        [
            "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
            "/snap/bin/chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            @"C:\Program Files\Google\Chrome\Application\chrome.exe", @"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
            @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Writes <c>&lt;root&gt;/&lt;paper&gt;/&lt;name&gt;.png</c>, <c>.svg</c> and <c>.html</c> (plotly.js embedded) and
    /// returns their paths. Files are written atomically.
    /// </summary>
    public static IReadOnlyList<string> Export(Figure figure, string? root = null, bool png = true, bool svg = true, bool html = true)
    {
        var formats = new List<FigureFormat>();
        if (png) formats.Add(FigureFormat.Png);
        if (svg) formats.Add(FigureFormat.Svg);
        if (html) formats.Add(FigureFormat.Html);
        return Export(figure, new ExportOptions(formats), root);
    }

    /// <summary>
    /// Writes the figure in each of <paramref name="options"/>' formats to <c>&lt;root&gt;/&lt;paper&gt;/&lt;name&gt;.&lt;ext&gt;</c>,
    /// plus <c>&lt;name&gt;.json</c> (title, caption, commit, date: what the gallery shows under it); returns the paths.
    /// </summary>
    public static IReadOnlyList<string> Export(Figure figure, ExportOptions options, string? root = null)
    {
        root ??= DefaultRoot;
        if (options.Width is { } width) figure = figure.WithSize(width, (int)Math.Round(figure.Height * (double)width / figure.Width));
        string stem = Path.Combine(root, figure.Paper, figure.Name);
        var written = new List<string>();
        foreach (var format in options.Formats.Distinct())
        {
            string path = stem + "." + EnumNames.Of(format);
            switch (format)
            {
                case FigureFormat.Png: AtomicFile.WriteAllBytes(path, RenderPng(figure, options.Scale)); break;
                case FigureFormat.Svg: AtomicFile.WriteAllText(path, RenderSvg(figure)); break;
                case FigureFormat.Pdf: AtomicFile.WriteAllBytes(path, RenderPdf(figure)); break;
                default: AtomicFile.WriteAllText(path, figure.ToHtml(embedPlotlyJs: true)); break;
            }
            written.Add(path);
        }
        string title = (string?)figure.Spec["layout"]?["title"]?["text"] ?? "";
        int cut = title.IndexOf("<br>", StringComparison.Ordinal);
        AtomicFile.WriteAllText(stem + ".json", System.Text.Json.JsonSerializer.Serialize(new
        {
            paper = figure.Paper, name = figure.Name, title = cut >= 0 ? title[..cut] : title, caption = figure.Caption,
            commit = Repository.Commit, exported_utc = DateTime.UtcNow, width = figure.Width, height = figure.Height,
        }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return written;
    }

    /// <summary>Renders the figure to PNG bytes at its own size (× <paramref name="scale"/>).</summary>
    public static byte[] RenderPng(Figure figure, double scale = 1)
    {
        // A notebook shows a figure's PNG in its HTML and its image/png output and exports it: render it once.
        string key = scale.ToString(System.Globalization.CultureInfo.InvariantCulture) + figure.ToJson();
        lock (RecentPngs)
            if (RecentPngs.TryGetValue(key, out var cached)) return cached;
        string url = Render(figure, "png", scale);
        var png = Convert.FromBase64String(url[(url.IndexOf(',') + 1)..]);
        lock (RecentPngs)
        {
            if (RecentPngs.Count >= 32) RecentPngs.Clear();
            RecentPngs[key] = png;
        }
        return png;
    }

    static readonly Dictionary<string, byte[]> RecentPngs = new();

    /// <summary>Renders the figure to an SVG document.</summary>
    public static string RenderSvg(Figure figure)
    {
        string url = Render(figure, "svg", 1);
        return Uri.UnescapeDataString(url[(url.IndexOf(',') + 1)..]);
    }

    static string Render(Figure figure, string format, double scale)
    {
        Gate.Wait();
        try
        {
            var page = EnsurePage();
            const string script = """
                async (data, layout, format, width, height, scale) => {
                  const div = document.getElementById('fig');
                  await Plotly.newPlot(div, data, layout, {staticPlot: true});
                  return await Plotly.toImage(div, {format, width, height, scale});
                }
                """;
            return page.EvaluateFunctionAsync<string>(script, figure.Spec["data"], figure.Spec["layout"], format,
                figure.Width, figure.Height, scale).GetAwaiter().GetResult();
        }
        catch (PuppeteerException e)
        {
            ResetBrowser();
            throw new ExportException($"Chromium failed to render figure '{figure.Name}' ({e.Message}).", e);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Renders the figure to a one-page PDF of its own size, as vector graphics (plotly's SVG printed by the local
    /// Chromium), so text stays text.
    /// </summary>
    public static byte[] RenderPdf(Figure figure)
    {
        string svg = RenderSvg(figure);
        Gate.Wait();
        try
        {
            EnsurePage();
            var page = _browser!.NewPageAsync().GetAwaiter().GetResult();
            try
            {
                page.SetContentAsync($"<html><body style=\"margin:0\">{svg}</body></html>").GetAwaiter().GetResult();
                return page.PdfDataAsync(new PdfOptions
                {
                    Width = $"{figure.Width}px", Height = $"{figure.Height}px", PrintBackground = true, PageRanges = "1",
                    MarginOptions = new PuppeteerSharp.Media.MarginOptions { Top = "0", Bottom = "0", Left = "0", Right = "0" },
                }).GetAwaiter().GetResult();
            }
            finally
            {
                page.CloseAsync().GetAwaiter().GetResult();
            }
        }
        catch (PuppeteerException e)
        {
            ResetBrowser();
            throw new ExportException($"Chromium failed to print figure '{figure.Name}' to PDF ({e.Message}).", e);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>What a page shows at one element, seen by <see cref="InspectOffline"/>.</summary>
    /// <param name="Width">Width on the page, in CSS pixels.</param>
    /// <param name="Height">Height on the page, in CSS pixels.</param>
    /// <param name="Ink">Share of the element's pixels that are not (near) white.</param>
    /// <param name="ImagesLoaded">False when an image inside it failed to load.</param>
    public sealed record ElementView(double Width, double Height, double Ink, bool ImagesLoaded);

    /// <summary>
    /// Opens a local HTML file in the headless Chromium with the network cut off (only file: and data: URLs load),
    /// waits <paramref name="settle"/> for scripts, and reports every element matching <paramref name="selector"/>:
    /// its size, how much of it is drawn, and whether its images loaded. How the tests check that a converted
    /// notebook or the gallery shows every figure offline.
    /// </summary>
    public static IReadOnlyList<ElementView> InspectOffline(string htmlFile, string selector, TimeSpan settle)
    {
        Gate.Wait();
        try
        {
            EnsurePage();
            var page = _browser!.NewPageAsync().GetAwaiter().GetResult();
            try
            {
                page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1000 }).GetAwaiter().GetResult();
                page.SetRequestInterceptionAsync(true).GetAwaiter().GetResult();
                page.Request += async (_, e) =>
                {
                    string url = e.Request.Url;
                    if (url.StartsWith("file:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal))
                        await e.Request.ContinueAsync();
                    else await e.Request.AbortAsync();
                };
                page.GoToAsync(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri,
                    new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 60_000 }).GetAwaiter().GetResult();
                Thread.Sleep(settle);
                var views = new List<ElementView>();
                foreach (var element in page.QuerySelectorAllAsync(selector).GetAwaiter().GetResult())
                {
                    var box = element.BoundingBoxAsync().GetAwaiter().GetResult();
                    bool loaded = element.EvaluateFunctionAsync<bool>(
                        "e => [...e.querySelectorAll('img'), ...(e.tagName === 'IMG' ? [e] : [])]" +
                        ".every(i => i.complete && i.naturalWidth > 0 || i.style.display === 'none')").GetAwaiter().GetResult();
                    double ink = 0;
                    if (box is { Width: > 0, Height: > 0 })
                    {
                        string shot = element.ScreenshotBase64Async().GetAwaiter().GetResult();
                        ink = page.EvaluateFunctionAsync<double>(InkScript, shot).GetAwaiter().GetResult();
                    }
                    views.Add(new ElementView((double?)box?.Width ?? 0, (double?)box?.Height ?? 0, ink, loaded));
                }
                return views;
            }
            finally
            {
                page.CloseAsync().GetAwaiter().GetResult();
            }
        }
        catch (PuppeteerException e)
        {
            ResetBrowser();
            throw new ExportException($"Chromium failed to open {htmlFile} ({e.Message}).", e);
        }
        finally
        {
            Gate.Release();
        }
    }

    // The share of non-white pixels in a base64 PNG, counted on a canvas in the page.
    const string InkScript = """
        async (png) => {
          const img = new Image();
          img.src = 'data:image/png;base64,' + png;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.width; c.height = img.height;
          const g = c.getContext('2d');
          g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
          return ink / (d.length / 4);
        }
        """;

    static IPage EnsurePage()
    {
        string? found = FindChromium();
        if (_page is { IsClosed: false } && found == _executable) return _page;
        ResetBrowser();
        string executable = found ?? throw new ExportException(
            "No Chromium found for PNG/SVG export: install it with `sudo apt-get install chromium` (Debian/Ubuntu), " +
            "or set WORKBENCH_CHROMIUM to a Chrome or Chromium executable.");
        var args = new List<string>
        {
            "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
        };
        if (OperatingSystem.IsLinux() && Environment.UserName == "root")
            args.Add("--no-sandbox"); // Chromium refuses to run sandboxed as root
        try
        {
            _browser = Puppeteer.LaunchAsync(
                    new LaunchOptions { ExecutablePath = executable, Headless = true, Args = args.ToArray(), Timeout = 60_000 })
                .GetAwaiter().GetResult();
            _page = _browser.NewPageAsync().GetAwaiter().GetResult();
            _executable = executable;
            _page.SetContentAsync($"<html><head><script>{PlotlyJs.Source}</script></head><body><div id=\"fig\"></div></body></html>")
                .GetAwaiter().GetResult();
            return _page;
        }
        catch (Exception e) when (e is PuppeteerException or System.ComponentModel.Win32Exception or IOException)
        {
            ResetBrowser();
            throw new ExportException($"Could not start {executable} for figure export ({e.Message}); " +
                "set WORKBENCH_CHROMIUM to a working Chrome or Chromium.", e);
        }
    }

    static void ResetBrowser()
    {
        try { _browser?.CloseAsync().Wait(TimeSpan.FromSeconds(5)); } catch (Exception) { /* already gone */ }
        _browser = null;
        _page = null;
        _executable = null;
    }
}
