using System.Runtime.InteropServices;
using Workbench.Papers.Tour;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Runs;

/// <summary>Issue #9, defence in depth: a native error inside a run is recorded, retried once from the checkpoint, and
/// a second one is one sentence for the user — never a silent wrong number.</summary>
public sealed class NativeFailureTests
{
    sealed record Steps(long Done);

    /// <summary>A run of 10 steps that checkpoints at step 5 and raises a real libtorch error at step 7 on some attempts.</summary>
    static long Run(RunContext ctx, Func<bool> failNow)
    {
        long start = ctx.TryResume<Steps>(out long step, out _) ? step : 0;
        for (long s = start; s < 10; s++)
        {
            ctx.Log(s + 1, "step", s + 1);
            if (s + 1 == 5) ctx.Checkpoint(5, new Steps(5));
            if (s + 1 == 7 && failNow())
            {
                using var scope = NewDisposeScope();
                ones(2).view(3); // libtorch: shape '[3]' is invalid for input of size 2
            }
        }
        return start;
    }

    [Fact]
    public void A_native_error_is_recorded_and_the_run_retried_once_from_its_checkpoint()
    {
        TorchSetup.Initialize();
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        int attempts = 0;
        long resumedFrom = -1;
        var record = store.GetOrCompute("native-failure", new TourConfig { Steps = 11 }, ctx =>
        {
            attempts++;
            resumedFrom = Run(ctx, () => attempts == 1);
            return resumedFrom;
        });
        Assert.Equal(2, attempts);
        Assert.Equal(5, resumedFrom);
        Assert.Equal(5, record.ResumedFromStep);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), record.Series("step").Select(p => p.Step));
        Assert.False(File.Exists(Path.Combine(record.Directory, RunStore.FailedFile)), "a recovered run keeps no failure mark");
        Assert.Contains("recovered_from_native_error", File.ReadAllText(Path.Combine(record.Directory, "run.json")));
    }

    [Fact]
    public void A_second_native_error_is_one_sentence_naming_the_run_and_the_paper()
    {
        TorchSetup.Initialize();
        using var temp = new TempFolder();
        var store = new RunStore(temp.Path);
        var config = new TourConfig { Steps = 12 };
        var error = Assert.Throws<RunFailedException>(() => store.GetOrCompute("tour", config, ctx => Run(ctx, () => true)));
        string hash = Configs.Hash("tour", config);
        Assert.StartsWith($"libtorch failed inside run {hash[..8]} of tour; rerun to resume from its last checkpoint", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsAssignableFrom<ExternalException>(error.InnerException);
        string dir = store.RunDirectory("tour", config);
        string failed = File.ReadAllText(Path.Combine(dir, RunStore.FailedFile));
        Assert.Contains("\"attempt\": 2", failed);
        Assert.Contains("is invalid for input of size 2", failed);
        Assert.False(File.Exists(Path.Combine(dir, "result.json")), "a failed run must never look finished");
    }
}
