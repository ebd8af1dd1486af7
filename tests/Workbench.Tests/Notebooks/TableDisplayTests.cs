using Microsoft.Data.Analysis;
using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>Issue #11 item 7: result tables read as a presenter would paste them; the raw columns stay for CSV.</summary>
public class TableDisplayTests
{
    [Fact]
    public void Mean_and_std_columns_show_as_one_percent_column_and_counts_as_integers()
    {
        var raw = new DataFrame(
            new StringDataFrameColumn("arm", ["ticket", "reinit"]),
            new DoubleDataFrameColumn("accuracy_mean", [0.95412, 0.9]),
            new DoubleDataFrameColumn("accuracy_std", [7.071e-4, 0.0123]),
            new DoubleDataFrameColumn("early_stop_iteration", [1500, 12000]),
            new DoubleDataFrameColumn("test_loss", [0.123456, 12.3456]),
            new DoubleDataFrameColumn("point_miou", [49.91, 52.2]));
        var shown = TableDisplay.Format(raw);

        Assert.Equal(["arm", "accuracy", "early_stop_iteration", "test_loss", "point_miou"], shown.Columns.Select(c => c.Name));
        Assert.Equal("95.412 ± 0.071 %", shown.Columns["accuracy"][0]); // std to two digits, the mean to the same place
        Assert.Equal("90.0 ± 1.2 %", shown.Columns["accuracy"][1]);
        Assert.Equal("12,000", shown.Columns["early_stop_iteration"][1]);
        Assert.Equal("0.1235", shown.Columns["test_loss"][0]);
        Assert.Equal("12.35", shown.Columns["test_loss"][1]);
        Assert.Equal("49.91", shown.Columns["point_miou"][0]); // already in percent: left alone
        Assert.Equal(6, raw.Columns.Count); // the table itself keeps its raw columns
    }
}
