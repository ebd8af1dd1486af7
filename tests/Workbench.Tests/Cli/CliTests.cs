namespace Workbench.Tests.Cli;

public class CliTests
{
    static (int Code, string Output) Run(params string[] args) => CliProcess.Run(new Dictionary<string, string>(), args);

    static (int Code, string Output) RunWith(Dictionary<string, string> environment, params string[] args) =>
        CliProcess.Run(environment, args);

    [Theory]
    [InlineData(new[] { "run", "nosuch" }, "Unknown paper 'nosuch'")]
    [InlineData(new[] { "run", "tour", "--set", "stepz=3" }, "Unknown knob 'stepz'")]
    [InlineData(new[] { "run", "tour", "--preset", "fast" }, "Unknown preset 'fast'")]
    [InlineData(new[] { "run", "tour", "--set", "learning_rate=-1" }, "learning_rate = -1 is out of range")]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'")]
    [InlineData(new[] { "notebook", "run", "missing.ipynb" }, "notebook 'missing.ipynb' does not exist")]
    public void Bad_arguments_exit_2_with_one_clear_sentence(string[] args, string message)
    {
        var (code, output) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, output.ReplaceLineEndings(" "), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    // Every command rejects what it does not understand before any work starts: one sentence, exit code 2.
    [Theory]
    [InlineData(new[] { "list", "--verbose" }, "unknown option --verbose; `workbench list` takes no options.")]
    [InlineData(new[] { "list", "tour", "extra" }, "unexpected argument 'extra'; `workbench list` takes [paper].")]
    public void List_rejects_unknown_options_and_stray_arguments(string[] args, string message) => AssertRejected(args, message);

    [Theory]
    [InlineData(new[] { "run", "tour", "--preset", "smoke", "--seeds", "5", "--learning-rate", "0.5" },
        "unknown option --seeds 5; did you mean --set seeds=5?")]
    [InlineData(new[] { "run", "tour", "--learning-rate", "0.5" },
        "unknown option --learning-rate 0.5; did you mean --set learning_rate=0.5?")]
    [InlineData(new[] { "run", "tour", "--preseet", "smoke" }, "unknown option --preseet smoke; did you mean --preset smoke?")]
    [InlineData(new[] { "run", "tour", "smoke" }, "unexpected argument 'smoke'; `workbench run` takes <paper> and the options")]
    public void Run_rejects_unknown_options_and_stray_arguments(string[] args, string message) => AssertRejected(args, message);

    [Theory]
    [InlineData(new[] { "figures", "tour", "--dpi", "300" }, "unknown option --dpi 300; `workbench figures` takes")]
    [InlineData(new[] { "figures", "tour", "png" }, "unexpected argument 'png'")]
    public void Figures_rejects_unknown_options_and_stray_arguments(string[] args, string message) => AssertRejected(args, message);

    [Theory]
    [InlineData("--steps", "3", "unknown option --steps 3; did you mean --set steps=3?")]
    [InlineData("--output", "x", "unknown option --output x; did you mean --out x?")]
    public void Notebook_run_rejects_unknown_options(string option, string value, string message) =>
        AssertRejected(["notebook", "run", Path.Combine(TestPaths.RepoRoot, "notebooks", "00-tour.ipynb"), option, value], message);

    static void AssertRejected(string[] args, string message)
    {
        var (code, output) = Run(args);
        Assert.Equal(2, code);
        string text = output.ReplaceLineEndings(" ").Trim();
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.DoesNotContain("done in", output); // nothing ran
    }

    [Fact]
    public void List_counts_finished_runs_in_run_subfolders()
    {
        using var temp = new TempFolder();
        // soft-sort keys its runs by kind (runs/soft-sort/top-k/<hash>/); only folders with result.json are finished.
        foreach (var run in new[] { "soft-sort/top-k/a1", "soft-sort/top-k/a2", "soft-sort/runtime/b1", "tour/c1" })
        {
            Directory.CreateDirectory(temp.File(run));
            File.WriteAllText(Path.Combine(temp.File(run), "result.json"), "{}");
        }
        Directory.CreateDirectory(temp.File("soft-sort/label-ranking/unfinished"));
        File.WriteAllText(temp.File("soft-sort/label-ranking/unfinished/checkpoint.json"), "{}");

        var (code, output) = RunWith(new() { ["WORKBENCH_RUNS"] = temp.Path }, "list");
        Assert.Equal(0, code);
        Assert.Equal("3", CachedRuns(output, "soft-sort"));
        Assert.Equal("1", CachedRuns(output, "tour"));
        Assert.Equal("0", CachedRuns(output, "learned-index"));
    }

    // The last cell of the table row that names the slug.
    static string CachedRuns(string listOutput, string slug)
    {
        var row = listOutput.Split('\n').First(l => l.Split('│').Any(cell => cell.Trim() == slug));
        return row.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).Last(c => c.Length > 0);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run --help")]
    [InlineData("list --help")]
    [InlineData("figures --help")]
    [InlineData("notebook run --help")]
    public void Every_command_has_help(string args)
    {
        var (code, output) = Run(args.Split(' '));
        Assert.Equal(0, code);
        Assert.Contains("USAGE", output);
    }

    [Fact]
    public void List_shows_every_paper_and_the_tour_knobs()
    {
        var (code, output) = Run("list");
        Assert.Equal(0, code);
        foreach (var slug in new[]
                { "tour", "lottery-ticket", "muzero", "fixmatch", "reformer", "learned-index", "pointrend", "rangenet", "soft-sort" })
            Assert.Contains(slug, output);
        var (code2, knobs) = Run("list", "tour");
        Assert.Equal(0, code2);
        Assert.Contains("learning_rate", knobs);
    }
}
