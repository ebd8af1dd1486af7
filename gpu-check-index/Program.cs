using System.Diagnostics;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

// Usage: Workbench.GpuCheck.Index [keys = 10000000] [probes = 10000000] [--cpu]
int keyCount = args.Length > 0 && int.TryParse(args[0], out var k) ? k : 10_000_000;
int probeCount = args.Length > 1 && int.TryParse(args[1], out var p) ? p : 10_000_000;
bool preferCpu = args.Contains("--cpu");

Console.WriteLine($"Learned-index GPU check: {keyCount:N0} lognormal keys, {probeCount:N0} random probes (present and absent)");
var keys = KeySets.Lognormal(keyCount, 0);
var rng = new Random(1);
var probes = new ulong[probeCount];
for (int i = 0; i < probes.Length; i++) probes[i] = i % 4 == 3 ? keys[rng.Next(keys.Length)] + 1 : keys[rng.Next(keys.Length)];

var rmi = new RecursiveModelIndex(keys, new RmiOptions(RootModelKind.LogLinear, Math.Max(1024, keyCount / 64)));
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
gpu.Load(rmi);
var gpuBs = new int[probeCount];
var gpuRmi = new int[probeCount];
gpu.BinarySearch(probes, gpuBs); // warm-up: compiles the kernels
gpu.Rmi(probes, gpuRmi);
double best(Func<TimeSpan> run) => Enumerable.Range(0, 5).Min(_ => run().TotalNanoseconds) / probeCount;
double gpuBsNs = best(() => gpu.BinarySearch(probes, gpuBs));
double gpuRmiNs = best(() => gpu.Rmi(probes, gpuRmi));

int Mismatches(int[] got) { int m = 0; for (int i = 0; i < got.Length; i++) if (got[i] != expected[i]) m++; return m; }
Console.WriteLine($"device: {gpu.DeviceName} ({(gpu.IsCuda ? "CUDA" : "ILGPU CPU accelerator")}); RMI {rmi.Name}, {rmi.SizeBytes / 1024.0:0} KB, AvgLg2 {rmi.AvgLg2:0.00}");
Console.WriteLine($"{"method",-34} {"ns/lookup",10} {"Mlookups/s",11} {"mismatches",11}");
void Row(string name, double ns, int[] got) => Console.WriteLine($"{name,-34} {ns,10:0.00} {1e3 / ns,11:0.0} {Mismatches(got),11}");
Row("CPU binary search (batched)", cpuBsNs, expected);
Row("CPU RMI (batched)", cpuRmiNs, cpuRmi);
Row("GPU binary search (kernel only)", gpuBsNs, gpuBs);
Row("GPU RMI (kernel only)", gpuRmiNs, gpuRmi);
bool ok = Mismatches(cpuRmi) == 0 && Mismatches(gpuBs) == 0 && Mismatches(gpuRmi) == 0;
Console.WriteLine(ok ? "CORRECT: every GPU answer equals the CPU lower bound" : "WRONG: see mismatches above");
return ok ? 0 : 1;
