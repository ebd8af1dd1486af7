using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// Base of the workbench's optimizers: the update rules of PyTorch's (and TorchSharp's) Adam and SGD, operation for
/// operation, so they give bit-identical numbers, but written so that nothing they create reaches the .NET finalizer:
/// constants are held <see cref="Scalar"/>s (see <see cref="Scalars"/>), per-step scalars are disposed at the end of the
/// step, and every temporary tensor lives in a dispose scope around the step. TorchSharp's own <c>optim.Adam</c> and
/// <c>optim.SGD</c> pass fresh implicit scalars to libtorch on every step, which a concurrent garbage collection can
/// free mid-call.
/// </summary>
public abstract class Optimizer : IDisposable
{
    /// <summary>Takes the parameters to update (in a fixed order: their state is saved in that order).</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        Parameters = [.. parameters];
        if (Parameters.Count == 0) throw new ArgumentException("The optimizer got no parameters to update.");
        if (!(learningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate {learningRate} is out of range: it must be > 0.");
        LearningRate = learningRate;
    }

    /// <summary>The parameters it updates.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Step size (may be changed between steps by a schedule).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far (restored by <see cref="Load"/>).</summary>
    public long Steps { get; protected set; }

    /// <summary>Sets every gradient to zero, as PyTorch's <c>zero_grad(set_to_none=False)</c>.</summary>
    public void zero_grad()
    {
        using var scope = NewDisposeScope();
        foreach (var p in Parameters) p.grad?.zero_();
    }

    /// <summary>One update of every parameter that has a gradient, under <c>no_grad</c> and a dispose scope.</summary>
    public void step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Steps++;
        Update();
    }

    /// <summary>The update rule; runs inside <see cref="step"/>'s no-grad dispose scope.</summary>
    protected abstract void Update();

    /// <summary>The optimizer's state tensors, in a fixed order (created lazily where the rule does so).</summary>
    protected abstract IEnumerable<Tensor?> State();

    /// <summary>Replaces the state tensors from <paramref name="saved"/> (same order as <see cref="State"/>; null = absent).</summary>
    protected abstract void Restore(IReadOnlyList<Tensor?> saved);

    /// <summary>Writes the step count and every state tensor.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Steps);
        var state = State().ToList();
        writer.Write(state.Count);
        foreach (var t in state)
        {
            writer.Write(t is not null);
            t?.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        Steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        var saved = new Tensor?[count];
        // Tensor.Load reads into CPU memory; the state lives where the parameters do (TorchSetup.Device).
        var device = Parameters.Count > 0 ? Parameters[0].device : CPU;
        using (no_grad())
            for (int i = 0; i < count; i++)
            {
                if (!reader.ReadBoolean()) continue;
                var loaded = Tensor.Load(reader);
                if (device.type == DeviceType.CPU) saved[i] = loaded.DetachFromDisposeScope();
                else
                {
                    saved[i] = loaded.to(device).DetachFromDisposeScope();
                    loaded.Dispose();
                }
            }
        Restore(saved);
    }

    /// <summary>Disposes the state tensors.</summary>
    public void Dispose()
    {
        foreach (var t in State()) t?.Dispose();
        GC.SuppressFinalize(this);
    }
}
