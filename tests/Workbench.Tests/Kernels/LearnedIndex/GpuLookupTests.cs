using Workbench.Data;
using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

/// <summary>The ILGPU kernels on ILGPU's CPU accelerator must answer exactly as the CPU paths do.</summary>
public class GpuLookupTests
{
    [Theory]
    [InlineData(RootModelKind.Linear)]
    [InlineData(RootModelKind.LogLinear)]
    [InlineData(RootModelKind.Cubic)]
    public void Gpu_kernels_equal_the_cpu_paths_on_the_cpu_accelerator(RootModelKind root)
    {
        int seed = Random.Shared.Next();
        var keys = KeySets.Lognormal(20_000, seed);
        var rmi = new RecursiveModelIndex(keys, new RmiOptions(root, 300));
        var probes = LowerBoundIndexTests.Probes(keys, new Random(seed), 500);
        using var gpu = new GpuLookup(keys, preferCpu: true);
        gpu.Load(rmi);
        var viaBinary = new int[probes.Length];
        var viaRmi = new int[probes.Length];
        gpu.BinarySearch(probes, viaBinary);
        gpu.Rmi(probes, viaRmi);
        for (int i = 0; i < probes.Length; i++)
        {
            int expected = LowerBound.Reference(keys, probes[i]);
            Assert.True(viaBinary[i] == expected,
                $"GPU binary search, seed {seed}: probe {probes[i]} → {viaBinary[i]}, expected {expected}");
            Assert.True(viaRmi[i] == expected && rmi.Find(probes[i]) == expected,
                $"GPU RMI ({root}), seed {seed}: probe {probes[i]} → {viaRmi[i]}, expected {expected}");
        }
        Assert.False(gpu.IsCuda);
    }
}
