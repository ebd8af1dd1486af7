using System.Text.Json.Nodes;
using Workbench.Kernels.Mcts;
using Workbench.Papers.MuZero;

namespace Workbench.Tests.Papers.MuZero;

public class MuZeroReplayTests
{
    static bool HasLine(int stones) => new TicTacToe(stones, 0).Winner == 1;

    [Fact]
    public void The_eight_board_symmetries_are_distinct_permutations_that_map_lines_to_lines()
    {
        var symmetries = TicTacToe.Symmetries;
        Assert.Equal(8, symmetries.Count);
        Assert.Equal(Enumerable.Range(0, 9), symmetries[0]);
        Assert.Equal(8, symmetries.Select(p => string.Join(",", p)).Distinct().Count());
        foreach (var perm in symmetries)
        {
            Assert.Equal(Enumerable.Range(0, 9), perm.Order());
            for (int stones = 0; stones < 512; stones++)
            {
                int mapped = 0;
                for (int c = 0; c < 9; c++) if ((stones >> c & 1) == 1) mapped |= 1 << perm[c];
                Assert.Equal(HasLine(stones), HasLine(mapped));
            }
        }
    }

    [Fact]
    public void Augmentation_maps_the_observation_the_actions_and_every_policy_target_and_keeps_values_and_rewards()
    {
        var buffer = new ReplayBuffer(10);
        buffer.Add([MuZeroTests.XWinsInFive()]);
        var perm = TicTacToe.Symmetries[1];
        for (int seed = 0; seed < 10; seed++)
        {
            var plain = buffer.Sample(1, 5, 9, -1, 18, 9, new Random(seed));
            var turned = buffer.Sample(1, 5, 9, -1, 18, 9, new Random(seed), symmetries: [perm]);
            for (int plane = 0; plane < 2; plane++)
                for (int c = 0; c < 9; c++)
                    Assert.Equal(plain.Observations[plane * 9 + c], turned.Observations[plane * 9 + perm[c]]);
            Assert.Equal(plain.Actions.Select(a => perm[a]), turned.Actions);
            for (int k = 0; k <= 5; k++)
                for (int a = 0; a < 9; a++)
                    Assert.Equal(plain.Policies[k * 9 + a], turned.Policies[k * 9 + perm[a]]);
            Assert.Equal(plain.Values, turned.Values);
            Assert.Equal(plain.Rewards, turned.Rewards);
            Assert.Null(turned.Weights);
        }
    }

    [Fact]
    public void Prioritized_sampling_favours_surprising_positions_with_importance_weights_of_mean_one()
    {
        // Two games: one whose root values equal their targets (priority at the floor), one whose root values are all off.
        var exact = MuZeroTests.XWinsInFive();
        float[] targets = [.. Enumerable.Range(0, exact.Length).Select(j => (float)UnrollTargets.ValueTarget(exact, j, 9, -1))];
        var calm = exact with { RootValues = targets };
        var surprising = exact with { RootValues = [.. targets.Select(t => -t)] };
        var buffer = new ReplayBuffer(10);
        buffer.Add([calm, surprising]);
        var batch = buffer.Sample(400, 1, 9, -1, 18, 9, new Random(0), priorityExponent: 1);
        Assert.NotNull(batch.Weights);
        Assert.Equal(1.0, batch.Weights!.Average(), 4);
        Assert.All(batch.Weights, w => Assert.True(w > 0));
        // The surprising game's observations are the calm one's; tell them apart by the weight (rare = large).
        int rare = batch.Weights.Count(w => w > 10);
        Assert.InRange(rare, 0, 4);
        Assert.Null(buffer.Sample(8, 1, 9, -1, 18, 9, new Random(0)).Weights);
    }

    [Fact]
    public void Tic_tac_toe_through_the_generic_arena_keeps_its_first_player_and_scores()
    {
        // The generic board-game interface: the starting position, the mover and the action count are tic-tac-toe's.
        Assert.Equal(TicTacToe.Empty, TicTacToe.Initial);
        Assert.Equal(9, TicTacToe.ActionCount);
        Assert.True(TicTacToe.Empty.FirstToMove);
        Assert.False(TicTacToe.Empty.Play(4).Next.FirstToMove);
        var model = new BoardGameModel<TicTacToe>(ps =>
            (new float[ps.Count * 9], [.. ps.Select(p => (float)TicTacToeOracle.Instance.Value(p))]));
        var options = new SearchOptions { Kind = SearchKind.Gumbel, Simulations = 16, GumbelScale = 0, ValueMin = -1, ValueMax = 1 };
        var score = BoardGameArena.Play(BoardGameArena.SearchAgent(model, options),
            (TicTacToe p, Random r) => Opponents.Move(Opponent.Random, p, r), 40, new Random(1));
        Assert.Equal(0, score.Losses);
    }

    [Theory]
    [InlineData(-0.0, "0.00")]
    [InlineData(-0.001, "0.00")]
    [InlineData(0.25, "+0.25")]
    [InlineData(-0.5, "-0.50")]
    public void The_play_cell_prints_search_values_with_one_sign(double value, string expected) =>
        Assert.Equal(expected, MuZeroPlay.SignedValue(value));

    [Fact]
    public void The_shipped_checkpoint_loads_plays_and_is_flagged_stale_exactly_when_its_run_hash_differs()
    {
        var experiment = new MuZeroExperiment();
        using var shipped = ShippedCheckpoint.TryLoad(experiment);
        Assert.NotNull(shipped);
        Assert.Equal(shipped!.Sidecar.RunHash != ShippedCheckpoint.ExpectedHash(experiment), shipped.Stale);
        var text = MuZeroPlay.Reply(new Planner(shipped.Network, false), "4", new SearchOptions { Simulations = 8 });
        Assert.Matches(@"agent plays \d \(search value (0\.00|[+-][01]\.\d\d) for the agent\)", text);

        using var folder = new TempFolder();
        File.Copy(Path.Combine(ShippedCheckpoint.DefaultDirectory, ShippedCheckpoint.ModelFile),
            Path.Combine(folder.Path, ShippedCheckpoint.ModelFile));
        string sidecar = Path.Combine(folder.Path, ShippedCheckpoint.SidecarFile);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(ShippedCheckpoint.DefaultDirectory, ShippedCheckpoint.SidecarFile)))!;
        json["run_hash"] = ShippedCheckpoint.ExpectedHash(experiment);
        File.WriteAllText(sidecar, json.ToJsonString());
        using (var current = ShippedCheckpoint.TryLoad(experiment, folder.Path))
            Assert.False(current!.Stale);
        json["run_hash"] = "0123456789abcdef";
        File.WriteAllText(sidecar, json.ToJsonString());
        using (var old = ShippedCheckpoint.TryLoad(experiment, folder.Path))
        {
            Assert.True(old!.Stale);
            Assert.Contains("STALE", old.Describe());
        }
        using var empty = new TempFolder();
        Assert.Null(ShippedCheckpoint.TryLoad(experiment, empty.Path));
    }
}
