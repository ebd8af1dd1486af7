using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Workbench.Cli;

/// <summary>A notebook that cannot be run as asked; the message is meant for the user.</summary>
public sealed class NotebookException(string message) : Workbench.WorkbenchException(message);

/// <summary>How one cell went.</summary>
/// <param name="Index">1-based position among code cells.</param>
/// <param name="FirstLine">First non-empty source line, for status output.</param>
/// <param name="Succeeded">False when the cell failed.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Error">The error message of a failed cell.</param>
public sealed record CellOutcome(int Index, string FirstLine, bool Succeeded, TimeSpan Elapsed, string? Error);

/// <summary>The outcome of executing one notebook.</summary>
/// <param name="Notebook">The source notebook.</param>
/// <param name="Output">Where the executed copy was written.</param>
/// <param name="Cells">Per-cell outcomes, in order, up to the first failure.</param>
public sealed record NotebookOutcome(string Notebook, string Output, IReadOnlyList<CellOutcome> Cells)
{
    /// <summary>True when every code cell succeeded.</summary>
    public bool Succeeded => Cells.All(c => c.Succeeded);

    /// <summary>The first failing cell, if any.</summary>
    public CellOutcome? FirstFailure => Cells.FirstOrDefault(c => !c.Succeeded);
}

/// <summary>
/// Executes .ipynb notebooks in-process with .NET Interactive's C# kernel (with <c>#r "nuget: …"</c> support) and
/// writes the executed copy with its outputs (nbformat 4). Overrides are injected as a cell right after the cell
/// tagged <c>parameters</c> (the papermill convention): <c>preset = "…"; overrides = "…";</c>.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Runs one notebook; <paramref name="onCell"/> is told about each cell as it finishes.</summary>
    public static async Task<NotebookOutcome> RunAsync(string notebookPath, string? preset, IReadOnlyList<string> overrides,
        string outputFolder, Action<CellOutcome>? onCell = null, CancellationToken cancellation = default)
    {
        notebookPath = Path.GetFullPath(notebookPath);
        var notebook = JsonNode.Parse(await File.ReadAllTextAsync(notebookPath, cancellation))!.AsObject();
        var cells = notebook["cells"]!.AsArray();
        InjectParameters(cells, preset, overrides);

        string previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.GetDirectoryName(notebookPath)!; // #r paths in notebooks are relative to the notebook
        var outcomes = new List<CellOutcome>();
        try
        {
            using var kernel = CreateKernel();
            int executionCount = 0;
            foreach (var cell in cells.Select(c => c!.AsObject()))
            {
                if ((string?)cell["cell_type"] != "code") continue;
                string source = SourceText(cell);
                var outputs = new JsonArray();
                cell["outputs"] = outputs;
                executionCount++;
                cell["execution_count"] = executionCount;
                if (string.IsNullOrWhiteSpace(source)) continue;
                var watch = Stopwatch.StartNew();
                var result = await kernel.SendAsync(new SubmitCode(source), cancellation);
                string? error = CollectOutputs(result.Events, outputs, executionCount);
                var outcome = new CellOutcome(executionCount, FirstLine(source), error is null, watch.Elapsed, error);
                outcomes.Add(outcome);
                onCell?.Invoke(outcome);
                if (error is not null) break;
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }

        Directory.CreateDirectory(outputFolder);
        string output = Path.Combine(Path.GetFullPath(outputFolder), Path.GetFileName(notebookPath));
        notebook["nbformat"] = 4;
        notebook["nbformat_minor"] ??= 5;
        Runs.AtomicFile.WriteAllText(output, notebook.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
        }));
        return new NotebookOutcome(notebookPath, output, outcomes);
    }

    /// <summary>Inserts the override cell after the cell tagged "parameters"; no-op without overrides.</summary>
    internal static void InjectParameters(JsonArray cells, string? preset, IReadOnlyList<string> overrides)
    {
        if (preset is null && overrides.Count == 0) return;
        int index = cells.Select((c, i) => (c, i)).FirstOrDefault(p => Tags(p.c!.AsObject()).Contains("parameters"), (null!, -1)).Item2;
        if (index < 0)
            throw new NotebookException("the notebook has no cell tagged 'parameters', so --preset/--set cannot be injected; " +
                "tag the cell that defines preset and overrides.");
        var lines = new List<string> { "// Injected by `workbench notebook run`" };
        if (preset is not null) lines.Add($"preset = {JsonSerializer.Serialize(preset)};");
        if (overrides.Count > 0) lines.Add($"overrides = {JsonSerializer.Serialize(string.Join("; ", overrides))};");
        var injected = new JsonObject
        {
            ["cell_type"] = "code",
            ["id"] = "injected-parameters",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray("injected-parameters") },
            ["outputs"] = new JsonArray(),
            ["source"] = new JsonArray(lines.Select((l, i) => (JsonNode)(i < lines.Count - 1 ? l + "\n" : l)).ToArray()),
        };
        cells.Insert(index + 1, injected);
    }

    static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        csharp.UseNugetDirective((k, references) =>
        {
            k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
            return Task.CompletedTask;
        }, forceRestore: false);
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>Turns kernel events into nbformat outputs; returns the error message if the cell failed.</summary>
    static string? CollectOutputs(IReadOnlyList<KernelEvent> events, JsonArray outputs, int executionCount)
    {
        var byDisplayId = new Dictionary<string, JsonObject>();
        string? error = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendStream(outputs, "stdout", Text(o.FormattedValues));
                    break;
                case StandardErrorValueProduced o:
                    AppendStream(outputs, "stderr", Text(o.FormattedValues));
                    break;
                case DisplayedValueUpdated u when u.ValueId is not null && byDisplayId.TryGetValue(u.ValueId, out var existing):
                    existing["data"] = Data(u.FormattedValues); // an in-place update replaces the displayed value
                    break;
                case ReturnValueProduced r:
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result", ["execution_count"] = executionCount,
                        ["data"] = Data(r.FormattedValues), ["metadata"] = new JsonObject()
                    });
                    break;
                case DisplayEvent d:
                    var display = new JsonObject
                    {
                        ["output_type"] = "display_data", ["data"] = Data(d.FormattedValues), ["metadata"] = new JsonObject()
                    };
                    outputs.Add(display);
                    if (d.ValueId is not null) byDisplayId[d.ValueId] = display;
                    break;
                case CommandFailed f:
                    error = f.Message ?? f.Exception?.Message ?? "failed";
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "error", ["ename"] = f.Exception?.GetType().Name ?? "Error", ["evalue"] = error,
                        ["traceback"] = new JsonArray(error.Split('\n').Select(l => (JsonNode)l).ToArray()),
                    });
                    break;
            }
        }
        return error;
    }

    static void AppendStream(JsonArray outputs, string name, string text)
    {
        if (outputs.Count > 0 && outputs[^1] is JsonObject last
            && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
            last["text"] = (string?)last["text"] + text;
        else outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
    }

    static JsonObject Data(IReadOnlyCollection<Microsoft.DotNet.Interactive.Formatting.FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values.Where(v => !v.SuppressDisplay)) data[v.MimeType] = v.Value;
        return data;
    }

    static string Text(IReadOnlyCollection<Microsoft.DotNet.Interactive.Formatting.FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    static string SourceText(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    static IEnumerable<string> Tags(JsonObject cell) =>
        (cell["metadata"]?["tags"] as JsonArray)?.Select(t => (string?)t ?? "") ?? [];

    static string FirstLine(string source)
    {
        var line = source.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#!", StringComparison.Ordinal)) ?? "";
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}
