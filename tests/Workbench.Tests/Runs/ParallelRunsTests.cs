using System.Collections.Concurrent;
using Workbench.Runs;

namespace Workbench.Tests.Runs;

public sealed class ParallelRunsTests
{
    [Fact]
    public void Results_come_back_in_item_order_and_the_most_expensive_items_start_first()
    {
        int[] costs = [1, 9, 3, 8, 2, 7, 5];
        var started = new ConcurrentQueue<int>();
        var results = ParallelRuns.Map(costs, c =>
        {
            started.Enqueue(c);
            Thread.Sleep(10 * c);
            return c * 10;
        }, cost: c => c);

        Assert.Equal(costs.Select(c => c * 10), results);
        int lanes = Math.Min(ParallelRuns.Count, costs.Length);
        var expectedFirst = costs.OrderByDescending(c => c).Take(lanes).Order();
        Assert.Equal(expectedFirst, started.Take(lanes).Order());
        Assert.Equal(costs.Order(), started.Order());
    }

    [Fact]
    public void A_failure_stops_new_items_from_starting_and_is_thrown()
    {
        var ran = new ConcurrentBag<int>();
        var error = Assert.ThrowsAny<Exception>(() => ParallelRuns.Map([.. Enumerable.Range(0, 20)], i =>
        {
            ran.Add(i);
            if (i == 0) throw new InvalidOperationException("run 0 failed");
            Thread.Sleep(20);
            return i;
        }));

        // Several lanes throw an AggregateException; one lane (WORKBENCH_PARALLEL_RUNS=1) the failure itself.
        var failures = error is AggregateException many ? many.InnerExceptions : [error];
        Assert.Contains(failures, e => e.Message == "run 0 failed");
        Assert.True(ran.Count < 20, $"{ran.Count} of 20 items ran after the first one failed");
    }
}
