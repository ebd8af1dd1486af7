using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;

namespace Workbench.Notebooks;

/// <summary>
/// How a result table reads in a notebook or a terminal: <c>x_mean</c> and <c>x_std</c> shown as one column
/// "95.4 ± 0.3 %", fractions of accuracies, IoUs and rates as percentages, whole numbers as integers, and other
/// values with four significant digits. Only the display changes: the table itself (and its CSV) keeps the raw numbers.
/// </summary>
public static partial class TableDisplay
{
    /// <summary>The display form of <paramref name="table"/>: one string column per shown column.</summary>
    public static DataFrame Format(DataFrame table)
    {
        var names = table.Columns.Select(c => c.Name).ToList();
        var shown = new List<DataFrameColumn>();
        var consumed = new HashSet<string>();
        foreach (var column in table.Columns)
        {
            if (consumed.Contains(column.Name)) continue;
            string? stdName = StdPartner(column.Name, names);
            if (stdName is not null && IsNumeric(column) && IsNumeric(table.Columns[stdName]))
            {
                consumed.Add(stdName);
                string name = column.Name.EndsWith("_mean", StringComparison.Ordinal) ? column.Name[..^5] : column.Name;
                var std = table.Columns[stdName];
                bool percent = IsPercent(name, column) && IsPercentStd(std);
                shown.Add(new StringDataFrameColumn(name,
                    Enumerable.Range(0, (int)table.Rows.Count).Select(r => MeanStd(Number(column[r]), Number(std[r]), percent))));
                continue;
            }
            if (IsNumeric(column))
            {
                bool percent = IsPercent(column.Name, column);
                bool integral = Values(column).All(v => Math.Abs(v - Math.Round(v)) < 1e-9 && Math.Abs(v) < 1e15);
                shown.Add(new StringDataFrameColumn(column.Name, Enumerable.Range(0, (int)table.Rows.Count).Select(r =>
                    Number(column[r]) is not { } v || double.IsNaN(v) ? ""
                    : percent ? Significant(100 * v, 3) + " %"
                    : integral ? v.ToString("#,0", CultureInfo.InvariantCulture) : Significant(v, 4))));
                continue;
            }
            shown.Add(new StringDataFrameColumn(column.Name,
                Enumerable.Range(0, (int)table.Rows.Count).Select(r => Convert.ToString(column[r], CultureInfo.InvariantCulture) ?? "")));
        }
        return new DataFrame(shown);
    }

    /// <summary>"95.4 ± 0.3 %": the std to two significant digits, the mean to the same decimal place.</summary>
    public static string MeanStd(double? mean, double? std, bool percent)
    {
        if (mean is not { } m || double.IsNaN(m)) return "";
        double scale = percent ? 100 : 1;
        m *= scale;
        string unit = percent ? " %" : "";
        if (std is not { } s || double.IsNaN(s)) return Significant(m, 4) + unit;
        s *= scale;
        if (s == 0) return $"{Significant(m, 4)} ± 0{unit}";
        int decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(Math.Abs(s))), 0, 10);
        string format = "0." + new string('0', decimals);
        if (decimals == 0) format = "0";
        return $"{m.ToString(format, CultureInfo.InvariantCulture)} ± {s.ToString(format, CultureInfo.InvariantCulture)}{unit}";
    }

    /// <summary>A value to <paramref name="digits"/> significant digits, plain (scientific only beyond 10⁹ or below 10⁻⁴).</summary>
    public static string Significant(double v, int digits)
    {
        if (v == 0 || !double.IsFinite(v)) return v.ToString(CultureInfo.InvariantCulture);
        double magnitude = Math.Abs(v);
        if (magnitude >= 1e9 || magnitude < 1e-4) return v.ToString("0.###e0", CultureInfo.InvariantCulture);
        int decimals = Math.Clamp(digits - 1 - (int)Math.Floor(Math.Log10(magnitude)), 0, 10);
        return Math.Round(v, decimals).ToString(magnitude >= 10_000 ? "#,0.##########" : "0.##########", CultureInfo.InvariantCulture);
    }

    static string? StdPartner(string name, List<string> names)
    {
        string stem = name.EndsWith("_mean", StringComparison.Ordinal) ? name[..^5] : name;
        return names.Contains(stem + "_std") && stem + "_std" != name ? stem + "_std" : null;
    }

    // Fractions of accuracies, IoUs and rates (all values in [0, 1]) read as percentages; columns already in percent
    // say so in their names (miou, percent, %).
    static bool IsPercent(string name, DataFrameColumn column) =>
        PercentName().IsMatch(name) && !AlreadyPercent().IsMatch(name) && Values(column).All(v => v is >= 0 and <= 1);

    static bool IsPercentStd(DataFrameColumn std) => Values(std).All(v => v is >= 0 and <= 1);

    [GeneratedRegex("accuracy|(^|_)iou|fpr|(^|_)rate")]
    private static partial Regex PercentName();

    [GeneratedRegex("miou|percent|%")]
    private static partial Regex AlreadyPercent();

    static bool IsNumeric(DataFrameColumn column) =>
        column.DataType == typeof(double) || column.DataType == typeof(float) || column.DataType == typeof(int)
        || column.DataType == typeof(long) || column.DataType == typeof(decimal);

    static IEnumerable<double> Values(DataFrameColumn column) =>
        Enumerable.Range(0, (int)column.Length).Select(r => Number(column[r])).OfType<double>().Where(v => !double.IsNaN(v));

    static double? Number(object? value) => value switch
    {
        null => null,
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => null,
    };
}
