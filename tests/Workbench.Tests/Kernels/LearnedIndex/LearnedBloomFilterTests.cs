using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

public class LearnedBloomFilterTests
{
    [Fact]
    public void Bloom_filters_have_no_false_negatives()
    {
        var keys = UrlStrings.Generate(2_000, suspicious: true, 1, "keys");
        var nonKeys = UrlStrings.Generate(2_000, suspicious: false, 1, "train").Except(keys).ToArray();
        var validation = UrlStrings.Generate(1_000, suspicious: false, 1, "validation").Except(keys).ToArray();
        var plain = BloomFilter.ForKeys(keys.Length, 8 * keys.Length);
        foreach (var k in keys) plain.Add(k);
        var classifier = LearnedBloomFilter.Classifier.Train(keys, nonKeys, 256, 1);
        var learned = LearnedBloomFilter.Build(keys, classifier, 8 * keys.Length, validation);
        Assert.All(keys, k => { Assert.True(plain.MayContain(k)); Assert.True(learned.MayContain(k)); });
        Assert.True(learned.Bits <= 8 * keys.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BloomFilter(0, 3));
    }
}
