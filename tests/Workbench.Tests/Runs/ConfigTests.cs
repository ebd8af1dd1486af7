using Workbench.Papers.Tour;
using Workbench.Runs;

namespace Workbench.Tests.Runs;

public class ConfigTests
{
    [Fact]
    public void Defaults_have_an_empty_canonical_form()
    {
        Assert.Equal("{}", Configs.Canonical(new TourConfig()));
    }

    [Fact]
    public void Canonical_form_lists_only_non_default_knobs_sorted_by_name()
    {
        var config = new TourConfig { Steps = 50, LearningRate = 0.5, Hidden = 16 };
        Assert.Equal("{\"hidden\":16,\"learning_rate\":0.5,\"steps\":50}", Configs.Canonical(config));
    }

    [Fact]
    public void Hash_of_a_fixed_config_is_stable_golden_value()
    {
        // Golden value: changing it invalidates every user's run cache, so it must only change deliberately.
        Assert.Equal("d6005c498cc8a9e1", Configs.Hash("tour", new TourConfig { Steps = 50, LearningRate = 0.5, Hidden = 16 }));
    }

    [Fact]
    public void Two_kinds_of_run_at_their_defaults_do_not_share_a_folder()
    {
        Assert.Equal(Configs.Canonical(new TourConfig()),
            Configs.Canonical(new Workbench.Papers.LotteryTicket.LotteryRun() with
            {
                Dataset = Workbench.Papers.LotteryTicket.LotteryDataset.MnistDigits,
            }));
        Assert.NotEqual(Configs.Hash("x", new TourConfig()), Configs.Hash("x", new Workbench.Papers.LotteryTicket.LotteryRun()));
    }

    [Fact]
    public void Setting_a_knob_to_its_default_keeps_the_hash()
    {
        var tour = new TourExperiment();
        var a = tour.Configure("reading-group", "");
        var b = tour.Configure("reading-group", $"steps={new TourConfig().Steps}");
        Assert.Equal(Configs.Hash("tour", a), Configs.Hash("tour", b));
    }

    [Fact]
    public void Overrides_are_parsed_to_the_knob_type()
    {
        var config = new TourExperiment().Configure("smoke",
            ["steps=300", "learning_rate=0.05", "sweep_rates=0.1,0.3", "train-images=6_000"]);
        Assert.Equal(300, config.Steps);
        Assert.Equal(0.05, config.LearningRate);
        Assert.Equal([0.1, 0.3], config.SweepRates);
        Assert.Equal(6000, config.TrainImages);
    }

    [Fact]
    public void Unknown_knob_is_rejected_with_the_valid_names()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("smoke", ["stepz=3"]));
        Assert.Contains("Unknown knob 'stepz'", e.Message);
        Assert.Contains("steps, learning_rate, batch_size", e.Message);
    }

    [Fact]
    public void Out_of_range_value_names_knob_value_and_range()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("smoke", ["learning_rate=0"]));
        Assert.Equal("learning_rate = 0 is out of range: SGD learning rate must be in (0, 10].", e.Message);
    }

    [Fact]
    public void Badly_typed_value_names_the_expected_type()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("smoke", ["steps=many"]));
        Assert.Equal("steps = 'many' is not valid: expected a whole number.", e.Message);
    }

    [Fact]
    public void Cross_knob_validation_runs_after_overrides()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("smoke", ["batch_size=6000", "train_images=5000"]));
        Assert.Contains("batch_size = 6000 is larger than train_images = 5000", e.Message);
    }

    [Fact]
    public void Unknown_preset_lists_the_presets()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("fast", ""));
        Assert.Equal("Unknown preset 'fast'; choose one of smoke, reading-group, paper.", e.Message);
    }

    [Fact]
    public void Override_without_equals_sign_is_explained()
    {
        var e = Assert.Throws<ConfigException>(() => new TourExperiment().Configure("smoke", ["steps"]));
        Assert.Contains("name=value", e.Message);
    }
}
