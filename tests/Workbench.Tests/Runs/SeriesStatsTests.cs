using Workbench.Runs;

namespace Workbench.Tests.Runs;

public class SeriesStatsTests
{
    [Fact]
    public void Mean_and_std_align_runs_by_step()
    {
        IReadOnlyList<(long, double)> a = [(10, 1.0), (20, 3.0)];
        IReadOnlyList<(long, double)> b = [(10, 3.0), (20, 5.0), (30, 7.0)];
        var stats = SeriesStats.MeanStd([a, b]);
        Assert.Equal([10L, 20L, 30L], stats.Select(s => s.Step));
        Assert.Equal([2.0, 4.0, 7.0], stats.Select(s => s.Mean));
        Assert.Equal(Math.Sqrt(2), stats[0].Std, 12);
        Assert.Equal(1, stats[2].Count);
    }

    [Fact]
    public void Rolling_window_smooths_each_run_before_averaging()
    {
        IReadOnlyList<(long, double)> a = [(1, 0.0), (2, 2.0), (3, 4.0)];
        var stats = SeriesStats.MeanStd([a], window: 2);
        Assert.Equal([0.0, 1.0, 3.0], stats.Select(s => s.Mean));
    }

    [Fact]
    public void Seeds_are_stable_and_distinct_per_purpose()
    {
        Assert.Equal(Seeds.Derive(0, "init"), Seeds.Derive(0, "init"));
        Assert.NotEqual(Seeds.Derive(0, "init"), Seeds.Derive(0, "shuffle"));
        Assert.NotEqual(Seeds.Derive(0, "init"), Seeds.Derive(1, "init"));
        var p = Seeds.Permutation(100, 3, "x");
        Assert.Equal(Enumerable.Range(0, 100), p.Order());
    }
}
