using Deedle;

namespace Workbench.Runs;

/// <summary>Metric curves across runs (seeds): aligned by step with Deedle, then summarised.</summary>
public static class SeriesStats
{
    /// <summary>
    /// Aligns several runs' curves by step (outer join, one column per run) into a Deedle frame keyed by step.
    /// </summary>
    public static Frame<long, string> Align(IReadOnlyList<IReadOnlyList<(long Step, double Value)>> curves)
    {
        var columns = curves.Select((curve, i) => new KeyValuePair<string, Series<long, double>>(
            $"run{i}", new Series<long, double>(curve.Select(p => p.Step), curve.Select(p => p.Value))));
        return Frame.FromColumns(columns).SortRowsByKey();
    }

    /// <summary>
    /// Mean and sample standard deviation across runs at every step (steps missing in a run are skipped for it),
    /// optionally smoothed first with a trailing rolling mean over <paramref name="window"/> points.
    /// </summary>
    public static IReadOnlyList<(long Step, double Mean, double Std, int Count)> MeanStd(
        IReadOnlyList<IReadOnlyList<(long Step, double Value)>> curves, int window = 1)
    {
        var frame = Align(curves);
        var result = new List<(long, double, double, int)>();
        var smoothed = window <= 1 ? frame : Smooth(frame, window);
        foreach (var step in smoothed.RowKeys)
        {
            var row = smoothed.GetRow<double>(step).DropMissing().Values.ToArray();
            if (row.Length == 0) continue;
            double mean = row.Average();
            double std = row.Length > 1 ? Math.Sqrt(row.Sum(v => (v - mean) * (v - mean)) / (row.Length - 1)) : 0;
            result.Add((step, mean, std, row.Length));
        }
        return result;
    }

    /// <summary>Mean and sample standard deviation of scalars (e.g. final accuracy over seeds).</summary>
    public static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN);
        double mean = v.Average();
        return (mean, v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0);
    }

    static Frame<long, string> Smooth(Frame<long, string> frame, int window)
    {
        var columns = frame.ColumnKeys.Select(key =>
        {
            var series = frame.GetColumn<double>(key).DropMissing();
            var keys = series.Keys.ToArray();
            var values = series.Values.ToArray();
            var smoothed = new double[values.Length];
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                sum += values[i];
                if (i >= window) sum -= values[i - window];
                smoothed[i] = sum / Math.Min(i + 1, window);
            }
            return new KeyValuePair<string, Series<long, double>>(key, new Series<long, double>(keys, smoothed));
        });
        return Frame.FromColumns(columns).SortRowsByKey();
    }
}
