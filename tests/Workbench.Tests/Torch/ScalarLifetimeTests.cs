using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Torch;

/// <summary>
/// The minimal reproduction of issue #9, kept as a test of the kind. Dividing a tensor by a double and adding a double
/// in place, in a dispose scope, while another thread forces collections, fails inside libtorch after ~10,000
/// operations (<c>toDouble at c10/core/Scalar.h:140</c>): TorchSharp turns each double — and the default alpha of
/// <c>add_</c> — into a native Scalar that nothing keeps alive during the call. With held scalars it runs clean.
/// </summary>
[Collection(nameof(GcSensitive))]
public sealed class ScalarLifetimeTests
{
    [Fact]
    public void Held_scalars_survive_forced_collections_where_implicit_ones_are_finalized()
    {
        TorchSetup.Initialize();
        using var x = randn(64);
        var watch = new FinalizerWatch();
        using (var stress = new GcStress())
        {
            for (int i = 0; i < 40_000; i++)
            {
                using var scope = NewDisposeScope();
                x.div(Scalars.Of(3.0)).add_(Scalars.Of(1e-3), Scalars.One);
            }
            Assert.True(stress.Collections > 10, $"the GC stress thread only ran {stress.Collections} collections");
        }
        var held = watch.Stop();
        watch.Dispose();
        Assert.True(held.Count == 0, $"held scalars reached the finalizer: {FinalizerWatch.Describe(held)}");

        // The same operations written the idiomatic way leave two scalars per iteration to the finalizer — the hazard the
        // watch must see. (No GC thread here: the scalars are only finalized after the loop, so nothing can crash.)
        var implicitWatch = new FinalizerWatch();
        for (int i = 0; i < 500; i++)
        {
            using var scope = NewDisposeScope();
            x.div(3.0).add_(1e-3);
        }
        var implicitScalars = implicitWatch.Stop();
        implicitWatch.Dispose();
        Assert.True(implicitScalars.GetValueOrDefault("Scalar") >= 1_000,
            $"expected ≥ 1,000 finalized implicit scalars, saw {FinalizerWatch.Describe(implicitScalars)}");
    }
}
