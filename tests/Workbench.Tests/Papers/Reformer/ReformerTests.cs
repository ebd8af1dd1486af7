using Workbench.Papers;
using Workbench.Papers.Reformer;
using Workbench.Runs;
using Workbench.Tests.Torch;
using Workbench.Torch;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.Reformer;

public class ReformerModelTests
{
    static ReformerLM Model(int seed, double dropout, AttentionMode mode, int layers = 2) =>
        TorchRandom.Build(seed, "init", () => new ReformerLM(12, 32, 16, 2, layers, 24, 2, 4, dropout, mode, seed));

    static List<float[]> GradientsOf(ReformerLM model, Tensor input, Tensor targets)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        var logits = model.forward(input);
        nn.functional.cross_entropy(logits.reshape(-1, 12), targets.reshape(-1)).backward();
        return model.parameters().Select(p => p.grad!.data<float>().ToArray()).ToList();
    }

    [Theory]
    [InlineData(AttentionKind.Lsh, 2, 0.1)]
    [InlineData(AttentionKind.SharedQkFull, 1, 0.0)]
    public void Reversible_backward_recomputes_and_gives_the_standard_gradients(AttentionKind kind, int rounds, double dropout)
    {
        // Same weights, same per-call seeds (rotations and dropout masks): the recomputing backward pass must give the
        // gradients plain autograd gives with every activation stored.
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var mode = new AttentionMode(kind, rounds);
        using var reversible = Model(3, dropout, mode);
        using var standard = Model(3, dropout, mode);
        standard.Reversible = false;
        using var g = new Generator(5);
        var input = randint(0, 12, [3, 32], generator: g);
        var targets = randint(0, 12, [3, 32], generator: g);
        var a = GradientsOf(reversible, input, targets);
        var b = GradientsOf(standard, input, targets);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
            for (int j = 0; j < a[i].Length; j++)
                Assert.True(Math.Abs(a[i][j] - b[i][j]) < 1e-4 + 1e-3 * Math.Abs(b[i][j]),
                    $"parameter {i}, entry {j}: reversible {a[i][j]} vs standard {b[i][j]}");
        Assert.Contains(a, grad => grad.Any(x => x != 0));
    }

    [Fact]
    public void The_chunked_feed_forward_equals_the_unchunked_one()
    {
        // Position-wise: computing it a chunk of positions at a time (uneven last chunk included) changes nothing.
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var whole = TorchRandom.Build(4, "ff", () => new FeedForwardBranch(8, 16, 1, 0));
        using var chunked = TorchRandom.Build(4, "ff", () => new FeedForwardBranch(8, 16, 3, 0));
        using var g = new Generator(6);
        var x = randn([2, 10, 8], generator: g);
        Assert.Equal([(0L, 4L), (4L, 4L), (8L, 2L)], chunked.ChunkRanges(10));
        double diff = whole.Apply(x, 1).sub(chunked.Apply(x, 1)).abs().max().item<float>();
        Assert.True(diff < 1e-6, $"max |difference| = {diff}");
    }

    [Fact]
    public void A_sequence_longer_than_the_maximum_is_one_sentence()
    {
        TorchSetup.Initialize();
        using var model = Model(1, 0, new AttentionMode(AttentionKind.Lsh, 1), layers: 1);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => model.forward(zeros([1, 40], ScalarType.Int64)));
        Assert.Equal("The sequence has 40 tokens but the model's maximum length is 32 (the knob length): shorten it " +
            "or train with a larger length.",
            e.Message);
    }

    [Fact]
    public void Duplication_sequences_have_the_form_0w0w_and_only_the_second_copy_is_scored()
    {
        var data = DuplicationTask.Sequences(5, 10, 7, seed: 2);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(0, data[i, 0]);
            Assert.Equal(0, data[i, 5]);
            for (int j = 1; j < 5; j++)
            {
                Assert.InRange(data[i, j], 1, 6);
                Assert.Equal(data[i, j], data[i, 5 + j]);
            }
        }
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var (inputs, targets) = DuplicationTask.Batch(data);
        Assert.Equal(0, inputs[0, 0].item<long>());
        Assert.Equal(data[0, 3], inputs[0, 4].item<long>());
        for (int j = 0; j <= 5; j++) Assert.Equal(DuplicationTask.Ignore, targets[0, j].item<long>());
        for (int j = 6; j < 10; j++) Assert.Equal(data[0, j], targets[0, j].item<long>());
    }

    [Fact]
    public void Bad_knobs_are_one_sentence()
    {
        var experiment = new ReformerExperiment();
        var odd = Assert.Throws<ConfigException>(() => experiment.Configure(Presets.Smoke, ["buckets=5"]));
        Assert.StartsWith("buckets = 5 is odd", odd.Message);
        var zero = Assert.Throws<ConfigException>(() => experiment.Configure(Presets.Smoke, ["train_rounds=0"]));
        Assert.StartsWith("train_rounds contains 0", zero.Message);
    }
}

public class ReformerPresetTests(ITestOutputHelper output)
{
    [Fact]
    public void The_paper_preset_validates_and_trains_a_few_steps_on_the_cpu()
    {
        // The paper preset (L = 1,024, d = 256, 4 heads, 20,000 steps of 16, 3 seeds) is meant for a GPU; here it is checked
        // with a step cap: an LSH-4 model of its size trains two steps and is evaluated on a few test sequences.
        TorchSetup.Initialize();
        var experiment = new ReformerExperiment();
        var config = experiment.Preset(Presets.Paper);
        config.Validate();
        Assert.Equal((1024, 256, 4, 1), (config.Length, config.ModelDim, config.Heads, config.Layers));
        var capped = config with
        {
            Steps = 2, TrainSequences = 2 * config.BatchSize, TestSequences = 4, EvalRounds = [1], CheckpointEvery = 0,
        };
        using var root = new TempFolder();
        var trial = experiment.Trial(capped, new AttentionMode(AttentionKind.Lsh, 4), 0, new RunStore(root.Path));
        var result = trial.Train.Result;
        Assert.True(double.IsFinite(result.FinalLoss));
        Assert.Equal(["full", "LSH-1"], result.Evaluations.Select(e => e.Attention));
        output.WriteLine($"paper preset, LSH-4: {result.TrainSeconds:0.0} s for 2 steps and the evaluations on this CPU");
    }
}

public class ReformerResumeTests
{
    [Fact]
    public void An_interrupted_training_run_resumes_to_the_same_weights()
    {
        // LSH rotations are seeded by a call counter saved with the model, so the resumed steps hash as the
        // uninterrupted ones did.
        TorchSetup.Initialize();
        var run = new ReformerTrainRun
        {
            Attention = AttentionKind.Lsh, TrainRounds = 2, Length = 16, Vocabulary = 8, ModelDim = 16, Heads = 2, FeedForward = 16,
            FeedForwardChunks = 2, Buckets = 4, Steps = 16, BatchSize = 4, TrainSequences = 64, TestSequences = 8, Dropout = 0.1,
            EvalRounds = [1], Seed = 3,
        };
        using var root = new TempFolder();
        var (whole, parts, resumedFrom) = InterruptedTraining.Run(root,
            context => ReformerTraining.Train(run, context, checkpointEvery: 5), cancelAtStep: 12);
        Assert.Equal(10, resumedFrom);
        var a = WeightFile.Read(Path.Combine(whole, ReformerTraining.WeightsFile));
        var b = WeightFile.Read(Path.Combine(parts, ReformerTraining.WeightsFile));
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i]);
    }
}
