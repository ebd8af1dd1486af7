using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Papers.LearnedIndex;

namespace Workbench.Benchmarks;

/// <summary>
/// Stopwatch profile of RMI lookups, stage by stage (model only, then whole lookups single and batched), beside binary
/// search and the memory limits, on lognormal key sets of several sizes; the sorted-probe cases read the same lines as
/// their neighbours, so they time the instructions with the misses taken out. A probe, not a benchmark:
/// <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- profile-index [keys …]</c>.
/// </summary>
public static class LearnedIndexProfile
{
    public static void Run(string[] args)
    {
        var sizes = args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [1_000_000, 10_000_000];
        const int batch = 200_000;
        foreach (int size in sizes)
        {
            var keys = KeySets.Lognormal(size, 0);
            var probes = LearnedIndexBench.Probes(keys, batch);
            var rmi = RmiChoice.BestRoot(keys, RmiChoice.TenthOfBPlusTreeLeaves(keys));
            var bs = new BinarySearchIndex(keys);
            var chase = MemoryLimits.ChaseArray(keys.Length);
            var gather = MemoryLimits.GatherPositions(chase.Length, batch);
            var output = new int[batch];
            var sorted = probes.Order().ToArray();
            var starts = gather.Take(batch / 4).ToArray();
            rmi.FindMany(probes, output, BatchStrategy.Interleaved);
            for (int i = 0; i < batch; i++) if (output[i] != rmi.Find(probes[i])) throw new InvalidOperationException($"mismatch at {i}");
            int wide = 0;
            foreach (var p in probes) { var (_, lo, hi) = rmi.Window(p); if (hi - lo > rmi.LockStepWindow) wide++; }
            Console.WriteLine($"  windows over the lock-step limit: {100.0 * wide / batch:0.0} % of probes");
            long nominal = MemoryLimits.LastLevelCacheBytes(), effective = MemoryLimits.EffectiveCacheBytes(nominal);
            double misses = CacheMissModel.MissesPerLookup(rmi, probes, nominal);
            double measuredMisses = CacheMissModel.MissesPerLookup(rmi, probes, effective);
            var rmiLines = CacheMissModel.KeyLines(rmi, probes);
            var bsLines = CacheMissModel.KeyLines(bs, probes);
            Console.WriteLine($"{size:N0} keys: {rmi.Name}, {rmi.SizeBytes / 1024.0:0.0} KB, AvgLg2 {rmi.AvgLg2:0.00}, " +
                $"mean error {rmi.MeanAbsError:0.0}, misses/lookup {misses:0.00} (LLC {nominal >> 20} MB), {measuredMisses:0.00} " +
                $"(measured LLC {effective / 1048576.0:0.0} MB); key lines per lookup {rmiLines.Length / (double)batch:0.00} " +
                $"(binary search {bsLines.Length / (double)batch:0.00}, " +
                $"misses {CacheMissModel.MissesPerLookup(bs, probes, nominal):0.00} / " +
                $"{CacheMissModel.MissesPerLookup(bs, probes, effective):0.00})");
            var cases = new (string Name, Func<long> Body)[]
            {
                ("memory: pointer chase", () => (long)MemoryLimits.Chase(chase, batch)),
                ("memory: gather", () => (long)MemoryLimits.Gather(chase, gather)),
                ("memory: RMI's key lines, independent", () => (long)MemoryLimits.Gather(keys, rmiLines)),
                ("memory: BS's key lines, independent", () => (long)MemoryLimits.Gather(keys, bsLines)),
                ("memory: 32 chains x 4 hops (per hop)", () => (long)MemoryLimits.LockStepChains(chase, starts, 32, 4)),
                ("RMI model only (Predict loop)", () => { double t = 0; foreach (var p in probes) t += rmi.Predict(p); return (long)t; }),
                ("RMI single (Find loop)", () => { long t = 0; foreach (var p in probes) t += rmi.Find(p); return t; }),
                ("RMI batched (lock step)", () => { rmi.FindMany(probes, output, BatchStrategy.Interleaved); return output[^1]; }),
                ("BS single, compare as flag", () =>
                {
                    long t = 0;
                    foreach (var p in probes) t += LowerBound.Flagged(ref keys[0], 0, keys.Length, p);
                    return t;
                }),
                ("RMI batched, sorted probes (compute)",
                    () => { rmi.FindMany(sorted, output, BatchStrategy.Interleaved); return output[^1]; }),
                ("BS batched, sorted probes (compute)",
                    () => { bs.FindMany(sorted, output, BatchStrategy.Interleaved); return output[^1]; }),
                ("RMI model, sorted probes", () => { double t = 0; foreach (var p in sorted) t += rmi.Predict(p); return (long)t; }),
                ("RMI batched, loop", () => { rmi.FindMany(probes, output, BatchStrategy.Loop); return output[^1]; }),
                ("binary search single", () => { long t = 0; foreach (var p in probes) t += bs.Find(p); return t; }),
                ("binary search batched", () => { bs.FindMany(probes, output, BatchStrategy.Interleaved); return output[^1]; }),
            };
            foreach (var (name, body) in cases)
            {
                double best = double.MaxValue;
                long sink = 0;
                for (int pass = 0; pass < 5; pass++)
                {
                    var watch = Stopwatch.StartNew();
                    sink += body();
                    best = Math.Min(best, watch.Elapsed.TotalNanoseconds / batch);
                }
                Console.WriteLine($"  {name,-34} {best,8:0.0} ns   ({sink % 10})");
            }
        }
    }
}
