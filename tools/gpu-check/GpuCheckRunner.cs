using System.Diagnostics;
using System.Globalization;
using Workbench.Kernels.Gpu;

namespace Workbench.GpuCheck;

/// <summary>One family with the option values it runs with.</summary>
/// <param name="Family">The family.</param>
/// <param name="Values">Its option values by name (without dashes); empty for its defaults.</param>
public sealed record GpuCheckRequest(IGpuCheckFamily Family, IReadOnlyDictionary<string, string> Values);

/// <summary>What a run found: the case count and how many cases disagree with their CPU path (or failed to run).</summary>
/// <param name="Cases">Cases run, including set-ups or reports that failed.</param>
/// <param name="Mismatches">Cases whose verdict is not "agrees".</param>
public sealed record GpuCheckSummary(int Cases, int Mismatches)
{
    /// <summary>The program's last line, exactly "N cases, M mismatches" (parsed by scripts: no plural forms).</summary>
    public string LastLine => $"{Cases} cases, {Mismatches} mismatches";
}

/// <summary>
/// Runs families' cases on one device and prints the output contract: a progress line per case, the correctness
/// table, the speed table, the families' own tables, and last the line "N cases, M mismatches".
/// </summary>
public static class GpuCheckRunner
{
    sealed record Outcome(string Family, string Case, GpuCheckResult? Result, string? Error)
    {
        public bool Agrees => Error is null && Result is { Agrees: true };
    }

    /// <summary>Runs every request's cases on <paramref name="device"/> and writes the tables to <paramref name="output"/>.</summary>
    public static GpuCheckSummary Run(IReadOnlyList<GpuCheckRequest> requests, OwnedAccelerator device, GpuCheckSize size,
        TextWriter output)
    {
        var outcomes = new List<Outcome>();
        var reports = new List<GpuCheckTable>();
        foreach (var request in requests)
        {
            var settings = new GpuCheckSettings(device, size, request.Values);
            if (!RunCases(request.Family, settings, outcomes, output)) continue; // no reports on a failed set-up
            try
            {
                reports.AddRange(request.Family.Reports(settings));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A report that cannot be made (a missing data file) fails the run as a case would, with its sentence.
                outcomes.Add(new Outcome(request.Family.Name, "report", null, e.Message));
                output.WriteLine($"{request.Family.Name} report: ERROR {e.Message}");
            }
        }

        output.WriteLine();
        output.WriteLine("Correctness (GPU against the CPU path)");
        WriteTable(output, ["family", "case", "max abs error", "tolerance", "mismatches", "verdict", "note"],
            [.. outcomes.Select(o => (IReadOnlyList<string>)[o.Family, o.Case,
                o.Result?.MaxAbsError is { } error ? error.ToString("0.00E+0", CultureInfo.InvariantCulture) : "—",
                o.Result?.MaxAbsError is null ? "—" : o.Result.Tolerance.ToString("0E+0", CultureInfo.InvariantCulture),
                o.Result is { } r ? r.Mismatches.ToString("N0", CultureInfo.InvariantCulture) : "—",
                Verdict(o), o.Error ?? o.Result?.Note ?? ""])],
            rightAligned: [false, false, true, true, true, false, false]);

        output.WriteLine();
        output.WriteLine("Speed (CPU/GPU above 1 means the GPU is faster)");
        WriteTable(output, ["family", "case", "timed", "GPU", "CPU", "CPU/GPU"],
            [.. outcomes.Where(o => o.Result?.Timing is not null).Select(o => (IReadOnlyList<string>)[o.Family, o.Case,
                o.Result!.Timing!.What, Seconds(o.Result.Timing.GpuSeconds), Seconds(o.Result.Timing.CpuSeconds),
                ThreeDigits(o.Result.Timing.CpuSeconds / o.Result.Timing.GpuSeconds) + "×"])],
            rightAligned: [false, false, false, true, true, true]);

        foreach (var report in reports)
        {
            output.WriteLine();
            output.WriteLine(report.Title);
            WriteTable(output, report.Header, report.Rows, [.. report.Header.Select((_, i) => i > 0)]);
        }

        var summary = new GpuCheckSummary(outcomes.Count, outcomes.Count(o => !o.Agrees));
        output.WriteLine();
        output.WriteLine(summary.LastLine);
        return summary;
    }

    /// <summary>Runs the family's cases; false when its set-up failed.</summary>
    static bool RunCases(IGpuCheckFamily family, GpuCheckSettings settings, List<Outcome> outcomes, TextWriter output)
    {
        using var cases = family.Cases(settings).GetEnumerator();
        while (true)
        {
            GpuCheckCase next;
            try
            {
                if (!cases.MoveNext()) return true;
                next = cases.Current;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A set-up that throws (a bad option value, a device out of memory) ends the family with one failed case.
                outcomes.Add(new Outcome(family.Name, "set-up", null, e.Message));
                output.WriteLine($"{family.Name} set-up: ERROR {e.Message}");
                return false;
            }
            var watch = Stopwatch.StartNew();
            Outcome outcome;
            try
            {
                outcome = new Outcome(family.Name, next.Name, next.Run(), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outcome = new Outcome(family.Name, next.Name, null, $"{e.GetType().Name}: {e.Message}");
            }
            outcomes.Add(outcome);
            output.WriteLine($"{family.Name} {next.Name}: {Verdict(outcome)} ({watch.Elapsed.TotalSeconds:0.0} s)");
        }
    }

    static string Verdict(Outcome outcome) => outcome.Error is not null ? "ERROR" : outcome.Agrees ? "agrees" : "MISMATCH";

    /// <summary>Seconds with a unit and three significant digits, down to the sub-nanosecond GPU lookups.</summary>
    internal static string Seconds(double seconds) => seconds switch
    {
        >= 1 => $"{ThreeDigits(seconds)} s",
        >= 1e-3 => $"{ThreeDigits(seconds * 1e3)} ms",
        >= 1e-6 => $"{ThreeDigits(seconds * 1e6)} µs",
        _ => $"{ThreeDigits(seconds * 1e9)} ns",
    };

    /// <summary>Three significant digits without an exponent: 1234 → "1234", 26.28 → "26.3", 0.0583 → "0.0583".</summary>
    internal static string ThreeDigits(double value)
    {
        if (value == 0 || !double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value, Math.Min(decimals, 15)).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a table with columns as wide as their widest cell, separated by two spaces.</summary>
    internal static void WriteTable(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows,
        IReadOnlyList<bool> rightAligned)
    {
        var widths = header.Select((name, column) => rows.Select(row => row[column].Length).Prepend(name.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((cell, column) =>
            rightAligned[column] ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(string.Join("  ", widths.Select(width => new string('-', width))));
        foreach (var row in rows) output.WriteLine(Line(row));
    }
}
