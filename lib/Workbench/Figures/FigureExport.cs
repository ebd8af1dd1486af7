using PuppeteerSharp;
using Workbench.Runs;

namespace Workbench.Figures;

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
        root ??= DefaultRoot;
        string stem = Path.Combine(root, figure.Paper, figure.Name);
        var written = new List<string>();
        if (html)
        {
            AtomicFile.WriteAllText(stem + ".html", figure.ToHtml(embedPlotlyJs: true));
            written.Add(stem + ".html");
        }
        if (png)
        {
            AtomicFile.WriteAllBytes(stem + ".png", RenderPng(figure));
            written.Add(stem + ".png");
        }
        if (svg)
        {
            AtomicFile.WriteAllText(stem + ".svg", RenderSvg(figure));
            written.Add(stem + ".svg");
        }
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
                    if (e.Request.Url.StartsWith("file:", StringComparison.Ordinal) || e.Request.Url.StartsWith("data:", StringComparison.Ordinal))
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
