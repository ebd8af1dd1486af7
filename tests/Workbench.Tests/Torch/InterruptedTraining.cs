using Workbench.Runs;

namespace Workbench.Tests.Torch;

/// <summary>The resume check every trainer gets: train once without a break, once cancelled part-way and resumed.</summary>
public static class InterruptedTraining
{
    /// <summary>Cancels a run once it reports <paramref name="step"/>.</summary>
    public sealed class CancelAt(long step, CancellationTokenSource source) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.Done >= step) source.Cancel();
        }
    }

    /// <summary>
    /// Runs <paramref name="train"/> in <c>whole/</c> without a break, then in <c>parts/</c> cancelled at
    /// <paramref name="cancelAtStep"/> and resumed in a fresh context; returns both folders and the step it resumed from.
    /// </summary>
    public static (string Whole, string Parts, long? ResumedFrom) Run(TempFolder root, Action<RunContext> train, long cancelAtStep)
    {
        string whole = root.File("whole"), parts = root.File("parts");
        Directory.CreateDirectory(whole);
        Directory.CreateDirectory(parts);
        train(new RunContext(whole, "whole", null, CancellationToken.None, []));
        using var source = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            train(new RunContext(parts, "parts", new CancelAt(cancelAtStep, source), source.Token, [])));
        var resumed = new RunContext(parts, "parts", null, CancellationToken.None, []);
        train(resumed);
        return (whole, parts, resumed.ResumedFromStep);
    }
}
