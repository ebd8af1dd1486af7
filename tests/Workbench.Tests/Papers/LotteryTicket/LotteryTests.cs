using TorchSharp;
using Workbench.Kernels.Pruning;
using Workbench.Papers.LotteryTicket;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.LotteryTicket;

public class LotteryTests
{
    static readonly LotteryExperiment Experiment = new();

    static LotteryConfig Tiny(params string[] overrides) =>
        Experiment.Configure("smoke",
            ["iterations=60", "eval_every=20", "rounds=2", "seeds=1", "checkpoint_every=1000", "more_ablations=false", .. overrides]);

    [Fact]
    public void LeNet_300_100_has_the_papers_266k_weights()
    {
        TorchSetup.Initialize();
        using var net = new LeNet300100();
        Assert.Equal(266_200, net.Layers.Sum(l => l.Weight.numel()));
        Assert.Equal([LayerKind.FullyConnected, LayerKind.FullyConnected, LayerKind.Output], net.Layers.Select(l => l.Kind));
    }

    [Theory]
    [InlineData(LotteryModel.Conv2)]
    [InlineData(LotteryModel.Conv4)]
    [InlineData(LotteryModel.Conv6)]
    public void Conv_networks_take_28x28_images(LotteryModel model)
    {
        TorchSetup.Initialize();
        using var net = PrunableNetwork.Create(model);
        using var logits = net.forward(zeros(5, 784));
        Assert.Equal([5L, 10L], logits.shape);
    }

    [Fact]
    public void Pruned_weights_and_their_adam_state_stay_exactly_zero_through_many_steps()
    {
        TorchSetup.Initialize();
        var net = Trainer.Initial(LotteryModel.LeNet300100, seed: 5);
        var sizes = net.Layers.Select(l => (int)l.Weight.numel()).ToArray();
        var masks = MagnitudePruning.RandomLike(
            MagnitudePruning.PruneLayerwise(TorchSetup.ExportParameters(net).Where((_, i) => i % 2 == 0).ToArray(),
                MagnitudePruning.Dense(sizes), [0.8, 0.8, 0.5]),
            new Random(1));
        var maskTensors = net.Layers.Select((l, i) => tensor(masks[i]).reshape(l.Weight.shape)).ToArray();
        Trainer.ApplyMasks(net.Layers, maskTensors);
        var optimizer = optim.Adam(net.parameters(), 1e-2);
        var x = randn(60, 784);
        var y = randint(0, 10, [60]);
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(net.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            Trainer.MaskGradients(net.Layers, maskTensors);
            optimizer.step();
            Trainer.ApplyMasks(net.Layers, maskTensors);
        }
        var state = optimizer.state_dict();
        for (int i = 0; i < net.Layers.Count; i++)
        {
            var weights = net.Layers[i].Weight.detach().data<float>().ToArray();
            Assert.All(Enumerable.Range(0, weights.Length).Where(p => masks[i][p] == 0f), p => Assert.Equal(0f, weights[p]));
            Assert.True(weights.Where((_, p) => masks[i][p] == 1f).Count(w => w != 0f) > weights.Length / 10, "survivors train");
        }
        // Adam's moments at pruned positions never moved off zero (parameters are fc1.w, fc1.b, fc2.w, …).
        var fc1State = (TorchSharp.Modules.Adam.State)state.State[0];
        var avg = fc1State.exp_avg.data<float>().ToArray();
        var avgSq = fc1State.exp_avg_sq.data<float>().ToArray();
        Assert.All(Enumerable.Range(0, avg.Length).Where(p => masks[0][p] == 0f), p => Assert.True(avg[p] == 0f && avgSq[p] == 0f));
    }

    [Fact]
    public void Reset_restores_the_original_initialisation_exactly_for_survivors()
    {
        TorchSetup.Initialize();
        var theta0 = TorchSetup.ExportParameters(Trainer.Initial(LotteryModel.LeNet300100, seed: 9));
        var again = Trainer.Initial(LotteryModel.LeNet300100, seed: 9);
        var masks = MagnitudePruning.PruneLayerwise(theta0.Where((_, i) => i % 2 == 0).ToArray(),
            MagnitudePruning.Dense(again.Layers.Select(l => (int)l.Weight.numel()).ToArray()), [0.5, 0.5, 0.5]);
        Trainer.ApplyMasks(again.Layers, again.Layers.Select((l, i) => tensor(masks[i]).reshape(l.Weight.shape)).ToArray());
        var reset = TorchSetup.ExportParameters(again);
        for (int layer = 0; layer < 3; layer++)
            for (int p = 0; p < masks[layer].Length; p++)
                Assert.Equal(masks[layer][p] == 1f ? theta0[2 * layer][p] : 0f, reset[2 * layer][p]);
        Assert.Equal(theta0[1], reset[1]); // biases are never pruned and come back exactly
        Assert.NotEqual(theta0[0], TorchSetup.ExportParameters(Trainer.Initial(LotteryModel.LeNet300100, seed: 9, purpose: "reinit:1"))[0]);
    }

