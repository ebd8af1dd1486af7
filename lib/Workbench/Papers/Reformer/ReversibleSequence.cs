using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Reformer;

/// <summary>
/// Reversible residual layers (Gomez et al. 2017; Reformer Sec. 3): y₁ = x₁ + F(x₂), y₂ = x₂ + G(y₁), inverted as
/// x₂ = y₂ − G(y₁), x₁ = y₁ − F(x₂). <see cref="Apply"/> runs the stack without recording anything and keeps only its
/// output; the backward pass walks the layers from the top, reconstructs each layer's input from its output and
/// recomputes F and G (G chunk by chunk) with the same per-layer seeds — hence the same LSH buckets and dropout masks
/// as the forward pass — to get the input gradients and accumulate the parameter gradients. Activation memory is then
/// that of one layer, whatever the depth. <see cref="Plain"/> is the same function under ordinary autograd.
/// </summary>
public static class ReversibleSequence
{
    /// <summary>The stack under ordinary autograd (every activation stored).</summary>
    public static (Tensor Y1, Tensor Y2) Plain(Tensor x1, Tensor x2, IReadOnlyList<(AttentionBranch F, FeedForwardBranch G)> layers,
        AttentionMode mode, long[] seeds)
    {
        using var scope = NewDisposeScope();
        for (int l = 0; l < layers.Count; l++)
        {
            x1 = x1.add(layers[l].F.Apply(x2, mode, seeds[l]), Scalars.One);
            x2 = x2.add(layers[l].G.Apply(x1, seeds[l]), Scalars.One);
        }
        return (x1.MoveToOuterDisposeScope(), x2.MoveToOuterDisposeScope());
    }

    /// <summary>The stack with recomputation in the backward pass (see the class summary).</summary>
    public static (Tensor Y1, Tensor Y2) Apply(Tensor x1, Tensor x2, IReadOnlyList<(AttentionBranch F, FeedForwardBranch G)> layers,
        AttentionMode mode, long[] seeds)
    {
        if (!is_grad_enabled() || !(x1.requires_grad || x2.requires_grad)) return Plain(x1, x2, layers, mode, seeds);
        var outputs = Function.apply(x1, x2, new State(layers, mode, seeds));
        return (outputs[0], outputs[1]);
    }

    sealed record Outputs(Tensor Y1, Tensor Y2);

    sealed record State(IReadOnlyList<(AttentionBranch F, FeedForwardBranch G)> Layers, AttentionMode Mode, long[] Seeds);

    sealed class Function : autograd.MultiTensorFunction<Function>
    {
        public override string Name => nameof(ReversibleSequence);

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var state = (State)vars[2];
            Tensor y1, y2;
            using (no_grad())
            {
                (y1, y2) = Plain((Tensor)vars[0], (Tensor)vars[1], state.Layers, state.Mode, state.Seeds);
            }
            ctx.save_data("state", state);
            // The outputs, kept outside every dispose scope until the backward pass has used them (it disposes them).
            // (in a holder: TorchSharp warns about tensors saved as data, which it would not keep alive past a scope).
            ctx.save_data("outputs", new Outputs(y1.detach().DetachFromDisposeScope(), y2.detach().DetachFromDisposeScope()));
            return [y1, y2];
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
        {
            var state = (State)ctx.get_data("state");
            var outputs = (Outputs)ctx.get_data("outputs");
            using var savedY1 = outputs.Y1;
            using var savedY2 = outputs.Y2;
            var (y1, y2) = (savedY1, savedY2);
            var dy1 = gradOutputs[0];
            var dy2 = gradOutputs[1];
            for (int l = state.Layers.Count - 1; l >= 0; l--)
            {
                // Each layer's temporaries die with its scope: only its input and input gradient move on, and the
                // previous layer's (replaced) ones are released, so backward memory stays that of one layer.
                using var layerScope = NewDisposeScope();
                var (f, g) = state.Layers[l];
                long seed = state.Seeds[l];
                // Undo G chunk by chunk: x₂ = y₂ − G(y₁); dL/dy₁ gains G's input gradient; G's parameters accumulate.
                var gParts = new List<Tensor>();
                var gradParts = new List<Tensor>();
                foreach (var (start, length) in g.ChunkRanges(y1.shape[1]))
                {
                    var chunk = y1.narrow(1, start, length).detach().requires_grad_(true);
                    using (enable_grad())
                    {
                        var gy = g.ApplyChunk(chunk, seed, start);
                        gy.backward([dy2.narrow(1, start, length)]);
                        gParts.Add(gy.detach());
                    }
                    gradParts.Add(chunk.grad!.clone());
                }
                Tensor x2, dx1;
                using (no_grad())
                {
                    x2 = y2.sub(gParts.Count == 1 ? gParts[0] : cat(gParts, 1));
                    dx1 = dy1.add(gradParts.Count == 1 ? gradParts[0] : cat(gradParts, 1), Scalars.One);
                }
                // Undo F: x₁ = y₁ − F(x₂); dL/dx₂ = dL/dy₂ + F's input gradient.
                var x2Leaf = x2.detach().requires_grad_(true);
                Tensor fx;
                using (enable_grad())
                {
                    var fOut = f.Apply(x2Leaf, state.Mode, seed);
                    fOut.backward([dx1]);
                    fx = fOut.detach();
                }
                Tensor x1, dx2;
                using (no_grad())
                {
                    x1 = y1.sub(fx);
                    dx2 = dy2.add(x2Leaf.grad!, Scalars.One);
                }
                var next = (x1.MoveToOuterDisposeScope(), x2Leaf.detach().MoveToOuterDisposeScope(), dx1.MoveToOuterDisposeScope(),
                    dx2.MoveToOuterDisposeScope());
                if (l < state.Layers.Count - 1)
                    foreach (var old in new[] { y1, y2, dy1, dy2 }) old.Dispose();
                (y1, y2, dy1, dy2) = next;
            }
            return [dy1, dy2, null!];
        }
    }
}
