using Workbench.Data;
using Workbench.Papers;
using Workbench.Papers.LearnedIndex;
using Workbench.Runs;

namespace Workbench.Tests.Papers.LearnedIndex;

public class LearnedIndexExperimentTests
{
    static readonly LearnedIndexExperiment Experiment = new();

    [Fact]
    public void Is_registered_in_the_catalogue_with_valid_presets()
    {
        Assert.IsType<LearnedIndexExperiment>(Catalogue.Find("learned-index"));
        foreach (var preset in Experiment<LearnedIndexConfig>.PresetNames) Experiment.Preset(preset);
        Assert.Equal(100_000, Experiment.Preset("smoke").KeyCount);
        Assert.Equal(10_000_000, Experiment.Preset("reading-group").KeyCount);
        Assert.Equal(200_000_000, Experiment.Preset("paper").KeyCount);
    }

    [Theory]
    [InlineData("branching=64,0", "branching contains 0")]
    [InlineData("epsilons=0", "epsilons contains 0")]
    [InlineData("leaves=0", "leaves = 0 is out of range")]
    [InlineData("keys=nowhere/file_uint64", "neither a key set")]
    [InlineData("root=quadratic", "root = 'quadratic' is not allowed")]
    [InlineData("roots=linear,tree", "roots contains 'tree'")]
    [InlineData("page_sizes=1", "page_sizes contains 1")]
    public void Bad_knobs_get_one_sentence(string assignment, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure("smoke", assignment));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_tiny_run_on_a_users_sosd_file_produces_every_table_and_figure()
    {
        using var temp = new TempFolder();
        string file = temp.File("mine_uint64");
        KeySets.SaveSosd(file, KeySets.Normal(5_000, 3));
        // Array knobs drop '_' from their elements (Configs.Parse strips digit separators), so the compared copy has none.
        string compared = temp.File("mine.keys");
        File.Copy(file, compared);
        var config = Experiment.Configure("smoke",
            $"keys={file}; compare_key_sets={compared},uniform-dense; compare_count=2000; probes=2000; branching=16,64; roots=linear,log-linear,cubic; " +
            "page_sizes=16,64; epsilons=8; leaves=64; bloom_keys=300; bloom_bits_per_key=6,12; bloom_features=128");
        var store = new RunStore(temp.File("runs"));
        var report = Experiment.Run(config, store);
        foreach (var name in new[] { "indexes", "last-mile", "root-ablation", "learned-hash", "learned-bloom", "paper-vs-ours" })
            Assert.True(report.Table(name).Rows.Count > 0, name);
        Assert.Equal(["cdf-fit", "size-vs-latency", "error-vs-branching", "last-mile", "root-ablation", "learned-hash", "learned-bloom"],
            report.Figures.Select(f => f.Name).ToArray());
        Assert.Equal(5_000, (int)Experiment.RunMain(config, store).Result.KeyCount);
        Assert.True(Experiment.RunMain(config, store).FromCache);
    }

    [Fact]
    public void Learned_hash_beats_random_hash_on_dense_keys()
    {
        var keys = KeySets.UniformDense(50_000, 1);
        var hash = new LearnedHash(keys, keys.Length, new Workbench.Kernels.LearnedIndex.RmiOptions(Workbench.Kernels.LearnedIndex.RootModelKind.Linear, 3000));
        double learned = LearnedHash.ConflictRate(keys, keys.Length, hash.Slot);
        double random = LearnedHash.ConflictRate(keys, keys.Length, k => LearnedHash.RandomSlot(k, 7, keys.Length));
        Assert.True(learned < random * 0.8, $"learned {learned:P1} vs random {random:P1}");
    }

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