    [Fact]
    public void Rounds_are_runs_raising_the_round_count_trains_only_the_new_rounds()
    {
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var two = Tiny();
        var chain = Enumerable.Range(0, 3).Select(r => Experiment.Ticket(two, 0, r, LotteryExperiment.Rule(two), 0, store)).ToList();
        Assert.All(chain, r => Assert.False(r.FromCache));
        Assert.Equal([1.0, 0.8, 0.64], chain.Select(r => Math.Round(r.Result.RemainingPerLayer[0], 4)));

        var three = two with { Rounds = 3, Seeds = 4, Ablations = false }; // late knobs: none of them touches rounds 0–2
        var longer = Enumerable.Range(0, 4).Select(r => Experiment.Ticket(three, 0, r, LotteryExperiment.Rule(three), 0, store)).ToList();
        Assert.Equal([true, true, true, false], longer.Select(r => r.FromCache));
        Assert.Equal(chain[2].Hash, longer[3].Parent());

        // A pruning-rate change leaves the dense run alone but retrains every pruned round.
        var faster = two with { PruneRate = 0.4 };
        Assert.True(Experiment.Ticket(faster, 0, 0, LotteryExperiment.Rule(faster), 0, store).FromCache);
        Assert.False(Experiment.Ticket(faster, 0, 1, LotteryExperiment.Rule(faster), 0, store).FromCache);
    }

