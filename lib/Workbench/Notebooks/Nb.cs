using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Workbench.Figures;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Notebooks;

/// <summary>
/// Notebook-side helpers: the setup call of the first cell, the parameters of a paper, throttled progress,
/// tables and figures that display in any notebook viewer.
/// </summary>
public static class Nb
{
    static bool _setUp;

    /// <summary>
    /// Call once in the first cell. Redirects FSharp.Core to the copy the kernel already loaded (the archived
    /// .NET Interactive host ships an older one than Plotly.NET needs), registers the house formatters for
    /// DataFrames, figures and run records, and loads libtorch. Returns a one-line summary.
    /// </summary>
    public static string Setup()
    {
        if (!_setUp)
        {
            AssemblyLoadContext.Default.Resolving += ResolveLoadedFSharpCore;
            Formatter.Register<DataFrame>((df, writer) => writer.Write(Html.Table(df)), "text/html");
            Formatter.Register<Figure>((figure, writer) => writer.Write(Html.Figure(figure)), "text/html");
            Formatter.Register<Figure>(
                (figure, writer) => writer.Write(Convert.ToBase64String(FigureExport.RenderPng(figure))), "image/png");
            Formatter.Register<IReadOnlyList<KnobRow>>((rows, writer) => writer.Write(Html.Knobs(rows)), "text/html");
            Torch.TorchSetup.Initialize();
            // plotly.js once per notebook, from the library: every figure below can become interactive offline.
            if (KernelInvocationContext.Current is { } context) context.DisplayAs(Html.PlotlyScript(), "text/html");
            _setUp = true;
        }
        return $"Workbench {typeof(Nb).Assembly.GetName().Version?.ToString(3)} " +
               $"· TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3)} " +
               $"· libtorch threads {Torch.TorchSetup.Threads} " +
               $"· device {Environment.GetEnvironmentVariable(Torch.TorchSetup.DeviceVariable) ?? "auto"} " +
               $"· runs in {RunStore.Default.Root} " +
               $"· figures in {FigureExport.DefaultRoot}";
    }

    /// <summary>
    /// The config for a notebook run: <paramref name="preset"/> and <paramref name="overrides"/> come from the
    /// parameters cell, and the environment variables <c>WORKBENCH_PRESET</c> / <c>WORKBENCH_SET</c> take precedence when
    /// set (so a plain <c>jupyter nbconvert --execute</c> can pass them). Displays the knob table.
    /// </summary>
    public static TConfig Configure<TConfig>(Experiment<TConfig> experiment, string preset, string overrides = "")
        where TConfig : RunConfig, new()
    {
        if (Environment.GetEnvironmentVariable("WORKBENCH_PRESET") is { Length: > 0 } envPreset) preset = envPreset;
        if (Environment.GetEnvironmentVariable("WORKBENCH_SET") is { Length: > 0 } envSet) overrides = string.Join(";", overrides, envSet);
        var config = experiment.Configure(preset, overrides);
        var defaults = new TConfig();
        var rows = Configs.Knobs<TConfig>().Select(k => new KnobRow(k.Name, Configs.FormatValue(Configs.Get(config, k.Name)),
            k.Unit, k.Range, k.Description,
            !Equals(Configs.FormatValue(Configs.Get(config, k.Name)), Configs.FormatValue(Configs.Get(defaults, k.Name))))).ToList();
        Display((IReadOnlyList<KnobRow>)rows,
            $"preset {preset}" + (overrides.Trim(';', ' ').Length > 0 ? $", overrides {overrides.Trim(';', ' ')}" : ""));
        return config;
    }

    /// <summary>A progress sink that shows one line, updated in place at most once per second; the final state stays.</summary>
    public static IProgress<RunProgress> Progress() => new ThrottledProgress(TimeSpan.FromSeconds(1));

    /// <summary>Shows a figure (interactive HTML plus a PNG copy for viewers without JavaScript) and exports its files.</summary>
    public static Figure Show(Figure figure, bool export = true)
    {
        if (export) FigureExport.Export(figure);
        var context = KernelInvocationContext.Current;
        if (context is null) Console.WriteLine($"[figure {figure.Paper}/{figure.Name}]");
        else KernelInvocationContextExtensions.Display(context, figure, "text/html", "image/png");
        return figure;
    }

