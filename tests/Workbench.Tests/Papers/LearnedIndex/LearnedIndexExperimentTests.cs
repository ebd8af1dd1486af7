using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
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
        foreach (var preset in Presets.All) Experiment.Preset(preset);
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
            $"keys={file}; compare_key_sets={compared},uniform-dense; compare_count=2000; probes=2000; branching=16,64; " +
            "roots=linear,log-linear,cubic; " +
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
}
