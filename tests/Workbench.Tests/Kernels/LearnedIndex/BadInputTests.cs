using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

public class BadInputTests
{
    static readonly ulong[] Unsorted = [1, 2, 5, 4, 9];

    [Fact]
    public void Unsorted_keys_name_the_first_out_of_order_position()
    {
        foreach (var build in new Func<ISortedIndex>[]
        {
            () => new BinarySearchIndex(Unsorted), () => new StaticBPlusTree(Unsorted, 16),
            () => new PiecewiseLinearIndex(Unsorted, 8), () => new RecursiveModelIndex(Unsorted),
        })
        {
            var e = Assert.Throws<ArgumentException>(build);
            Assert.Contains("position 3 (4) is smaller than position 2 (5)", e.Message);
        }
    }

    [Fact]
    public void Rmi_rejects_an_empty_key_set_in_one_sentence()
    {
        var e = Assert.Throws<ArgumentException>(() => new RecursiveModelIndex([]));
        Assert.Contains("needs at least one key", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Rmi_rejects_non_positive_branching(int leaves)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveModelIndex([1, 2, 3], new RmiOptions(Leaves: leaves)));
        Assert.Contains("must be ≥ 1", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Pgm_rejects_non_positive_epsilon(int epsilon)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PiecewiseLinearIndex([1, 2, 3], epsilon));
        Assert.Contains("ε", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1 << 20)]
    public void Btree_rejects_page_sizes_out_of_range(int page)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StaticBPlusTree([1, 2, 3], page));
        Assert.Contains("page size", e.Message);
    }

    [Fact]
    public void Nan_keys_are_named_by_position_and_doubles_keep_their_order()
    {
        var e = Assert.Throws<ArgumentException>(() => KeyEncoding.FromDoubles([1.0, double.NaN]));
        Assert.Contains("position 1 is NaN", e.Message);
        double[] values = [double.NegativeInfinity, -1e300, -2.5, -0.0, 0.0, 1e-300, 3, double.MaxValue, double.PositiveInfinity];
        var codes = KeyEncoding.FromDoubles(values);
        for (int i = 1; i < codes.Length; i++) Assert.True(codes[i] >= codes[i - 1]);
        Assert.Equal(codes[3], codes[4]);
        Assert.Equal(3.0, KeyEncoding.ToDouble(codes[6]));
    }
}
