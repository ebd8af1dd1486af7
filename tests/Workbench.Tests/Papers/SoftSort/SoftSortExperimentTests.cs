using Workbench.Kernels.SoftSort;
using Workbench.Papers;
using Workbench.Papers.SoftSort;
using Workbench.Runs;

namespace Workbench.Tests.Papers.SoftSort;

public class SoftSortExperimentTests
{
    [Fact]
    public void Presets_validate_and_the_catalogue_finds_the_experiment()
    {
        var experiment = Assert.IsType<SoftSortExperiment>(Catalogue.Find("soft-sort"));
        foreach (var preset in Presets.All) Configs.Validate(experiment.Preset(preset));
        Assert.Equal(SoftRegularizer.KL, experiment.Configure("smoke", "regularizer=kl").Regularizer);
    }

    [Theory]
    [InlineData("ablation_epsilons=0,1", "ablation_epsilons contains 0")]
    [InlineData("top_k_epsilon=-1", "top_k_epsilon = -1 is out of range")]
    [InlineData("outlier_fractions=0.95", "outlier_fractions")]
    [InlineData("baseline_max_n=100000; runtime_max_n=1000", "baseline_max_n")]
    public void Bad_knobs_get_one_sentence(string overrides, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => new SoftSortExperiment().Configure("smoke", overrides));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Reference_outputs_hold()
    {
        var (table, _, holds) = SoftSortReport.ReferenceOutputs();
        Assert.True(holds);
        Assert.Equal(3, table.Rows.Count);
    }

    [Fact]
    public void Label_ranking_learns_with_the_soft_spearman_loss()
    {
        var store = new RunStore(Path.Combine(Path.GetTempPath(), "wb-softsort-test-" + Guid.NewGuid().ToString("N")[..8]));
        var run = new RankingRun { Samples = 200, Steps = 60 };
        var record = store.GetOrCompute("soft-sort/label-ranking", run, ctx => Applications.Ranking(run, ctx));
        Assert.True(record.Result.Spearman > 0.5, $"test Spearman {record.Result.Spearman}");
        Directory.Delete(store.Root, recursive: true);
    }
}
