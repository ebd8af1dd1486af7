using Workbench.Runs;

namespace Workbench.Papers.LotteryTicket;

/// <summary>
/// Trains a growing set of runs on <see cref="ParallelRuns.Count"/> threads, most urgent first: a job may hand back the
/// jobs it unlocks (round r of a ticket chain unlocks round r + 1 and the controls at round r). With three seeds on two
/// cores, mapping over seeds leaves one core idle for a whole chain; this keeps both busy until the last run.
/// Every run is deterministic whatever the schedule, so the order only changes the wall time.
/// </summary>
internal static class RunQueue
{
    /// <summary>One run to train; lower <paramref name="Priority"/> goes first, then first come first served.</summary>
    internal sealed record Job(int Priority, Func<IEnumerable<Job>> Run);

    /// <summary>Runs <paramref name="initial"/> and every job they unlock; rethrows the first failure.</summary>
    public static void Drain(IEnumerable<Job> initial, CancellationToken cancellation)
    {
        var ready = new PriorityQueue<Job, (int, long)>();
        long order = 0;
        int running = 0;
        Exception? failure = null;
        var gate = new object();
        foreach (var job in initial) ready.Enqueue(job, (job.Priority, order++));

        void Work()
        {
            while (true)
            {
                Job job;
                lock (gate)
                {
                    while (ready.Count == 0 && running > 0 && failure is null) Monitor.Wait(gate);
                    if (failure is not null || ready.Count == 0) { Monitor.PulseAll(gate); return; }
                    job = ready.Dequeue();
                    running++;
                }
                try
                {
                    cancellation.ThrowIfCancellationRequested();
                    var unlocked = job.Run().ToList();
                    lock (gate) foreach (var next in unlocked) ready.Enqueue(next, (next.Priority, order++));
                }
                catch (Exception e)
                {
                    lock (gate) failure ??= e;
                }
                finally
                {
                    lock (gate) { running--; Monitor.PulseAll(gate); }
                }
            }
        }

        var threads = Enumerable.Range(0, Math.Max(1, ParallelRuns.Count)).Select(_ => new Thread(Work)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