    [Fact]
    public void Killed_round_resumes_from_its_checkpoint_with_the_same_numbers()
    {
        using var killed = new TempFolder();
        using var clean = new TempFolder();
        var config = Tiny("iterations=120", "checkpoint_every=40");
        var cancel = new CancellationTokenSource();
        // Interrupt the dense run right after its first checkpoint (cancellation is checked every iteration).
        var progress = new Interrupt(cancel, afterDone: 60);
        Assert.ThrowsAny<OperationCanceledException>(
            () => Experiment.Dense(config, 0, new RunStore(killed.Path), 0, progress, cancel.Token));
        var resumed = Experiment.Dense(config, 0, new RunStore(killed.Path));
        var uninterrupted = Experiment.Dense(config, 0, new RunStore(clean.Path));
        Assert.Equal(40, resumed.ResumedFromStep);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(uninterrupted.Result with { Seconds = 0 }),
            System.Text.Json.JsonSerializer.Serialize(resumed.Result with { Seconds = 0 }));
        Assert.Equal(uninterrupted.Metrics, resumed.Metrics);
    }

    [Fact]
    public void Runs_trained_side_by_side_match_runs_trained_one_at_a_time()
    {
        using var parallel = new TempFolder();
        using var serial = new TempFolder();
        var config = Tiny("seeds=2", "rounds=1", "ablations=false", "controls=false");
        var previous = Environment.GetEnvironmentVariable("WORKBENCH_PARALLEL_RUNS");
        try
        {
            Environment.SetEnvironmentVariable("WORKBENCH_PARALLEL_RUNS", "2");
            Experiment.Run(config, new RunStore(parallel.Path));
            Environment.SetEnvironmentVariable("WORKBENCH_PARALLEL_RUNS", "1");
            Experiment.Run(config, new RunStore(serial.Path));
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBENCH_PARALLEL_RUNS", previous);
        }
        var runs = Directory.GetDirectories(Path.Combine(serial.Path, "lottery-ticket", "lottery-run"))
            .Select(Path.GetFileName).Order().ToList();
        Assert.Equal(4, runs.Count); // two seeds × (dense + one round)
        Assert.Equal(runs, Directory.GetDirectories(Path.Combine(parallel.Path, "lottery-ticket", "lottery-run"))
            .Select(Path.GetFileName).Order());
        foreach (var run in runs)
            Assert.Equal(File.ReadAllText(Path.Combine(serial.Path, "lottery-ticket", "lottery-run", run!, "metrics.csv")),
                         File.ReadAllText(Path.Combine(parallel.Path, "lottery-ticket", "lottery-run", run!, "metrics.csv")));
    }

    [Fact]
    public void Controls_run_every_few_rounds_and_always_at_the_last()
    {
        var config = Experiment.Configure("reading-group", []);
        Assert.Equal([3, 6, 9, 12, 15], config.ControlRounds);
        Assert.Equal([2, 4, 5], (config with { Rounds = 5, ControlEvery = 2 }).ControlRounds);
        Assert.InRange(Math.Pow(0.8, config.Rounds), 0.03, 0.036); // 3.5 % of the hidden weights remain, as the issue asks
        Assert.Equal(2_000, config.IterationCount);
        Assert.Equal(16_000, (config with { Dataset = LotteryDataset.FashionMnist }).IterationCount);
        Assert.Equal(500, (config with { Iterations = 500 }).IterationCount);
    }

    [Fact]
    public void Last_sparsity_at_or_above_dense_is_the_sparsest_level_at_or_above_dense_minus_std()
    {
        static LotteryReport.SummaryRow Row(LotteryArm arm, int round, double remaining, double accuracy, double std = 0) =>
            new(arm, round, remaining, 0, 0, accuracy, std, 3);
        var summary = new List<LotteryReport.SummaryRow>
        {
            Row(LotteryArm.Ticket, 0, 1.0, 0.95, 0.01),
            Row(LotteryArm.Ticket, 1, 0.5, 0.96), Row(LotteryArm.Ticket, 2, 0.2, 0.94), // 0.94 ≥ 0.95 − 0.01
            Row(LotteryArm.Ticket, 3, 0.1, 0.93), Row(LotteryArm.Ticket, 4, 0.05, 0.97), // a dip, then back above
            Row(LotteryArm.Ticket, 5, 0.02, 0.90),
            Row(LotteryArm.Reinit, 1, 0.5, 0.939),
            Row(LotteryArm.RandomMask, 1, 0.5, 0.95),
        };
        Assert.Equal((0.05, 0.02), LotteryReport.LastAtOrAboveDense(summary, LotteryArm.Ticket));
        Assert.Equal((null, 0.5), LotteryReport.LastAtOrAboveDense(summary, LotteryArm.Reinit));
        Assert.Equal((0.5, null), LotteryReport.LastAtOrAboveDense(summary, LotteryArm.RandomMask));
    }

    [Fact]
    public void Learning_speed_is_not_measurable_when_the_dense_early_stop_is_at_the_end_of_the_budget()
    {
        var config = Experiment.Configure("reading-group", ["iterations=1000"]);
        LotteryReport.SummaryRow Dense(double earlyStop) => new(LotteryArm.Ticket, 0, 1, earlyStop, 50, 0.95, 0.01, 3);
        Assert.True(LotteryReport.LearningSpeed.Of(config, [Dense(600)]).Measurable);
        var end = LotteryReport.LearningSpeed.Of(config, [Dense(950)]);
        Assert.False(end.Measurable);
        Assert.StartsWith("not measurable at this budget", end.Why);
    }

    [Fact]
    public void The_run_queue_runs_every_job_and_every_job_it_unlocks()
    {
        var done = new System.Collections.Concurrent.ConcurrentBag<(int, int)>();
        RunQueue.Job Chain(int chain, int step) => new(chain, () =>
        {
            done.Add((chain, step));
            return step < 4 ? [Chain(chain, step + 1)] : [];
        });
        RunQueue.Drain(Enumerable.Range(0, 3).Select(c => Chain(c, 0)), CancellationToken.None);
        Assert.Equal(15, done.Count);
        Assert.Equal(15, done.Distinct().Count());
        var failing = new RunQueue.Job(0, () => throw new InvalidOperationException("boom"));
        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(() => RunQueue.Drain([failing, Chain(1, 0)], default)).Message);
    }

    sealed class Interrupt(CancellationTokenSource source, long afterDone) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) { if (value.Done >= afterDone) source.Cancel(); }
    }

    [Theory]
    [InlineData("prune_rate=1.5",
        "prune_rate = 1.5 is out of range: fraction of remaining fully-connected weights pruned per round must be in (0, 1).")]
    [InlineData("prune_rate=0", "prune_rate = 0 is out of range")]
    [InlineData("rounds=-1", "rounds = -1 is out of range: pruning rounds after the dense run must be in [0, 60].")]
    [InlineData("rewind_iteration=5000",
        "rewind_iteration = 5000 is beyond the training length: it must be in [0, 149] (iterations = 150).")]
    [InlineData("dataset=cifar", "dataset = 'cifar' is not allowed: dataset must be one of mnist-digits, fashion-mnist.")]
    public void Bad_knobs_get_one_clear_sentence(string overrideText, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure("smoke", [overrideText]));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_dataset_that_is_not_installed_names_the_command()
    {
        var previous = Environment.GetEnvironmentVariable("WORKBENCH_MNIST_DIGITS");
        Environment.SetEnvironmentVariable("WORKBENCH_MNIST_DIGITS", "/nonexistent/digits");
        try
        {
            var e = Assert.Throws<Workbench.Data.DatasetException>(() => Experiment.Run(Tiny(), new RunStore(Path.GetTempPath())));
            Assert.Contains("bash datasets/fetch-mnist-digits.sh", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBENCH_MNIST_DIGITS", previous);
        }
    }
}

static class RunRecordExtensions
{
    public static string Parent(this RunRecord<LotteryRunResult> record) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(record.Directory, "config.json")))!["parent"]!
            .GetValue<string>();
}
