using Microsoft.Data.Analysis;

namespace Workbench.Papers;

/// <summary>The closing table of every notebook: each claim, the paper's number, ours, and an honest verdict.</summary>
public static class PaperVsOurs
{
    /// <summary>One claim.</summary>
    /// <param name="Claim">The claim in one sentence.</param>
    /// <param name="Paper">The paper's number with its source; "(reported)" where recalled rather than checked.</param>
    /// <param name="Ours">Our number with preset and seeds.</param>
    /// <param name="Verdict">holds / does not hold / partly, and why.</param>
    public sealed record Row(string Claim, string Paper, string Ours, string Verdict);

    /// <summary>The rows as a table with columns claim, paper, ours, verdict.</summary>
    public static DataFrame Table(IReadOnlyList<Row> rows) => new(
        new StringDataFrameColumn("claim", rows.Select(r => r.Claim)),
        new StringDataFrameColumn("paper", rows.Select(r => r.Paper)),
        new StringDataFrameColumn("ours", rows.Select(r => r.Ours)),
        new StringDataFrameColumn("verdict", rows.Select(r => r.Verdict)));

    /// <summary>"84.1 ± 0.3 % (3 seeds)"; one seed has no spread to show: "84.1 % (1 seed)".</summary>
    public static string Percent(double mean, double std, int seeds) => seeds == 1
        ? FormattableString.Invariant($"{100 * mean:0.0} % (1 seed)")
        : FormattableString.Invariant($"{100 * mean:0.0} ± {100 * std:0.0} % ({seeds} seeds)");
}
