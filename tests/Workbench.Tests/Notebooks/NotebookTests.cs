using System.Text.Json.Nodes;
using Workbench.Cli;
using Workbench.Runs;

namespace Workbench.Tests.Notebooks;

/// <summary>Every notebook runs headless at the smoke preset (d2l-style: a failing notebook fails the build).</summary>
public class NotebookTests
{
    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public async Task Notebook_runs_headless_at_the_smoke_preset(string name)
    {
        using var temp = new TempFolder();
        // The shared smoke run cache: the paper's contract test computes the same runs, and whichever comes second loads them.
        var environment = new Dictionary<string, string>
        {
            ["WORKBENCH_RUNS"] = TestPaths.SmokeRuns, ["WORKBENCH_FIGURES"] = temp.File("figures"),
        };
        var outcome = await WithEnvironment(environment,
            () => NotebookRunner.RunAsync(Path.Combine(TestPaths.RepoRoot, "notebooks", name), "smoke", [], temp.File("out")));
        Assert.True(outcome.Succeeded, $"{name}: cell {outcome.FirstFailure?.Index} failed: {outcome.FirstFailure?.Error}");

        var executed = JsonNode.Parse(File.ReadAllText(outcome.Output))!.AsObject();
        Assert.Equal(4, (int)executed["nbformat"]!);
        var outputs = executed["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).ToList();
        Assert.Contains(outputs, o => o!["data"]?["image/png"] is not null); // figures show on any viewer
        Assert.True(Directory.EnumerateFiles(temp.File("figures"), "*.png", SearchOption.AllDirectories).Any(), "figures were exported");
        foreach (var cell in executed["cells"]!.AsArray())
        {
            var progressLines = (cell!["outputs"]?.AsArray() ?? []).Count(o => o!["data"]?["text/plain"] is JsonValue v
                && ((string?)v ?? "").Contains("] ") && ((string?)v ?? "").Contains('/'));
            Assert.True(progressLines <= 2, "progress is updated in place, not appended");
        }
    }

    /// <summary>
    /// Issue #11 item 5: an executed notebook converted with <c>jupyter nbconvert --to html</c> and opened offline in
    /// headless Chromium shows every figure (the PNG inside each figure's HTML, or the chart drawn by the plotly.js that
    /// the setup cell put on the page), with its caption, and nothing asks a CDN for plotly.js.
    /// </summary>
    [Fact]
    public async Task A_converted_notebook_shows_every_figure_offline()
    {
        using var temp = new TempFolder();
        var environment = new Dictionary<string, string>
        {
            ["WORKBENCH_RUNS"] = TestPaths.SmokeRuns, ["WORKBENCH_FIGURES"] = temp.File("figures"),
        };
        var outcome = await WithEnvironment(environment,
            () => NotebookRunner.RunAsync(Path.Combine(TestPaths.RepoRoot, "notebooks", "00-tour.ipynb"), "smoke", [], temp.File("out")));
        Assert.True(outcome.Succeeded, $"cell {outcome.FirstFailure?.Index} failed: {outcome.FirstFailure?.Error}");
        string notebook = File.ReadAllText(outcome.Output);
        Assert.DoesNotContain("https://cdn.plot.ly/plotly-", notebook); // (plotly.js itself names the CDN for map data)

        var convert = new System.Diagnostics.ProcessStartInfo("jupyter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "nbconvert", "--to", "html", outcome.Output, "--output-dir", temp.File("html") })
            convert.ArgumentList.Add(a);
        using (var process = System.Diagnostics.Process.Start(convert)!)
        {
            string log = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"jupyter nbconvert failed (apt-get install jupyter-nbconvert): {log}");
        }
        string html = Directory.EnumerateFiles(temp.File("html"), "*.html").Single();
        var figures = Workbench.Figures.FigureExport.InspectOffline(html, "figure.wb-figure", TimeSpan.FromSeconds(3));

        Assert.Equal(2, figures.Count); // the tour shows two figures
        Assert.All(figures, f =>
        {
            Assert.True(f.ImagesLoaded, "a figure's PNG did not load");
            Assert.True(f.Width > 300 && f.Height > 200, $"a figure is {f.Width} × {f.Height} px");
            Assert.True(f.Ink > 0.01, $"a figure is blank ({f.Ink:P1} of its pixels drawn)");
        });
        Assert.Contains("preset smoke", File.ReadAllText(html)); // the captions
    }

    [Fact]
    public async Task Tour_shows_the_second_run_served_from_the_cache()
    {
        using var temp = new TempFolder();
        var outcome = await WithEnvironment(new() { ["WORKBENCH_RUNS"] = temp.File("runs"), ["WORKBENCH_FIGURES"] = temp.File("figures") },
            () => NotebookRunner.RunAsync(Path.Combine(TestPaths.RepoRoot, "notebooks", "00-tour.ipynb"), "smoke", [], temp.File("out")));
        var text = File.ReadAllText(outcome.Output);
        Assert.Contains("first call: trained", text);
        Assert.Contains("second call: loaded from cache", text);
    }

    [Fact]
    public async Task Overrides_are_injected_after_the_parameters_cell_and_a_failure_names_its_cell()
    {
        using var temp = new TempFolder();
        var notebook = new JsonObject
        {
            ["nbformat"] = 4, ["nbformat_minor"] = 5, ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                Code("var preset = \"reading-group\"; var overrides = \"\";", "parameters"),
                Code("Console.WriteLine($\"{preset}|{overrides}\");"),
                Code("throw new InvalidOperationException(\"boom at \" + preset);"),
                Code("Console.WriteLine(\"never\");")),
        };
        File.WriteAllText(temp.File("t.ipynb"), notebook.ToJsonString());
        var outcome = await NotebookRunner.RunAsync(temp.File("t.ipynb"), "smoke", ["steps=5", "seeds=1"], temp.File("out"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(4, outcome.FirstFailure!.Index); // parameters, injected, print, throw
        Assert.Contains("boom at smoke", outcome.FirstFailure.Error);
        var executed = JsonNode.Parse(File.ReadAllText(outcome.Output))!["cells"]!.AsArray();
        Assert.Equal("injected-parameters", (string?)executed[1]!["metadata"]!["tags"]![0]);
        Assert.Equal("smoke|steps=5; seeds=1\n", (string?)executed[2]!["outputs"]![0]!["text"]);
        Assert.Equal("error", (string?)executed[3]!["outputs"]![0]!["output_type"]);
    }

    [Fact]
    public async Task A_run_that_failed_in_libtorch_shows_one_sentence_in_the_notebook_and_no_native_trace()
    {
        using var temp = new TempFolder();
        string library = typeof(RunFailedException).Assembly.Location;
        var notebook = new JsonObject
        {
            ["nbformat"] = 4, ["nbformat_minor"] = 5, ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                Code($"#r \"{library}\""),
                Code("var preset = \"smoke\"; var overrides = \"\";", "parameters"),
                Code("throw new Workbench.Runs.RunFailedException(\"tour\", \"abcdef123456\", \"/tmp/runs/tour/x\", "
                     + "new System.Runtime.InteropServices.ExternalException(\"Expected false to be true, toDouble at Scalar.h:140\"));")),
        };
        File.WriteAllText(temp.File("t.ipynb"), notebook.ToJsonString());
        var outcome = await NotebookRunner.RunAsync(temp.File("t.ipynb"), "smoke", [], temp.File("out"));

        const string sentence = "libtorch failed inside run abcdef12 of tour; rerun to resume from its last checkpoint "
                                + "(details in /tmp/runs/tour/x/failed.json).";
        Assert.Equal(sentence, outcome.FirstFailure!.Error);
        var error = JsonNode.Parse(File.ReadAllText(outcome.Output))!["cells"]!.AsArray()[3]!["outputs"]![0]!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal(sentence, (string?)error["evalue"]);
        Assert.Equal([sentence], error["traceback"]!.AsArray().Select(line => (string?)line));
    }

    static JsonObject Code(string source, string? tag = null) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = source,
        ["metadata"] = tag is null ? new JsonObject() : new JsonObject { ["tags"] = new JsonArray(tag) },
    };

    internal static async Task<T> WithEnvironment<T>(Dictionary<string, string> variables, Func<Task<T>> action)
    {
        var previous = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        foreach (var (k, v) in variables) Environment.SetEnvironmentVariable(k, v);
        try { return await action(); }
        finally { foreach (var (k, v) in previous) Environment.SetEnvironmentVariable(k, v); }
    }
}