    /// <summary>
    /// Exports a report's figures for a blog post, as <c>workbench figures</c> does: <paramref name="formats"/> from
    /// png, svg (text stays text), pdf (vector) and html; <paramref name="width"/> in CSS pixels (height keeps the
    /// aspect); <paramref name="scale"/> 2 for retina PNGs. Returns the paths written (under figures/&lt;paper&gt;/).
    /// </summary>
    /// <exception cref="ConfigException">An unknown format or a width or scale out of range (one sentence).</exception>
    public static IReadOnlyList<string> Export(ExperimentReport report, string formats = "png,svg", int? width = null, double scale = 1)
    {
        var options = ExportOptions.Parse(formats, width, scale);
        return [.. report.Figures.SelectMany(f => FigureExport.Export(f, options))];
    }

    /// <summary>Shows every table and figure of a report; figures are exported.</summary>
    public static void Show(ExperimentReport report)
    {
        foreach (var (name, table) in report.Tables) Show(table, name);
        foreach (var figure in report.Figures) Show(figure);
    }

    /// <summary>
    /// Shows a report of whatever has finished (<see cref="Experiment{TConfig}.ReportFinished"/>): one sentence saying
    /// how complete it is, then the named figures (all when none are named) of the part that has finished.
    /// </summary>
    public static FinishedReport Show(FinishedReport finished, params string[] figures)
    {
        var context = KernelInvocationContext.Current;
        if (context is null) Console.WriteLine(finished.Summary);
        else context.DisplayAs($"<p>{System.Net.WebUtility.HtmlEncode(finished.Summary)}</p>", "text/html");
        if (finished.Report is { } report)
            foreach (var figure in figures.Length == 0 ? report.Figures : [.. figures.Select(report.Figure)]) Show(figure, export: false);
        return finished;
    }

    /// <summary>Shows a table with a caption.</summary>
    public static DataFrame Show(DataFrame table, string caption = "")
    {
        Display(table, caption);
        return table;
    }

    static void Display(object value, string caption)
    {
        var context = KernelInvocationContext.Current;
        if (context is null)
        {
            if (caption.Length > 0) Console.WriteLine(caption);
            Console.WriteLine(value is DataFrame df ? df.ToString() : value.ToString());
            return;
        }
        if (caption.Length > 0) context.DisplayAs($"<b>{System.Net.WebUtility.HtmlEncode(caption)}</b>", "text/html");
        KernelInvocationContextExtensions.Display(context, value, "text/html");
    }

