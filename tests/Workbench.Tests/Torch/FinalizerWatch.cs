using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using TorchSharp;

namespace Workbench.Tests.Torch;

/// <summary>
/// Counts TorchSharp objects that reach the .NET finalizer while still owning native memory — the objects whose
/// finalizer calls into libtorch on the finalizer thread, possibly while the training thread is inside a native call
/// that uses them.
/// </summary>
/// <remarks>
/// Two sources, because no single one sees everything:
/// <list type="bullet">
/// <item>The runtime's own <c>FinalizeObject</c> GC events (keyword GC, level verbose), whose type id is the method-table
/// pointer, matched against every class of TorchSharp's assembly. This sees objects TorchSharp creates internally, such
/// as the implicit <c>Scalar</c> behind <c>tensor.add_(other)</c>, and <c>Generator</c>s.</item>
/// <item>For tensors (and parameters), TorchSharp's own dispose statistics on the finalizer thread: a tensor's finalizer
/// counts itself there only when it still holds a native handle. TorchSharp's module constructors abandon empty
/// shells (a <c>Tensor</c> whose handle moved into a <c>Parameter</c>, a zero <c>BoxedModule</c> and their
/// <c>HType</c> handles); their finalizers do nothing native, so they are listed as shells, not counted as hazards.
/// Modules' own finalizers are no-ops in TorchSharp 0.107 (an undisposed module leaks rather than races).</item>
/// </list>
/// </remarks>
public sealed class FinalizerWatch : EventListener
{
    static readonly Dictionary<ulong, Type> TorchTypes = typeof(torch).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, ContainsGenericParameters: false })
        .ToDictionary(t => (ulong)(long)t.TypeHandle.Value, t => t);

    readonly ConcurrentDictionary<string, long> _byType = new();
    readonly long _liveTensorsAtStart;
    volatile bool _open;

    /// <summary>Drains finalizers left by earlier work, then starts counting.</summary>
    public FinalizerWatch()
    {
        _liveTensorsAtStart = FinalizedTensorsWithStorage();
        _open = true;
    }

    /// <summary>Collects, runs pending finalizers, waits for their events, stops counting and returns the hazards by type.</summary>
    public IReadOnlyDictionary<string, long> Stop()
    {
        long tensors = FinalizedTensorsWithStorage() - _liveTensorsAtStart;
        Thread.Sleep(1_500); // runtime events reach in-process listeners through a dispatch thread, with a short delay
        _open = false;
        var hazards = _byType.Where(kv => IsHazard(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        if (tensors > 0) hazards["Tensor with native storage"] = tensors;
        return hazards;
    }

    /// <summary>Empty shells finalized so far (informational; see remarks).</summary>
    public IReadOnlyDictionary<string, long> Shells => _byType.Where(kv => !IsHazard(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>One line such as "Scalar × 8700, Generator × 3", or "none".</summary>
    public static string Describe(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} × {c.Value}"));

    static readonly HashSet<string> ShellTypes = ["Tensor", "Parameter", "HType", "BoxedModule"];

    bool IsHazard(string typeName) => !ShellTypes.Contains(typeName) && !_modules.Contains(typeName);

    readonly HashSet<string> _modules = [.. TorchTypes.Values.Where(t => typeof(torch.nn.Module).IsAssignableFrom(t)).Select(t => t.Name)];

    /// <summary>
    /// Tensors finalized with a live handle since the process started: TorchSharp's dispose statistics of the finalizer
    /// thread, read by an object whose finalizer runs there.
    /// </summary>
    static long FinalizedTensorsWithStorage()
    {
        for (int i = 0; i < 2; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        using var done = new ManualResetEventSlim();
        long count = -1;
        Probe.Plant(value => { count = value; done.Set(); });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!done.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("the finalizer-thread probe did not run");
        return count;
    }

    sealed class Probe(Action<long> report)
    {
        public static void Plant(Action<long> report) => _ = new Probe(report);

        ~Probe()
        {
            var statistics = DisposeScopeManager.Statistics.TensorStatistics;
            report(statistics.DisposedOutsideScopeCount + statistics.DisposedInScopeCount);
        }
    }

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_open || e.EventName != "FinalizeObject" || e.Payload is not { Count: > 0 } payload) return;
        ulong typeId = payload[0] switch { IntPtr p => (ulong)(long)p, UIntPtr p => (ulong)p, ulong u => u, long l => (ulong)l, _ => 0 };
        if (TorchTypes.TryGetValue(typeId, out var type)) _byType.AddOrUpdate(type.Name, 1, (_, c) => c + 1);
    }
}

/// <summary>A background thread that forces full garbage collections and runs finalizers in a loop until disposed.</summary>
public sealed class GcStress : IDisposable
{
    readonly Thread _thread;
    volatile bool _stop;

    /// <summary>Starts the thread.</summary>
    public GcStress()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Collections++;
            }
        }) { IsBackground = true, Name = "gc-stress" };
        _thread.Start();
    }

    /// <summary>Collections forced so far.</summary>
    public long Collections { get; private set; }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
