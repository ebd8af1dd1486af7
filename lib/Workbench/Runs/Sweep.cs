using Microsoft.Data.Analysis;

namespace Workbench.Runs;

/// <summary>One axis of a sweep: a knob name and the values it takes.</summary>
/// <param name="Knob">Knob name as in <c>--set</c>.</param>
/// <param name="Values">Values, typed or as text.</param>
public sealed record SweepAxis(string Knob, IReadOnlyList<object> Values)
{
    /// <summary>Shorthand: <c>SweepAxis.Of("learning_rate", 0.01, 0.1)</c>.</summary>
    public static SweepAxis Of(string knob, params object[] values) => new(knob, values);
}

/// <summary>Grid sweeps over one or more knobs; each point is an ordinary cached run, so finished points are reused.</summary>
public static class Sweep
{
    /// <summary>The configs of the full grid (cartesian product, first axis slowest), each validated.</summary>
    public static IReadOnlyList<TConfig> Grid<TConfig>(TConfig baseConfig, params SweepAxis[] axes) where TConfig : RunConfig
    {
        IEnumerable<TConfig> configs = [baseConfig];
        foreach (var axis in axes)
            configs = configs.SelectMany(c => axis.Values.Select(v => Configs.WithValue(c, axis.Knob, v))).ToList();
        return configs.ToList();
    }

    /// <summary>
    /// Runs every point of the grid through <paramref name="run"/> (normally a cached experiment run) and returns a
    /// table with one row per point: a column per axis, then the columns <paramref name="summarize"/> returns.
    /// </summary>
    public static DataFrame Run<TConfig, TResult>(TConfig baseConfig, SweepAxis[] axes,
        Func<TConfig, RunRecord<TResult>> run, Func<RunRecord<TResult>, IReadOnlyDictionary<string, double>> summarize)
        where TConfig : RunConfig
    {
        var grid = Grid(baseConfig, axes);
        var rows = grid.Select(c => (Config: c, Summary: summarize(run(c)))).ToList();
        var columns = new List<DataFrameColumn>();
        foreach (var axis in axes)
            columns.Add(new StringDataFrameColumn(axis.Knob, rows.Select(r => Configs.FormatValue(Configs.Get(r.Config, axis.Knob)))));
        foreach (var key in rows.Count > 0 ? rows[0].Summary.Keys : [])
            columns.Add(new DoubleDataFrameColumn(key, rows.Select(r => (double?)r.Summary[key])));
        return new DataFrame(columns);
    }
}