    static Assembly? ResolveLoadedFSharpCore(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            : null;

    /// <summary>One knob in the parameter table.</summary>
    public sealed record KnobRow(string Name, string Value, string Unit, string Range, string Description, bool Changed);

    sealed class ThrottledProgress(TimeSpan interval) : IProgress<RunProgress>
    {
        DisplayedValue? _display;
        DateTime _last = DateTime.MinValue;
        string _lastTask = "";

        public void Report(RunProgress value)
        {
            lock (this) ReportLocked(value); // runs may report from several threads
        }

        void ReportLocked(RunProgress value)
        {
            bool final = value.Done >= value.Total;
            var now = DateTime.UtcNow;
            if (!final && value.Task == _lastTask && now - _last < interval) return;
            _last = now;
            _lastTask = value.Task;
            string line = Line(value);
            var context = KernelInvocationContext.Current;
            if (context is null) { Console.WriteLine(line); return; }
            if (_display is null) _display = KernelInvocationContextExtensions.Display(context, line, "text/plain");
            else _display.Update(line);
        }

        static string Line(RunProgress p)
        {
            double fraction = p.Total > 0 ? Math.Clamp((double)p.Done / p.Total, 0, 1) : 1;
            int filled = (int)Math.Round(fraction * 24);
            return $"{p.Task} [{new string('#', filled)}{new string('.', 24 - filled)}] {p.Done}/{p.Total} {p.Detail}";
        }
    }
}

/// <summary>HTML renderings used by the notebook formatters.</summary>
public static class Html
{
    /// <summary>A compact HTML table of a DataFrame (at most <paramref name="maxRows"/> rows).</summary>
    public static string Table(DataFrame df, int maxRows = 50)
    {
        df = TableDisplay.Format(df); // "95.4 ± 0.3 %", integers, significant digits; the DataFrame itself keeps raw numbers
        var sb = new StringBuilder("<table style=\"border-collapse:collapse;font-size:13px\"><thead><tr>");
        foreach (var column in df.Columns)
            sb.Append("<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #999\">")
                .Append(Encode(column.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        for (long r = 0; r < Math.Min(df.Rows.Count, maxRows); r++)
        {
            sb.Append("<tr>");
            foreach (var column in df.Columns)
                sb.Append("<td style=\"padding:2px 8px\">")
                    .Append(Encode(Convert.ToString(column[r], System.Globalization.CultureInfo.InvariantCulture) ?? "")).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (df.Rows.Count > maxRows) sb.Append($"<i>{df.Rows.Count - maxRows} more rows</i>");
        return sb.ToString();
    }

    /// <summary>The knob table of a config.</summary>
    public static string Knobs(IReadOnlyList<Nb.KnobRow> rows)
    {
        var sb = new StringBuilder("<table style=\"border-collapse:collapse;font-size:13px\"><thead><tr><th>knob</th><th>value</th>" +
            "<th>unit</th><th>range</th><th>meaning</th></tr></thead><tbody>");
        foreach (var r in rows)
            sb.Append("<tr").Append(r.Changed ? " style=\"font-weight:bold\"" : "").Append("><td><code>").Append(Encode(r.Name))
              .Append("</code></td><td>").Append(Encode(r.Value)).Append("</td><td>").Append(Encode(r.Unit)).Append("</td><td>")
              .Append(Encode(r.Range)).Append("</td><td>").Append(Encode(r.Description)).Append("</td></tr>");
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>
    /// A figure that every viewer shows: its PNG (rendered by the local Chromium) inside the HTML itself, so saved,
    /// converted (<c>nbconvert --to html</c>) and untrusted notebooks, which drop scripts, still show it; where scripts
    /// run and plotly.js is on the page (<see cref="PlotlyScript"/>, output once by <see cref="Nb.Setup"/>), the PNG
    /// is swapped for the interactive chart. The caption (preset and seeds) is written under it. Never a CDN.
    /// </summary>
    public static string Figure(Figure figure)
    {
        string id = "wb-" + Guid.NewGuid().ToString("N")[..10];
        string png = Convert.ToBase64String(FigureExport.RenderPng(figure));
        string alt = Encode($"{figure.Paper}/{figure.Name}");
        string caption = figure.Caption.Length > 0
            ? $"<figcaption style=\"font-size:12px;color:#555555;margin-top:2px\">{Encode(figure.Caption)}</figcaption>" : "";
        return $$"""
            <figure class="wb-figure" style="margin:0 0 8px 0">
            <img id="{{id}}-png" alt="{{alt}}" width="{{figure.Width}}" height="{{figure.Height}}" src="data:image/png;base64,{{png}}">
            <div id="{{id}}" style="display:none;width:{{figure.Width}}px;height:{{figure.Height}}px"></div>
            {{caption}}
            <script type="text/javascript">
            (function () {
              if (!window.Plotly) return; // no plotly.js here: the PNG stays
              document.getElementById('{{id}}').style.display = 'block';
              document.getElementById('{{id}}-png').style.display = 'none';
              {{figure.PlotCall(id)}}
            })();
            </script>
            </figure>
            """;
    }

    /// <summary>
    /// plotly.js from the library (the copy Plotly.NET ships), as one script that defines <c>window.Plotly</c> even
    /// where a page has an AMD loader (classic Jupyter's require.js would otherwise capture it).
    /// </summary>
    public static string PlotlyScript() =>
        $"<script type=\"text/javascript\">/* plotly.js {PlotlyJs.Version}, from the Workbench library */\n" +
        $"(function () {{ var define, module, exports;\n{PlotlyJs.Source}\n}}).call(window);</script>" +
        $"<div style=\"font-size:11px;color:#777777\">plotly.js {PlotlyJs.Version} loaded from the Workbench library " +
        "(figures are interactive where scripts run; elsewhere each shows its PNG).</div>";

    static string Encode(string s) => System.Net.WebUtility.HtmlEncode(s);
}
