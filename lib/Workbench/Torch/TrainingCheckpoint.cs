using Workbench.Runs;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// Checkpoints of a training loop: the model and optimizer in a binary file named by the step (<c>ckpt-&lt;step&gt;.bin</c>),
/// written before the run's checkpoint record that points to it — with the loop's own small state — so a kill at any
/// moment leaves a consistent pair. Used by <see cref="SupervisedTraining{TState}"/> and by loops of their own shape.
/// </summary>
public static class TrainingCheckpoint
{
    // A checkpoint written by another version of the loops is not ours to read: it is recognised and skipped.
    const string Magic = "workbench-checkpoint-1";

    /// <summary>The checkpoint record: the binary file and the loop's own state.</summary>
    /// <param name="File">The binary file holding model and optimizer.</param>
    /// <param name="State">The loop's state (a small JSON-serialisable record).</param>
    public sealed record Pointer<TState>(string File, TState State);

    /// <summary>Saves model, optimizer and <paramref name="state"/> after <paramref name="step"/> steps; older files are removed.</summary>
    public static void Save<TState>(RunContext context, long step, nn.Module model, Optimizer optimizer, TState state)
    {
        string file = $"ckpt-{step}.bin";
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                model.save(writer);
                optimizer.Save(writer);
            }
            AtomicFile.WriteAllBytes(Path.Combine(context.Directory, file), buffer.ToArray());
        }
        context.Checkpoint(step, new Pointer<TState>(file, state));
        foreach (var old in Directory.EnumerateFiles(context.Directory, "ckpt-*.bin").Where(f => Path.GetFileName(f) != file))
            File.Delete(old);
    }

    /// <summary>
    /// Restores model and optimizer from the run's last checkpoint and returns its step and state; returns false (start
    /// from step 0, the run's restored metrics dropped) when there is none or it was written by another version.
    /// </summary>
    public static bool TryResume<TState>(RunContext context, nn.Module model, Optimizer optimizer, out long step, out TState state)
    {
        state = default!;
        if (!context.TryResume<Pointer<TState>>(out step, out var pointer)) return false;
        string path = Path.Combine(context.Directory, pointer.File);
        using (var reader = File.Exists(path) ? new BinaryReader(File.OpenRead(path)) : null)
        {
            if (reader is null || !HasMagic(reader))
            {
                context.Restart();
                step = 0;
                return false;
            }
            model.load(reader);
            optimizer.Load(reader);
        }
        state = pointer.State;
        return true;
    }

    /// <summary>Removes the run's checkpoint files (after its last step).</summary>
    public static void DeleteFiles(RunContext context)
    {
        foreach (var old in Directory.EnumerateFiles(context.Directory, "ckpt-*.bin")) File.Delete(old);
    }

    static bool HasMagic(BinaryReader reader)
    {
        try { return reader.ReadString() == Magic; }
        catch (Exception e) when (e is EndOfStreamException or IOException) { return false; }
    }
}
