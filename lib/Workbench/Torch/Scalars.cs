using System.Collections.Concurrent;
using TorchSharp;

namespace Workbench.Torch;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s that live as long as the process, for the constants of a training step
/// (learning rate, betas, ε, the alpha of an addition).
/// </summary>
/// <remarks>
/// Why: TorchSharp turns every .NET number passed to a tensor operation into a native <see cref="Scalar"/> and also
/// creates one for default arguments (<c>a.add_(b)</c> calls <c>add_(b, alpha: 1)</c>). It passes the raw handle to
/// libtorch and never keeps the managed object alive during the call, so a garbage collection started by another
/// thread can run the scalar's finalizer, which frees the native scalar while libtorch still reads it
/// (<c>Expected false to be true … toDouble at c10/core/Scalar.h:140</c>; TorchSharp PRs #1434 and #1496 are the
/// upstream fix, unmerged in 0.107). A scalar held here is never finalized, so such a call is safe. Use it for
/// values from a small fixed set only; a value that changes every step (a bias correction, a scheduled learning
/// rate) is created with <c>using var s = value.ToScalar();</c>, which keeps it alive until the end of the block.
/// </remarks>
public static class Scalars
{
    static readonly ConcurrentDictionary<(long Bits, bool Integral), Scalar> Held = new();

    /// <summary>The float64 scalar <paramref name="value"/>, created once per process.</summary>
    public static Scalar Of(double value) => Held.GetOrAdd((BitConverter.DoubleToInt64Bits(value), false), key =>
    {
        TorchSetup.Initialize();
        return BitConverter.Int64BitsToDouble(key.Bits).ToScalar();
    });

    /// <summary>The int64 scalar <paramref name="value"/>, created once per process (as TorchSharp makes default alphas).</summary>
    public static Scalar Of(long value) => Held.GetOrAdd((value, true), key =>
    {
        TorchSetup.Initialize();
        return key.Bits.ToScalar();
    });

    /// <summary>The int64 scalar 1: the alpha TorchSharp would otherwise create for <c>add</c>, <c>add_</c> and <c>sub</c>.</summary>
    public static Scalar One => Of(1L);
}
