using Workbench.Runs;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// The one lock around libtorch's global random generator. Building a module draws its initial weights from that
/// generator, so seeding and building must not interleave with another thread's: under this lock, runs trained side by
/// side (two papers in one process, or <c>WORKBENCH_PARALLEL_RUNS</c>) get exactly the numbers they get one after the
/// other.
/// </summary>
public static class TorchRandom
{
    static readonly object GeneratorLock = new();

    /// <summary>
    /// Seeds torch's generator with <see cref="Seeds.Derive"/>(<paramref name="seed"/>, <paramref name="purpose"/>) and builds
    /// <paramref name="build"/> under the generator lock (PyTorch's default initialisation, reproducibly).
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="purpose">What is drawn, e.g. "init" or "reinit:3": different purposes give independent draws.</param>
    /// <param name="build">Creates the module (or a tuple of modules); runs while the lock is held.</param>
    public static T Build<T>(int seed, string purpose, Func<T> build) => BuildWithSeed(Seeds.Derive(seed, purpose), build);

    /// <summary>As <see cref="Build{T}"/>, with the generator seed given directly.</summary>
    public static T BuildWithSeed<T>(long generatorSeed, Func<T> build)
    {
        TorchSetup.Initialize();
        lock (GeneratorLock)
        {
            // manual_seed hands back a new wrapper of the global generator: disposed here, not by the finalizer.
            using var generator = random.manual_seed(generatorSeed);
            return Owned(build);
        }
    }

    /// <summary>
    /// Runs <paramref name="build"/> inside a dispose scope and keeps only the parameters and buffers of the modules it
    /// returns (a module, or a tuple of modules). Some TorchSharp constructors (Conv2d's, for one) leave a temporary
    /// tensor with native storage behind, which would otherwise be freed by the finalizer.
    /// </summary>
    static T Owned<T>(Func<T> build)
    {
        using var scope = NewDisposeScope();
        var built = build();
        IEnumerable<object?> parts = built is System.Runtime.CompilerServices.ITuple tuple
            ? Enumerable.Range(0, tuple.Length).Select(i => tuple[i]) : [built];
        foreach (var module in parts.OfType<nn.Module>())
        {
            foreach (var p in module.parameters()) p.DetachFromDisposeScope();
            foreach (var b in module.buffers()) b.DetachFromDisposeScope();
        }
        return built;
    }

    /// <summary>
    /// Builds something whose random draws do not matter (a network built only to read its shapes) without disturbing a
    /// seeded build on another thread.
    /// </summary>
    public static T BuildUnseeded<T>(Func<T> build)
    {
        TorchSetup.Initialize();
        lock (GeneratorLock) return Owned(build);
    }
}
