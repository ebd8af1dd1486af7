using Workbench.Kernels.Augment;
using Workbench.Papers.FixMatch;

namespace Workbench.Benchmarks;

/// <summary>
/// Where the augmentation's time goes: the reading-group batch (96 Fashion-MNIST images) through the per-image
/// reference and the batched kernel, one RandAugment operation at a time (each image gets that one operation at a random
/// magnitude, no flip, shift or Cutout), then the pieces of a whole strong and weak view (gather only, Cutout, float
/// conversion, drawing the plans). A probe, not a benchmark:
/// <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- profile-augment</c> (prefix with
/// <c>taskset -c 0</c> for one core).
/// </summary>
public static class AugmentProfile
{
    const int Side = 28, Batch = 96, Size = Side * Side;

    public static void Run()
    {
        var pool = FixMatchSplits.Of(FixMatchDataset.FashionMnist).Pool;
        var random = new Random(1);
        int[] indices = [.. Enumerable.Range(0, Batch).Select(_ => random.Next(pool.Count))];
        var bytes = new byte[Batch * Size];
        var floats = new float[Batch * Size];
        Console.WriteLine($"cores available: {Environment.ProcessorCount}; thread CPU µs per batch of {Batch} (median of 301)");
        Console.WriteLine($"{"what",-28} {"reference",10} {"kernel",10} {"ratio",7}");
        void Row(string what, AugmentPlan[] plans)
        {
            double reference = Median(() =>
            {
                for (int i = 0; i < Batch; i++)
                {
                    var image = pool.Pixels.AsSpan(indices[i] * Size, Size).ToArray();
                    AugmentReference.Apply(image, Side, Side, plans[i]).CopyTo(bytes, i * Size);
                }
            });
            double kernel = Median(() => BatchAugment.Apply(pool.Pixels, Side, Side, indices, plans, bytes));
            Console.WriteLine($"{what,-28} {reference,10:F1} {kernel,10:F1} {reference / kernel,7:F1}");
        }
        Row("nothing (gather)", Enumerable.Repeat(AugmentPlan.None, Batch).ToArray());
        foreach (var op in AugmentOps.All)
            Row(op.ToString(), [.. Enumerable.Range(0, Batch).Select(_ => AugmentPlan.None with
                { Steps = [new AugmentStep(op, AugmentOps.ValueAt(op, random.NextDouble()))] })]);
        Row("Cutout only", [.. Enumerable.Range(0, Batch).Select(_ => AugmentPlan.None with
            { CutoutSide = 14, CutoutX = random.Next(Side), CutoutY = random.Next(Side) })]);
        var weak = AugmentPolicy.Weak(flip: true);
        var strong = AugmentPolicy.Strong(true, AugmentOps.All);
        var weakPlans = weak.Draw(random, Batch, Side, Side);
        var strongPlans = strong.Draw(random, Batch, Side, Side);
        Row("weak view", weakPlans);
        Row("strong view", strongPlans);
        double toFloats = Median(() => BatchAugment.ApplyToFloats(pool.Pixels, Side, Side, indices, strongPlans, floats));
        Console.WriteLine($"strong view to floats (kernel)   {toFloats,10:F1}");
        Console.WriteLine($"drawing 96 weak plans            {Median(() => weak.Draw(new Random(3), Batch, Side, Side)),10:F1}");
        Console.WriteLine($"drawing 96 strong plans          {Median(() => strong.Draw(new Random(3), Batch, Side, Side)),10:F1}");
    }

    /// <summary>
    /// Median CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), so time the thread spends descheduled on a busy
    /// machine is not counted; the batches here stay on one thread (see <see cref="BatchAugment.ParallelPixels"/>).
    /// </summary>
    static double Median(Action action)
    {
        for (int i = 0; i < 30; i++) action();
        var times = new double[301];
        for (int i = 0; i < times.Length; i++)
        {
            double start = ThreadCpuMicroseconds();
            action();
            times[i] = ThreadCpuMicroseconds() - start;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    static double ThreadCpuMicroseconds() => Workbench.Runs.ThreadCpuTime.Milliseconds() * 1e3;
}
