using System.ComponentModel;
using System.Globalization;
using Microsoft.Data.Analysis;
using Spectre.Console;
using Spectre.Console.Cli;
using Workbench.Data;
using Workbench.Figures;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Cli;

/// <summary>Entry point: exit code 0 on success, 1 when work failed, 2 for bad arguments.</summary>
public static class Program
{
    /// <summary>Runs the workbench command line.</summary>
    public static int Main(string[] args)
    {
        // Logs and CI capture the output: give tables room instead of wrapping at 80 columns.
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40
                ? columns
                : 160;
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("workbench");
            config.PropagateExceptions();
            // Non-strict parsing hands unknown options to the command as CommandContext.Remaining (with their values);
            // the interceptor turns them into one sentence naming the valid form before any command runs.
            config.Settings.StrictParsing = false;
            config.SetInterceptor(new RejectUnknownArguments());
            config.AddCommand<ListCommand>("list").WithDescription("List the papers, their presets and status.");
            config.AddCommand<RunCommand>("run")
                .WithDescription("Run a paper's experiments (cached), print its tables and export its figures.")
                .WithExample("run", "tour", "--preset", "smoke")
                .WithExample("run", "tour", "--set", "steps=300", "--set", "learning_rate=0.1");
            config.AddCommand<FiguresCommand>("figures")
                .WithDescription("Export a paper's figures (from cached runs, computing any missing); --all adds the gallery.")
                .WithExample("figures", "lottery-ticket", "--format", "png,pdf", "--scale", "2")
                .WithExample("figures", "--all");
            config.AddCommand<PlanCommand>("plan")
                .WithDescription("Print a preset's run graph: every run's hash, config, dependencies, state and estimated cost.")
                .WithExample("plan", "lottery-ticket", "--preset", "smoke");
            config.AddCommand<RunOneCommand>("run-one")
                .WithDescription("Compute exactly one run of a plan (its dependencies must be finished).")
                .WithExample("run-one", "lottery-ticket", "3f2a9c01", "--preset", "smoke");
            config.AddCommand<SubmitCommand>("submit")
                .WithDescription("Submit a preset's unfinished runs to Slurm: one job array per dependency level, chained afterok.")
                .WithExample("submit", "lottery-ticket", "--preset", "paper", "--partition", "gpu", "--time", "4:00:00", "--dry-run");
            config.AddBranch("notebook", notebook =>
            {
                notebook.SetDescription("Work with notebooks.");
                notebook.AddCommand<NotebookRunCommand>("run").WithDescription("Execute notebooks headless and write the executed copies.")
                    .WithExample("notebook", "run", "notebooks/00-tour.ipynb", "--preset", "smoke");
            });
        });
        try
        {
            return app.Run(args);
        }
        catch (CommandAppException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {UnknownArguments.Explain(e, args)}");
            return 2;
        }
        catch (Exception e) when (e is ConfigException or ArgumentException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 2;
        }
        catch (WorkbenchException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}

/// <summary>Options shared by commands that configure an experiment.</summary>
public class ExperimentSettings : CommandSettings
{
    /// <summary>The paper slug.</summary>
    [CommandArgument(0, "<paper>")]
    [Description("Paper slug, e.g. tour or lottery-ticket (see `workbench list`).")]
    public string Paper { get; init; } = "";

    /// <summary>Preset name.</summary>
    [CommandOption("-p|--preset <PRESET>")]
    [Description(Presets.Summary + ".")]
    [DefaultValue(Presets.Default)]
    public string Preset { get; init; } = Presets.Default;

    /// <summary>Knob overrides.</summary>
    [CommandOption("-s|--set <NAME=VALUE>")]
    [Description("Override one knob, e.g. --set steps=300; repeatable. `workbench list <paper>` shows the knobs.")]
    public string[] Set { get; init; } = [];

    /// <summary>Where run folders go.</summary>
    [CommandOption("--runs <DIR>")]
    [Description("Run cache folder (default: $WORKBENCH_RUNS or runs/ at the repository root).")]
    public string? Runs { get; init; }

    internal RunStore Store => Runs is null ? RunStore.Default : new RunStore(Runs);

    /// <inheritdoc/>
    public override ValidationResult Validate()
    {
        Presets.Parse(Preset); // one sentence (ConfigException, exit code 2) before any work starts
        return ValidationResult.Success();
    }
}

/// <summary>Options of <c>workbench list</c>.</summary>
public sealed class ListSettings : CommandSettings
{
    /// <summary>A paper whose knobs to show.</summary>
    [CommandArgument(0, "[paper]")]
    [Description("Show this paper's knobs and presets.")]
    public string? Paper { get; init; }
}

