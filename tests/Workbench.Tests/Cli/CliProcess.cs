using System.Diagnostics;

namespace Workbench.Tests.Cli;

/// <summary>The built `workbench` CLI as a real child process.</summary>
public static class CliProcess
{
    /// <summary>Starts the CLI with <paramref name="args"/>; output and errors are captured.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(TestPaths.CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Waits for a started CLI and returns its exit code and output (stdout, then stderr).</summary>
    public static (int Code, string Output) Finish(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult() + error.GetAwaiter().GetResult());
    }

    /// <summary>Runs the CLI to the end.</summary>
    public static (int Code, string Output) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        return Finish(process);
    }
}
