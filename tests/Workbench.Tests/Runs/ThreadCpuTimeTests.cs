using System.Diagnostics;
using Workbench.Runs;

namespace Workbench.Tests.Runs;

public class ThreadCpuTimeTests
{
    static void SpinFor(double cpuMs)
    {
        double start = ThreadCpuTime.Milliseconds();
        double sink = 0;
        while (ThreadCpuTime.Milliseconds() - start < cpuMs) sink += Math.Sqrt(sink + 1);
        GC.KeepAlive(sink);
    }

    [Fact]
    public void Counts_this_threads_work_but_not_sleep_nor_other_threads()
    {
        Assert.True(ThreadCpuTime.Available == (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()));
        if (!ThreadCpuTime.Available)
        {
            Assert.True(double.IsNaN(ThreadCpuTime.Milliseconds()));
            return;
        }
        // Work on this thread: the thread clock cannot run faster than the wall clock.
        var wall = Stopwatch.StartNew();
        double busy = ThreadCpuTime.Measure(() => SpinFor(30));
        Assert.InRange(busy, 30, wall.Elapsed.TotalMilliseconds + 1);
        // Sleeping, and waiting while another thread works, add (almost) nothing.
        Assert.InRange(ThreadCpuTime.Measure(() => Thread.Sleep(100)), 0, 5);
        var other = new Thread(() => SpinFor(50));
        Assert.InRange(ThreadCpuTime.Measure(() =>
        {
            other.Start();
            other.Join();
        }), 0, 5);
    }
}
