using System.Text.Json;
using Workbench.Papers;
using Workbench.Papers.FixMatch;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Tests.Papers.FixMatch;

public class FixMatchSplitTests
{
    [Theory]
    [InlineData(FixMatchDataset.FashionMnist, 40)]
    [InlineData(FixMatchDataset.MnistDigits, 100)]
    public void The_labelled_split_is_class_balanced_seeded_and_part_of_the_unlabelled_pool(FixMatchDataset dataset, int labels)
    {
        var splits = FixMatchSplits.Of(dataset);
        var a = splits.DrawLabelled(labels, LabelSelection.Random, 3);
        Assert.Equal(labels, a.Distinct().Count());
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(labels / 10, a.Count(i => splits.Pool.Labels[i] == c)));
        Assert.Equal(a, splits.DrawLabelled(labels, LabelSelection.Random, 3));
        Assert.NotEqual(a, splits.DrawLabelled(labels, LabelSelection.Random, 4));
        // Indices into the pool, which is the whole unlabelled set: the labelled images are unlabelled images too.
        Assert.All(a, i => Assert.InRange(i, 0, splits.Pool.Count - 1));
        Assert.Equal(dataset == FixMatchDataset.FashionMnist ? 55_000 : 7_000, splits.Pool.Count);
        Assert.True(splits.Validation.Count > 0 && splits.Test.Count > 0);
        Assert.Equal(dataset == FixMatchDataset.FashionMnist, splits.Flip);
    }

    [Fact]
    public void Prototypes_and_atypical_choices_are_the_nearest_and_farthest_from_the_class_mean()
    {
        var splits = FixMatchSplits.Of(FixMatchDataset.MnistDigits);
        var typical = splits.DrawLabelled(10, LabelSelection.Prototypes, 0);
        var atypical = splits.DrawLabelled(10, LabelSelection.Atypical, 0);
        Assert.Empty(typical.Intersect(atypical));
        Assert.Equal(typical, splits.DrawLabelled(10, LabelSelection.Prototypes, 99)); // no seed involved
    }

    [Fact]
    public void A_stored_split_is_read_back_and_never_redrawn()
    {
        var splits = FixMatchSplits.Of(FixMatchDataset.MnistDigits);
        var dir = Directory.CreateTempSubdirectory("fixmatch-split-");
        try
        {
            var drawn = splits.LabelledFor(dir.FullName, 20, LabelSelection.Random, 1);
            Assert.True(File.Exists(Path.Combine(dir.FullName, FixMatchSplits.LabelledFile)));
            // Whatever the file holds is the split: a changed seed (or changed drawing code) does not redraw it.
            int[] planted = [.. Enumerable.Range(0, 20)];
            File.WriteAllBytes(Path.Combine(dir.FullName, FixMatchSplits.LabelledFile), JsonSerializer.SerializeToUtf8Bytes(planted));
            Assert.Equal(planted, splits.LabelledFor(dir.FullName, 20, LabelSelection.Random, 1));
            Assert.NotEqual(planted, drawn);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

public class FixMatchBadInputTests
{
    static readonly FixMatchExperiment Experiment = new();

    static string Fails(string overrides)
    {
        var e = Assert.Throws<ConfigException>(() => Experiment.Configure(Presets.Smoke, overrides));
        Assert.Matches(@"^[^\n]*[.]$", e.Message);
        Assert.DoesNotMatch(@"[.!?]\s+[A-Z]", e.Message);
        return e.Message;
    }

    [Fact]
    public void Labels_not_divisible_among_the_classes() => Assert.Contains("multiple of 10", Fails("label_counts=45"));

    [Fact]
    public void More_labels_than_examples()
    {
        Assert.Contains("digit_labels", Fails("digit_labels=7010"));
        var e = Assert.Throws<ConfigException>(() => FixMatchSplits.Of(FixMatchDataset.MnistDigits).DrawLabelled(7_000,
            LabelSelection.Random, 0));
        Assert.Contains("at most", e.Message);
    }

    [Fact]
    public void Threshold_outside_zero_one() => Assert.Contains("threshold", Fails("threshold=1.5"));

    [Fact]
    public void Mu_below_one() => Assert.Contains("mu", Fails("mu=0"));

    [Fact]
    public void An_unknown_augmentation_name() => Assert.Contains("rotate", Fails("strong_ops=rotate,zoom"));
}

public class FixMatchResumeTests
{
    sealed class CancelAt(long step, CancellationTokenSource source) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.Done >= step) source.Cancel();
        }
    }

    [Fact]
    public void An_interrupted_run_resumes_to_the_same_result_and_the_same_split()
    {
        TorchSetup.Initialize();
        var run = new FixMatchRun
        {
            Dataset = FixMatchDataset.MnistDigits, Labels = 20, BatchSize = 8, Mu = 2, Steps = 12, EvalEvery = 2, Width = 4,
            TestImages = 100, ValidationImages = 50, AuditImages = 50, Threshold = 0.5, Seed = 2,
        };
        var root = Directory.CreateTempSubdirectory("fixmatch-resume-");
        try
        {
            string whole = Path.Combine(root.FullName, "whole"), parts = Path.Combine(root.FullName, "parts");
            Directory.CreateDirectory(whole);
            Directory.CreateDirectory(parts);
            var a = FixMatchTraining.Train(run, new RunContext(whole, "whole", null, CancellationToken.None, []), checkpointEvery: 4);

            using var source = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() =>
                FixMatchTraining.Train(run, new RunContext(parts, "parts", new CancelAt(10, source), source.Token, []),
                    checkpointEvery: 4));
            var resumed = new RunContext(parts, "parts", null, CancellationToken.None, []);
            var b = FixMatchTraining.Train(run, resumed, checkpointEvery: 4);
            Assert.Equal(8, resumed.ResumedFromStep);

            Assert.Equal(a.TestAccuracy, b.TestAccuracy);
            Assert.Equal(a.ValidationAccuracy, b.ValidationAccuracy);
            Assert.Equal(a.MaskRate, b.MaskRate);
            Assert.Equal(a.Labelled, b.Labelled);
            Assert.Equal(a.AcceptedConfusion, b.AcceptedConfusion);
            Assert.Equal(a.Stuck, b.Stuck);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
