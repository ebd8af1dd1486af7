using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// Tensors that many runs of one process read and none writes (datasets as tensors), built once per key under a lock,
/// detached from every dispose scope and kept for the life of the process — so they are never freed by a dispose scope
/// while another run reads them, and never reach the finalizer.
/// </summary>
public static class TensorCache
{
    static readonly Dictionary<string, Tensor[]> Entries = [];

    /// <summary>The tensors cached under <paramref name="key"/>, built by <paramref name="build"/> the first time.</summary>
    /// <param name="key">What the tensors are, e.g. "fashion-mnist/test".</param>
    /// <param name="build">Creates the tensors (inside a dispose scope: temporaries it makes are freed).</param>
    /// <returns>The cached tensors; callers must not modify or dispose them.</returns>
    public static IReadOnlyList<Tensor> Get(string key, Func<Tensor[]> build)
    {
        lock (Entries)
        {
            if (Entries.TryGetValue(key, out var cached)) return cached;
            TorchSetup.Initialize();
            using var scope = NewDisposeScope();
            var tensors = build();
            foreach (var t in tensors) t.DetachFromDisposeScope();
            Entries[key] = tensors;
            return tensors;
        }
    }
}
