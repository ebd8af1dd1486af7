using Workbench.GpuCheck.Families;

namespace Workbench.GpuCheck;

/// <summary>The registry: every kernel family the program checks, in the order <c>gpu-check all</c> runs them.</summary>
public static class GpuCheckFamilies
{
    /// <summary>All families. A new paper's GPU kernels add one <see cref="IGpuCheckFamily"/> class and one entry here.</summary>
    public static IReadOnlyList<IGpuCheckFamily> All { get; } =
    [
        new SoftSortCheck(),
        new LearnedIndexCheck(),
        new RangeImageCheck(),
    ];

    /// <summary>The family whose subcommand is <paramref name="name"/>, or null.</summary>
    public static IGpuCheckFamily? Find(string name) =>
        All.FirstOrDefault(family => string.Equals(family.Name, name, StringComparison.OrdinalIgnoreCase));
}
