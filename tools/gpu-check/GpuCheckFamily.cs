using System.Globalization;
using Workbench.Kernels.Gpu;

namespace Workbench.GpuCheck;

/// <summary>
/// One kernel family's GPU check (a subcommand): the cases that compare its ILGPU kernels with their CPU path. A new
/// paper's kernels plug in with one class implementing this, listed once in <see cref="GpuCheckFamilies.All"/>.
/// </summary>
public interface IGpuCheckFamily
{
    /// <summary>The subcommand, e.g. "soft-sort".</summary>
    string Name { get; }

    /// <summary>One line for <c>gpu-check list</c>: which kernels, compared with what.</summary>
    string Description { get; }

    /// <summary>The options this family accepts after its subcommand (the shared ones are the program's).</summary>
    IReadOnlyList<GpuCheckOption> Options { get; }

    /// <summary>
    /// The cases to run, each checked and timed by <see cref="GpuCheckCase.Run"/>. The runner runs each case as soon as
    /// it is yielded, so an iterator may hold set-up shared by its cases (keys on the device) in a <c>using</c>.
    /// Bad option values throw <see cref="ArgumentException"/> with one sentence.
    /// </summary>
    IEnumerable<GpuCheckCase> Cases(GpuCheckSettings settings);

    /// <summary>Tables beyond the contract (a CPU-only comparison on the GPU machine's processor), printed after the speed table.</summary>
    IEnumerable<GpuCheckTable> Reports(GpuCheckSettings settings) => [];
}

/// <summary>How large the checks are.</summary>
public enum GpuCheckSize
{
    /// <summary>Seconds on ILGPU's CPU accelerator: what the tests run.</summary>
    Tiny,

    /// <summary>Each family's default: the measured sizes on a GPU, smaller ones on ILGPU's CPU accelerator.</summary>
    Default,
}

/// <summary>What an option's value must be; the command line is checked before any device work starts.</summary>
public enum GpuCheckValueKind
{
    /// <summary>Any text; the family checks it (and throws <see cref="ArgumentException"/> with one sentence).</summary>
    Text,

    /// <summary>A whole number ≥ 1 (thousands separators and underscores allowed).</summary>
    Count,

    /// <summary>The path of a file that exists.</summary>
    ExistingFile,

    /// <summary>No value: a flag.</summary>
    Flag,
}

/// <summary>An option a family accepts: <c>--name value</c>, or a bare value in order when <paramref name="Positional"/>.</summary>
/// <param name="Name">The name without dashes, e.g. "keys".</param>
/// <param name="Value">What the value is, for the help text, e.g. "N" or "PATH".</param>
/// <param name="Help">One sentence, with the default.</param>
/// <param name="Kind">What the value must be.</param>
/// <param name="Positional">Also accepted without its name, in declaration order (as the old programs took them).</param>
public sealed record GpuCheckOption(string Name, string Value, string Help, GpuCheckValueKind Kind = GpuCheckValueKind.Text,
    bool Positional = false)
{
    /// <summary>Throws <see cref="ArgumentException"/> with one sentence when <paramref name="value"/> is no <see cref="Kind"/>.</summary>
    public void Check(string value)
    {
        if (Kind == GpuCheckValueKind.Count && GpuCheckSettings.ParseCount(value) is null)
            throw new ArgumentException($"--{Name} is '{value}'; give a whole number ≥ 1.");
        if (Kind == GpuCheckValueKind.ExistingFile && !File.Exists(value))
            throw new ArgumentException($"--{Name} is '{value}', which does not exist.");
    }
}

/// <summary>What a family's cases run with: the device, the size, and the family's option values.</summary>
public sealed class GpuCheckSettings(OwnedAccelerator device, GpuCheckSize size, IReadOnlyDictionary<string, string> values)
{
    /// <summary>The accelerator the kernels run on (shared by all families of one run).</summary>
    public OwnedAccelerator Device { get; } = device;

    /// <summary>How large the checks are.</summary>
    public GpuCheckSize Size { get; } = size;

    /// <summary>True when the defaults should be the measured GPU sizes (a real GPU at the default size).</summary>
    public bool FullSize => Size == GpuCheckSize.Default && Device.IsGpu;

    /// <summary>The option's value, or null when it was not given.</summary>
    public string? Text(string name) => values.TryGetValue(name, out var value) ? value : null;

    /// <summary>The value of a <see cref="GpuCheckValueKind.Count"/> option, or <paramref name="fallback"/> when not given.</summary>
    public int Count(string name, int fallback)
    {
        if (Text(name) is not { } text) return fallback;
        return ParseCount(text) ?? throw new ArgumentException($"--{name} is '{text}'; give a whole number ≥ 1.");
    }

    /// <summary>True when the flag <paramref name="name"/> was given.</summary>
    public bool Flag(string name) => values.ContainsKey(name);

    internal static int? ParseCount(string text) =>
        int.TryParse(text.Replace("_", ""), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value
            : null;
}

/// <summary>One case: a name for the tables and the work that checks and times it.</summary>
/// <param name="Name">E.g. "L2 128 × 1,000".</param>
/// <param name="Run">Runs the kernel and its CPU path; throws only for a failure the tables should show as an error.</param>
public sealed record GpuCheckCase(string Name, Func<GpuCheckResult> Run);

/// <summary>A case's correctness (against the CPU path) and speed.</summary>
/// <param name="MaxAbsError">Largest |GPU − CPU| over floating-point outputs; null where the answers are discrete.</param>
/// <param name="Tolerance">The largest <paramref name="MaxAbsError"/> that still agrees.</param>
/// <param name="Mismatches">Discrete answers that differ (positions, block counts); must be 0.</param>
/// <param name="Timing">GPU and CPU times, or null when the case is not timed.</param>
/// <param name="Note">A short remark for the correctness table (sizes, what else was compared).</param>
public sealed record GpuCheckResult(double? MaxAbsError, double Tolerance, long Mismatches, GpuCheckTiming? Timing, string? Note = null)
{
    /// <summary>True when the GPU agrees with the CPU path: no mismatches and the error within tolerance.</summary>
    public bool Agrees => Mismatches == 0 && (MaxAbsError is not { } error || error <= Tolerance);
}

/// <summary>How long the GPU kernel and the CPU path take for the same work.</summary>
/// <param name="What">What one time covers, e.g. "forward pass, per batch" or "per lookup, kernel only".</param>
/// <param name="GpuSeconds">The GPU's time in seconds (per lookups it is far below a TimeSpan tick).</param>
/// <param name="CpuSeconds">The CPU path's time in seconds.</param>
public sealed record GpuCheckTiming(string What, double GpuSeconds, double CpuSeconds);

/// <summary>A plain table a family adds after the contract's two tables.</summary>
/// <param name="Title">One line above the table.</param>
/// <param name="Header">Column names.</param>
/// <param name="Rows">Cells, as many per row as <paramref name="Header"/> has.</param>
public sealed record GpuCheckTable(string Title, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);
