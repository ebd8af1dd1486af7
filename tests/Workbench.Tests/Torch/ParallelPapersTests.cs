using Workbench.Papers.LotteryTicket;
using Workbench.Papers.Tour;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Tests.Torch;

/// <summary>
/// Issue #10: two different papers training side by side give bit-identical numbers to the same runs one after the
/// other — seeding and module construction share one generator lock (<see cref="TorchRandom"/>), and each run sets its
/// own intra-op thread count.
/// </summary>
public sealed class ParallelPapersTests
{
    static (double, double) Tour(string dir, int seed)
    {
        var config = new TourRun { Steps = 60, TrainImages = 2_000, Hidden = 32, EvalEvery = 30, CheckpointEvery = 1_000, Seed = seed };
        var result = TourTrainer.Train(config, new RunContext(dir, "tour", null, CancellationToken.None, []));
        return (result.TestAccuracy, result.TestLoss);
    }

    static (double, double, long) Lottery(string dir, int seed)
    {
        var run = new LotteryRun { Iterations = 60, EvalEvery = 20, ValidationImages = 500, Seed = seed };
        var net = Trainer.Initial(run.Model, seed);
        var masks = net.Layers.Select(l => Enumerable.Repeat(1f, (int)l.Weight.numel()).ToArray()).ToArray();
        var result = Trainer.Train(run, net, masks, new RunContext(dir, "lottery", null, CancellationToken.None, []),
            checkpointEvery: 1_000);
        return (result.FinalTestAccuracy, result.MinValidationLoss, result.EarlyStopIteration);
    }

    [Fact]
    public async Task Tour_and_Lottery_Ticket_side_by_side_match_the_same_runs_in_series()
    {
        TorchSetup.Initialize();
        using var temp = new TempFolder();
        string Dir(string name) => Directory.CreateDirectory(Path.Combine(temp.Path, name)).FullName;

        var tourSerial = Tour(Dir("tour-serial"), 3);
        var lotterySerial = Lottery(Dir("lottery-serial"), 4);

        var tourTask = Task.Run(() => Tour(Dir("tour-parallel"), 3));
        var lotteryTask = Task.Run(() => Lottery(Dir("lottery-parallel"), 4));
        await Task.WhenAll(tourTask, lotteryTask);

        Assert.Equal(tourSerial, await tourTask);
        Assert.Equal(lotterySerial, await lotteryTask);
    }
}
