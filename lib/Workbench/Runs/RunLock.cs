using System.Text.Json;

namespace Workbench.Runs;

/// <summary>
/// The cross-process lock of one run folder: an exclusive lock on <c>&lt;run&gt;/lock</c>, held by an open file
/// (.NET takes <c>flock(LOCK_EX)</c> for <see cref="FileShare.None"/> on Linux and macOS, a sharing lock on Windows).
/// The operating system drops it when the holder exits or is killed, so a lock left by a dead process never blocks;
/// on NFS the Linux client maps it to a POSIX lock that other nodes see. The holder's host, pid and start time are
/// written beside it (<c>lock.owner</c>) for the message of whoever waits.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file inside a run folder.</summary>
    public const string FileName = "lock";

    /// <summary>Who holds a lock, written by the holder.</summary>
    /// <param name="Host">Machine name.</param>
    /// <param name="Pid">Process id on that machine.</param>
    /// <param name="SinceUtc">When it took the lock.</param>
    public sealed record Owner(string Host, int Pid, DateTime SinceUtc)
    {
        /// <inheritdoc/>
        public override string ToString() => $"process {Pid} on {Host} since {SinceUtc:HH:mm:ss} UTC";
    }

    readonly FileStream _stream;

    RunLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock if nobody holds it; null when another process (or another stream here) holds it.</summary>
    public static RunLock? TryAcquire(string runDirectory) => TryAcquire(runDirectory, writeOwner: true);

    static RunLock? TryAcquire(string runDirectory, bool writeOwner)
    {
        Directory.CreateDirectory(runDirectory);
        try
        {
            var stream = new FileStream(Path.Combine(runDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite,
                FileShare.None);
            if (writeOwner)
            {
                var owner = new Owner(Environment.MachineName, Environment.ProcessId, DateTime.UtcNow);
                AtomicFile.WriteAllText(Path.Combine(runDirectory, OwnerFile), JsonSerializer.Serialize(owner));
            }
            return new RunLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the lock, waiting while another process holds it; <paramref name="waiting"/> is called once, with the
    /// holder (when it wrote who it is), before the first wait.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static RunLock Acquire(string runDirectory, Action<Owner?>? waiting = null, CancellationToken cancellation = default)
    {
        bool told = false;
        while (true)
        {
            if (TryAcquire(runDirectory) is { } taken) return taken;
            if (!told)
            {
                waiting?.Invoke(ReadOwner(runDirectory));
                told = true;
            }
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200));
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>True when some process holds the run's lock right now (the run is being computed).</summary>
    public static bool IsHeld(string runDirectory)
    {
        if (!File.Exists(Path.Combine(runDirectory, FileName))) return false;
        using var probe = TryAcquire(runDirectory, writeOwner: false); // a probe leaves the last holder's name alone
        return probe is null;
    }

    /// <summary>The last holder that wrote its name, if any.</summary>
    public static Owner? ReadOwner(string runDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<Owner>(File.ReadAllText(Path.Combine(runDirectory, OwnerFile)));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    const string OwnerFile = "lock.owner";

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
