using Workbench.Runs;

namespace Workbench.Tests;

/// <summary>Temporary folders that clean up after themselves, and paths into the repository.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workbench-tests", Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class TestPaths
{
    public static string RepoRoot => Repository.Root
        ?? throw new InvalidOperationException("tests must run inside the repository (Workbench.sln not found)");

    public static string CliDll => Path.Combine(RepoRoot, "lib", "Workbench.Cli", "bin",
#if DEBUG
        "Debug",
#else
        "Release",
#endif
        "net10.0", "Workbench.Cli.dll");

    /// <summary>
    /// One run cache for everything that runs a paper at the smoke preset (contract tests, notebook tests), so each
    /// smoke run trains once per test run; deleted when the test process exits.
    /// </summary>
    public static string SmokeRuns => SmokeRunsFolder.Value.Path;

    static readonly Lazy<TempFolder> SmokeRunsFolder = new(() =>
    {
        var folder = new TempFolder();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => folder.Dispose();
        return folder;
    });

    /// <summary>A fresh random seed for property tests; printed in assertion messages so a failure can be replayed.</summary>
    public static int FreshSeed() => Random.Shared.Next();
}