/// <summary><c>workbench list</c>.</summary>
public sealed class ListCommand : Command<ListSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ListSettings settings, CancellationToken cancellation)
    {
        if (settings.Paper is { } slug)
        {
            var experiment = Catalogue.Find(slug);
            var table = new Table().Title(Markup.Escape(experiment.Entry.Title)).AddColumn(new TableColumn("knob").NoWrap())
                .AddColumns([.. Presets.All, "unit", "range", "meaning"]);
            var presets = Presets.All.Select(p => experiment.Configure(p, [])).ToArray();
            foreach (var knob in Configs.Knobs(experiment.ConfigType))
                table.AddRow(new[] { knob.Name }.Concat(presets.Select(p => Configs.FormatValue(Configs.Get(p, knob.Name))))
                    .Concat([knob.Unit, knob.Range, knob.Description]).Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
            return 0;
        }
        var store = RunStore.Default;
        var list = new Table().AddColumns("#", "paper", "title", "status", "notebook", "cached runs");
        foreach (var entry in Catalogue.Entries)
        {
            list.AddRow(entry.Number.ToString("00"), entry.Slug, Markup.Escape(entry.Title),
                entry.IsImplemented ? "[green]ready[/]" : "[grey]planned[/]",
                entry.IsImplemented ? entry.Notebook : "", FinishedRuns(store, entry.Slug).ToString());
        }
        AnsiConsole.Write(list);
        AnsiConsole.MarkupLineInterpolated($"Presets: {Presets.Summary}.");
        return 0;
    }

    /// <summary>
    /// Finished runs of a paper: result.json files at any depth below runs/&lt;slug&gt;/, since papers with several
    /// kinds of run key them as "&lt;slug&gt;/&lt;kind&gt;" (runs/soft-sort/top-k/&lt;hash&gt;/) and result.json is written last.
    /// </summary>
    internal static int FinishedRuns(RunStore store, string slug)
    {
        string folder = Path.Combine(store.Root, slug);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "result.json", SearchOption.AllDirectories).Count() : 0;
    }
}

/// <summary><c>workbench run</c>.</summary>
public sealed class RunCommand : Command<ExperimentSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, ExperimentSettings settings, CancellationToken cancellation)
    {
        var experiment = Catalogue.Find(settings.Paper);
        var config = experiment.Configure(settings.Preset, settings.Set);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{experiment.Entry.Title}[/] · preset {settings.Preset} · runs in {settings.Store.Root}");
        ExperimentReport report = null!;
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new ActionProgress(p =>
                {
                    if (!tasks.TryGetValue(p.Task, out var task))
                        tasks[p.Task] = task = ctx.AddTask(Markup.Escape(p.Task), maxValue: Math.Max(1, p.Total));
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{p.Task} {p.Detail}");
                });
                report = experiment.Run(config, settings.Store, progress, cancellation);
            });
        foreach (var (name, table) in report.Tables) AnsiConsole.Write(ToTable(name, table));
        foreach (var figure in report.Figures)
            foreach (var path in FigureExport.Export(figure)) AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {path}");
        AnsiConsole.MarkupLineInterpolated($"done in {report.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    static Table ToTable(string name, DataFrame df)
    {
        var table = new Table().Title(Markup.Escape(name));
        df = Workbench.Notebooks.TableDisplay.Format(df); // the same display as in notebooks: "95.4 ± 0.3 %"
        foreach (var column in df.Columns) table.AddColumn(Markup.Escape(column.Name));
        for (long r = 0; r < df.Rows.Count; r++)
            table.AddRow([.. df.Columns.Select(c => Markup.Escape(Convert.ToString(c[r], CultureInfo.InvariantCulture) ?? ""))]);
        return table;
    }

    // Unlike Progress<T>, reports on the caller's thread, so the bar is current when the run ends.
    sealed class ActionProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (this) report(value); // runs may report from several threads
        }
    }
}

/// <summary>Options of <c>workbench figures</c>.</summary>
public sealed class FiguresSettings : CommandSettings
{
    /// <summary>The paper slug.</summary>
    [CommandArgument(0, "[paper]")]
    [Description("Paper slug, e.g. lottery-ticket (or --all).")]
    public string? Paper { get; init; }

    /// <summary>Every paper, then the gallery.</summary>
    [CommandOption("--all")]
    [Description("Every implemented paper, then the gallery figures/index.html.")]
    public bool All { get; init; }

    /// <summary>Preset name.</summary>
    [CommandOption("-p|--preset <PRESET>")]
    [Description(Presets.Summary + ".")]
    [DefaultValue(Presets.Default)]
    public string Preset { get; init; } = Presets.Default;

    /// <summary>Knob overrides.</summary>
    [CommandOption("-s|--set <NAME=VALUE>")]
    [Description("Override one knob (one paper only); repeatable.")]
    public string[] Set { get; init; } = [];

    /// <summary>Formats.</summary>
    [CommandOption("--format <FORMATS>")]
    [Description("Comma-separated: png, svg (text stays text), pdf (vector), html (interactive, offline).")]
    [DefaultValue("png,svg,html")]
    public string Format { get; init; } = "png,svg,html";

    /// <summary>Width in pixels.</summary>
    [CommandOption("--width <PX>")]
    [Description("Width in CSS pixels, 200 to 8000 (height keeps the aspect); default: each figure's own.")]
    public int? Width { get; init; }

    /// <summary>PNG pixel density.</summary>
    [CommandOption("--scale <S>")]
    [Description("PNG pixel density, 0.5 to 4: 2 for retina screens.")]
    [DefaultValue(1.0)]
    public double Scale { get; init; } = 1;

