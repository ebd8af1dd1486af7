using Workbench.Runs;

namespace Workbench.Papers;

/// <summary>
/// The three preset names every paper has, as one closed set: <c>smoke</c> (CI, under 60 s), <c>reading-group</c>
/// (the default, at most 5 minutes on 2 CPU cores) and <c>paper</c> (closest to the paper; GPU recommended).
/// Notebooks and the command line pass them as strings; <see cref="Parse"/> is the one place that checks them.
/// </summary>
public static class Presets
{
    /// <summary>The CI preset: everything runs, under 60 s.</summary>
    public const string Smoke = "smoke";

    /// <summary>The default: at most 5 minutes on 2 CPU cores (a config record's defaults).</summary>
    public const string ReadingGroup = "reading-group";

    /// <summary>Closest to the paper (GPU recommended).</summary>
    public const string Paper = "paper";

    /// <summary>The preset used when none is named.</summary>
    public const string Default = ReadingGroup;

    /// <summary>All preset names, fastest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Smoke, ReadingGroup, Paper];

    /// <summary>One line for help texts: each preset with what it is for.</summary>
    public const string Summary = "smoke (CI, < 60 s), reading-group (default, ≤ 5 min on 2 cores) or paper (closest to the paper)";

    /// <summary>
    /// The preset of that name; null or empty means <see cref="Default"/>. An unknown name throws a
    /// <see cref="ConfigException"/> with one sentence listing the presets.
    /// </summary>
    public static string Parse(string? name)
    {
        if (string.IsNullOrEmpty(name)) return Default;
        foreach (var preset in All)
            if (preset == name) return preset;
        throw new ConfigException($"Unknown preset '{name}'; choose one of {string.Join(", ", All)}.");
    }
}
