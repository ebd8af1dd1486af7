using System.Diagnostics;

namespace Workbench.Tests.Cli;

public class CliTests
{
    static (int Code, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Theory]
    [InlineData(new[] { "run", "nosuch" }, "Unknown paper 'nosuch'")]
    [InlineData(new[] { "run", "muzero" }, "'muzero' is planned but not implemented yet")]
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
        foreach (var slug in new[] { "tour", "lottery-ticket", "muzero", "fixmatch", "reformer", "learned-index", "pointrend", "rangenet", "soft-sort" })
            Assert.Contains(slug, output);
        var (code2, knobs) = Run("list", "tour");
        Assert.Equal(0, code2);
        Assert.Contains("learning_rate", knobs);
    }
}