    /// <summary>Run cache.</summary>
    [CommandOption("--runs <DIR>")]
    [Description("Run cache folder (default: $WORKBENCH_RUNS or runs/ at the repository root).")]
    public string? Runs { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Figures folder (default: $WORKBENCH_FIGURES or figures/ at the repository root).")]
    public string? Out { get; init; }

    /// <inheritdoc/>
    public override ValidationResult Validate()
    {
        Presets.Parse(Preset);
        ExportOptions.Parse(Format, Width, Scale);
        if (All == Paper is not null)
            throw new ConfigException(All ? "Give a paper or --all, not both." : "Give a paper (see `workbench list`) or --all.");
        if (All && Set.Length > 0) throw new ConfigException("--set applies to one paper; drop it with --all.");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>workbench figures</c>: a paper's figures (runs come from the cache, missing ones are computed) in the chosen
/// formats, size and pixel density; with <c>--all</c>, every paper's and the gallery page.
/// </summary>
public sealed class FiguresCommand : Command<FiguresSettings>
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, FiguresSettings settings, CancellationToken cancellation)
    {
        var options = ExportOptions.Parse(settings.Format, settings.Width, settings.Scale);
        var store = settings.Runs is null ? RunStore.Default : new RunStore(settings.Runs);
        string root = settings.Out ?? FigureExport.DefaultRoot;
        var papers = settings.All
            ? Catalogue.Entries.Where(e => e.IsImplemented).Select(e => e.Experiment!).ToList()
            : [Catalogue.Find(settings.Paper!)];
        // The gallery shows PNGs: --all always writes them.
        if (settings.All && !options.Formats.Contains(FigureFormat.Png))
            options = options with { Formats = [.. options.Formats, FigureFormat.Png] };
        foreach (var experiment in papers)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{experiment.Entry.Slug}[/] · preset {settings.Preset}");
            var report = experiment.Run(experiment.Configure(settings.Preset, settings.Set), store, null, cancellation);
            foreach (var figure in report.Figures)
                foreach (var path in FigureExport.Export(figure, options, root))
                    AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {path}");
        }
        if (settings.All)
        {
            string gallery = FigureGallery.Write(root, [.. Catalogue.Entries.Select(e => (e.Slug, e.Title))]);
            AnsiConsole.MarkupLineInterpolated($"gallery: {gallery}");
        }
        return 0;
    }
}

/// <summary>Options of <c>workbench notebook run</c>.</summary>
public sealed class NotebookRunSettings : CommandSettings
{
    /// <summary>Notebook files.</summary>
    [CommandArgument(0, "<notebooks>")]
    [Description("One or more .ipynb files.")]
    public string[] Notebooks { get; init; } = [];

    /// <summary>Preset to inject.</summary>
    [CommandOption("-p|--preset <PRESET>")]
    [Description("Preset injected after the parameters cell (default: the notebook's own).")]
    public string? Preset { get; init; }

    /// <summary>Overrides to inject.</summary>
    [CommandOption("-s|--set <NAME=VALUE>")]
    [Description("Knob override injected after the parameters cell; repeatable.")]
    public string[] Set { get; init; } = [];

    /// <summary>Output folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for the executed notebooks (default: executed/ at the repository root).")]
    public string? Out { get; init; }

    /// <inheritdoc/>
    public override ValidationResult Validate()
    {
        foreach (var nb in Notebooks)
        {
            if (!File.Exists(nb)) return ValidationResult.Error($"notebook '{nb}' does not exist.");
            if (!nb.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) return ValidationResult.Error($"'{nb}' is not an .ipynb file.");
        }
        if (Preset is not null) Presets.Parse(Preset); // one sentence (ConfigException) for an unknown preset
        return ValidationResult.Success();
    }
}

/// <summary><c>workbench notebook run</c>.</summary>
public sealed class NotebookRunCommand : AsyncCommand<NotebookRunSettings>
{
    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, NotebookRunSettings settings, CancellationToken cancellation)
    {
        string outFolder = settings.Out ?? Path.Combine(Repository.Root ?? Environment.CurrentDirectory, "executed");
        int failed = 0;
        foreach (var path in settings.Notebooks)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{path}[/]");
            var outcome = await NotebookRunner.RunAsync(path, settings.Preset, settings.Set, outFolder, cell =>
                AnsiConsole.MarkupLine($"  [[{cell.Index,2}]] {(cell.Succeeded ? "[green]ok  [/]" : "[red]FAIL[/]")} " +
                    $"{cell.Elapsed.TotalSeconds,6:0.0} s  {Markup.Escape(cell.FirstLine)}"),
                cancellation);
            if (outcome.FirstFailure is { } failure)
            {
                failed++;
                AnsiConsole.MarkupLineInterpolated($"[red]{path}: cell {failure.Index} failed:[/] {failure.Error}");
            }
            AnsiConsole.MarkupLineInterpolated($"  wrote {outcome.Output}");
        }
        return failed == 0 ? 0 : 1;
    }
}
