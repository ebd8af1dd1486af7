using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Papers.LearnedIndex;

// Usage: Workbench.GpuCheck.Index [keys = 10000000] [probes = 10000000] [--cpu] [--geoip PATH]
var numbers = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).ToArray();
int keyCount = numbers.Length > 0 ? numbers[0] : 10_000_000;
int probeCount = numbers.Length > 1 ? numbers[1] : 10_000_000;
bool preferCpu = args.Contains("--cpu");
int geoipAt = Array.IndexOf(args, "--geoip");
string? geoipPath = geoipAt >= 0 && geoipAt + 1 < args.Length ? args[geoipAt + 1] : null;

Console.WriteLine($"Learned-index GPU check: {keyCount:N0} lognormal keys, {probeCount:N0} random probes (present and absent)");
var keys = KeySets.Lognormal(keyCount, 0);
var rng = new Random(1);
var probes = new ulong[probeCount];
for (int i = 0; i < probes.Length; i++) probes[i] = i % 4 == 3 ? keys[rng.Next(keys.Length)] + 1 : keys[rng.Next(keys.Length)];

var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.LogLinear, Math.Max(1024, keyCount / 64)));
var cubic = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.Cubic, Math.Max(1024, keyCount / 64)));
var bs = new BinarySearchIndex(keys);
var expected = new int[probeCount];
var cpuRmi = new int[probeCount];
bs.FindMany(probes, expected); // warm-up (JIT)
rmi.FindMany(probes, cpuRmi);
var cpu = Stopwatch.StartNew();
bs.FindMany(probes, expected);
double cpuBsNs = cpu.Elapsed.TotalNanoseconds / probeCount;
cpu.Restart();
rmi.FindMany(probes, cpuRmi);
double cpuRmiNs = cpu.Elapsed.TotalNanoseconds / probeCount;

using var gpu = new GpuLookup(keys, preferCpu);
var gpuBs = new int[probeCount];
var gpuRmi = new int[probeCount];
var gpuCubic = new int[probeCount];
double best(Func<TimeSpan> run) => Enumerable.Range(0, 5).Min(_ => run().TotalNanoseconds) / probeCount;
gpu.BinarySearch(probes, gpuBs); // warm-up: compiles the kernels
double gpuBsNs = best(() => gpu.BinarySearch(probes, gpuBs));
gpu.Load(rmi);
gpu.Rmi(probes, gpuRmi);
double gpuRmiNs = best(() => gpu.Rmi(probes, gpuRmi));
gpu.Load(cubic);
gpu.Rmi(probes, gpuCubic);
double gpuCubicNs = best(() => gpu.Rmi(probes, gpuCubic));

int Mismatches(int[] got) { int m = 0; for (int i = 0; i < got.Length; i++) if (got[i] != expected[i]) m++; return m; }
Console.WriteLine($"device: {gpu.DeviceName} ({(gpu.IsCuda ? "CUDA" : "ILGPU CPU accelerator")}); {rmi.Name}, {rmi.SizeBytes / 1024.0:0} KB, AvgLg2 {rmi.AvgLg2:0.00}; {cubic.Name}, AvgLg2 {cubic.AvgLg2:0.00}");
Console.WriteLine($"{"method",-34} {"ns/lookup",10} {"Mlookups/s",11} {"mismatches",11}");
void Row(string name, double ns, int[] got) => Console.WriteLine($"{name,-34} {ns,10:0.00} {1e3 / ns,11:0.0} {Mismatches(got),11}");
Row("CPU binary search (batched)", cpuBsNs, expected);
Row("CPU RMI log-linear (batched)", cpuRmiNs, cpuRmi);
Row("GPU binary search (kernel only)", gpuBsNs, gpuBs);
Row("GPU RMI log-linear (kernel only)", gpuRmiNs, gpuRmi);
Row("GPU RMI cubic (kernel only)", gpuCubicNs, gpuCubic);
bool ok = Mismatches(cpuRmi) == 0 && Mismatches(gpuBs) == 0 && Mismatches(gpuRmi) == 0 && Mismatches(gpuCubic) == 0;
Console.WriteLine(ok ? "CORRECT: every GPU answer equals the CPU lower bound" : "WRONG: see mismatches above");

// The CPU comparison of benchmark issue 5 on this machine's processor: one lookup at a time on one thread, random
// present keys, the RMI at a tenth of the page-128 B+tree's size (best of three roots), best of three passes.
Console.WriteLine();
Console.WriteLine("CPU, one lookup at a time, one thread, random present keys (ns/lookup, best of 3 passes; ratio = binary search / index)");
Console.WriteLine($"{"key set",-22} {"binary search",14} {"B+tree p128",12} {"RMI 1/10 B+tree",16} {"RMI vs BS",10} {"RMI size",10}");
void Compare(string name, ulong[] set)
{
    var present = new ulong[2_000_000];
    var r = new Random(2);
    for (int i = 0; i < present.Length; i++) present[i] = set[r.Next(set.Length)];
    var tree = new StaticBPlusTree(set, 128);
    var small = RmiChoice.BestRoot(set, RmiChoice.TenthOfBPlusTreeLeaves(set));
    double Time(ISortedIndex index)
    {
        double bestNs = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            long sum = 0;
            var watch = Stopwatch.StartNew();
            foreach (var key in present) sum += index.Find(key);
            bestNs = Math.Min(bestNs, watch.Elapsed.TotalNanoseconds / present.Length);
            GC.KeepAlive(sum); // keeps the loop's result alive
        }
        return bestNs;
    }
    double bsNs = Time(new BinarySearchIndex(set)), treeNs = Time(tree), rmiNs = Time(small);
    Console.WriteLine($"{name,-22} {bsNs,14:0.0} {treeNs,12:0.0} {rmiNs,16:0.0} {bsNs / rmiNs,9:0.00}x {small.SizeBytes / 1024.0,7:0.0} KB  ({small.Name}, B+tree {tree.SizeBytes / 1024.0:0} KB)");
}
Compare($"lognormal {keyCount:N0}", keys);
if (geoipPath is not null) Compare("geoip (tor)", KeySets.GeoIp(geoipPath));
return ok ? 0 : 1;
