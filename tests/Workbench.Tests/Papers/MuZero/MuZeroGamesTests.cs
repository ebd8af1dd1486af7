using Workbench.Kernels.Mcts;
using Workbench.Papers;
using Workbench.Papers.MuZero;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.MuZero;

/// <summary>The game-generic training path: Connect-4 and cart-pole at smoke scale.</summary>
public class MuZeroGamesTests
{
    static MuZeroConfig Tiny => new()
    {
        Iterations = 2, GamesPerIteration = 4, TrainStepsPerIteration = 3, BatchSize = 16, EvalEvery = 1, EvalGames = 4,
        FinalEvalGames = 4, CheckpointEvery = 1, HiddenSize = 8, Width = 16, Simulations = 4, EvalSimulations = 4,
        ConnectFourIterations = 2, ConnectFourTrainSteps = 3, CartPoleIterations = 3, CartPoleEpisodes = 3, CartPoleTrainSteps = 3,
        EpisodeSteps = 30, SupportSize = 5,
    };

    [Fact]
    public void Connect_four_trains_a_few_iterations_and_is_measured_against_random_and_the_rule_bot()
    {
        var run = Tiny.GameRun(GameKind.ConnectFour, 0);
        Assert.Equal(7, run.ConsideredActions);
        using var folder = new TempFolder();
        var metrics = new List<Metric>();
        var result = MuZeroTraining.Train(run, new RunContext(folder.Path, "c4", null, CancellationToken.None, metrics));
        Assert.Equal(4, result.Random.Games);
        Assert.Equal(4, result.RuleBot.Games);
        Assert.Equal(0, result.Minimax.Games);
        Assert.Equal(0, result.SkippedSteps);
        Assert.Contains(metrics, m => m.Name == "loss_rule-bot");
        Assert.DoesNotContain(metrics, m => m.Name == "loss_minimax");
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Value), $"{m.Name} at {m.Step} is {m.Value}"));
    }

    [Fact]
    public void Connect_four_self_play_records_are_consistent_and_a_full_column_is_masked_at_the_root()
    {
        TorchSetup.Initialize();
        var run = Tiny.GameRun(GameKind.ConnectFour, 0);
        using var net = MuZeroTraining.Build(run);
        net.eval();
        var games = MuZeroTraining.SelfPlay(new Planner(net, false), run, 3, new Random(1));
        foreach (var game in games)
        {
            var position = ConnectFour.Empty;
            var obs = new float[ConnectFour.ObservationSize];
            for (int t = 0; t < game.Length; t++)
            {
                position.Observation(obs);
                Assert.Equal(obs, game.Observations.AsSpan(t * obs.Length, obs.Length).ToArray());
                for (int a = 0; a < 7; a++)
                    if (!position.IsLegal(a)) Assert.Equal(0f, game.Policies[t * 7 + a]);
                Assert.Equal(1f, game.Policies.AsSpan(t * 7, 7).ToArray().Sum(), 4);
                (position, int reward) = position.Play(game.Actions[t]);
                Assert.Equal(reward, game.Rewards[t]);
            }
            Assert.True(position.IsTerminal);
        }
        // Column 3 full: the root masks it and the search never plays it.
        var full = ConnectFour.FromMoves("333333");
        var root = new LearnedModel(net).Roots<ConnectFour>([full]);
        Assert.False(root.Legal[3]);
        var result = new Planner(net, false).Search<ConnectFour>([full], run.EvalOptions(SearchKind.Gumbel, 8), new Random(0));
        Assert.NotEqual(3, result.Actions[0]);
        Assert.Equal(0f, result.ActionWeights[3]);
    }

    [Fact]
    public void Connect_four_augmentation_mirrors_observation_actions_and_policies_together()
    {
        var game = BoardGame<ConnectFour>.ConnectFour;
        var position = ConnectFour.FromMoves("0121");
        var obs = new float[ConnectFour.ObservationSize];
        position.Observation(obs);
        var mirrored = new float[obs.Length];
        ConnectFour.FromMoves("6545").Observation(mirrored);
        var record = new GameRecord(obs, [1], [0.1f, 0.9f, 0, 0, 0, 0, 0], [0], [0]);
        var buffer = new ReplayBuffer(1);
        buffer.Add([record]);
        for (int seed = 0; seed < 20; seed++)
        {
            var batch = buffer.Sample(1, 1, 1, -1, obs.Length, 7, new Random(seed), 0, game.Symmetries, game.PlaneSymmetries);
            bool flipped = batch.Actions[0] == 5;
            Assert.Equal(flipped ? mirrored : obs, batch.Observations);
            Assert.Equal(flipped ? 0.9f : 0f, batch.Policies[5]);
            Assert.Equal(flipped ? 0f : 0.9f, batch.Policies[1]);
        }
    }

    [Fact]
    public void Cart_pole_n_step_targets_are_discounted_and_bootstrapped_from_the_search_value()
    {
        const double gamma = 0.997;
        var rewards = Enumerable.Repeat(1f, 30).ToArray();
        var roots = Enumerable.Range(0, 30).Select(i => 100f + i).ToArray();
        var game = new GameRecord(new float[30 * 4], new int[30], new float[30 * 2], rewards, roots);
        double expected = 0;
        for (int m = 0; m < 10; m++) expected += Math.Pow(gamma, m);
        expected += Math.Pow(gamma, 10) * roots[15];
        Assert.Equal(expected, UnrollTargets.ValueTarget(game, 5, 10, gamma), 9);
        // Fewer than n steps before the end: the rewards left, no bootstrap (the end is absorbing).
        double tail = 0;
        for (int m = 0; m < 5; m++) tail += Math.Pow(gamma, m);
        Assert.Equal(tail, UnrollTargets.ValueTarget(game, 25, 10, gamma), 9);
        var run = Tiny.GameRun(GameKind.CartPole, 0);
        Assert.Equal(gamma, run.SignedDiscount);
        Assert.Equal(-1, Tiny.GameRun(GameKind.ConnectFour, 0).SignedDiscount);
    }

    [Fact]
    public void The_categorical_value_head_encodes_and_decodes_returns_through_h()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        float[] returns = [0f, 1f, 9.5f, 57f, 199f];
        const int S = 20;
        var twoHot = CategoricalSupportTensors.Encode(tensor(returns), S);
        Assert.Equal(1f, twoHot.sum(1).data<float>().ToArray().Min(), 5);
        // Logits that put exactly the two-hot mass on the support decode back to the return.
        var decoded = CategoricalSupportTensors.Decode(twoHot.clamp_min(Scalars.Of(1e-30)).log(), S).data<float>().ToArray();
        for (int i = 0; i < returns.Length; i++) Assert.Equal(returns[i], decoded[i], 0.01 * Math.Max(1, returns[i]));
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(4, 2, 8, 16, supportSize: S));
        var (logits, value) = net.Predict(net.Represent(zeros(3, 4)));
        Assert.Equal([3L, 2 * S + 1], value.shape);
        Assert.Equal([3L], net.Scalar(value).shape);
    }

    [Fact]
    public void A_single_player_backup_does_not_negate()
    {
        // The true cart-pole simulator with leaf value 0: every simulated step pays 1, so every backed-up Q is positive,
        // and the root's value is the discounted sum along the path (a two-player backup would alternate its sign).
        var model = new CartPoleModel(0.9);
        var state = CartPole.Reset(new Random(0));
        var result = BatchedSearch.Run(model, model.Roots([state]),
            new SearchOptions { Kind = SearchKind.Puct, Simulations = 16, DirichletFraction = 0 }, new Random(0));
        for (int a = 0; a < 2; a++) Assert.True(result.Tree.ChildQ(0, 0, a) >= 1, $"Q of action {a} is {result.Tree.ChildQ(0, 0, a)}");
        Assert.True(result.RootValues[0] > 0);
        // The learned model of a single-player task hands the search +γ; a two-player game −1.
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(4, 2, 8, 16, supportSize: 5));
        var discounts = new float[2];
        new LearnedModel(net, 0.997).Step(2, new float[16], [0, 1], new float[16], new float[2], discounts, new float[4], new float[2]);
        Assert.Equal([0.997f, 0.997f], discounts);
        new LearnedModel(net).Step(2, new float[16], [0, 1], new float[16], new float[2], discounts, new float[4], new float[2]);
        Assert.Equal([-1f, -1f], discounts);
    }

    [Fact]
    public void Gumbel_with_tree_min_max_gives_no_preference_before_the_tree_has_a_range_and_known_bounds_ignore_it()
    {
        var model = new CartPoleModel(0.997);
        var state = CartPole.Reset(new Random(3));
        var options = new SearchOptions
        {
            Kind = SearchKind.Gumbel, Simulations = 8, ConsideredActions = 2, GumbelScale = 0, TreeMinMax = true,
        };
        var result = BatchedSearch.Run(model, model.Roots([state]), options, new Random(0));
        Assert.Equal(1f, result.ActionWeights.Sum(), 5);
        Assert.All(result.ActionWeights, w => Assert.InRange(w, 0f, 1f));
        var bounded = options with { ValueMin = 0, ValueMax = 10 };
        var plain = bounded with { TreeMinMax = false };
        Assert.Equal(BatchedSearch.Run(model, model.Roots([state]), plain, new Random(0)).ActionWeights,
            BatchedSearch.Run(model, model.Roots([state]), bounded, new Random(0)).ActionWeights);
    }

    [Theory]
    [InlineData(GameKind.CartPole)]
    [InlineData(GameKind.ConnectFour)]
    public void Resuming_a_non_tic_tac_toe_run_gives_identical_results_and_weights(GameKind kind)
    {
        var run = Tiny.GameRun(kind, 0) with { Iterations = 4, CheckpointEvery = 2, EvalEvery = 2 };
        using var straight = new TempFolder();
        using var resumed = new TempFolder();
        var metricsA = new List<Metric>();
        var a = MuZeroTraining.Train(run, new RunContext(straight.Path, "a", null, CancellationToken.None, metricsA));
        Assert.Null(MuZeroTraining.TrainUntil(run, new RunContext(resumed.Path, "b", null, CancellationToken.None, []), 2));
        var metricsB = new List<Metric>();
        var b = MuZeroTraining.Train(run, new RunContext(resumed.Path, "b", null, CancellationToken.None, metricsB));
        Assert.Equal((a.Random, a.RuleBot, a.MeanReturn, a.ReturnStd), (b.Random, b.RuleBot, b.MeanReturn, b.ReturnStd));
        Assert.Equal(metricsA.Where(m => m.Step > 2).Select(m => (m.Step, m.Name, m.Value)),
            metricsB.Where(m => m.Step > 2).Select(m => (m.Step, m.Name, m.Value)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.Path, MuZeroTraining.ModelFile)),
            File.ReadAllBytes(Path.Combine(resumed.Path, MuZeroTraining.ModelFile)));
        if (kind == GameKind.CartPole) Assert.Contains(metricsA, m => m.Name == "return" && m.Step == 0);
    }

    [Fact]
    public void Tic_tac_toe_runs_keep_their_hashes_so_the_shipped_checkpoint_stays_fresh()
    {
        var experiment = new MuZeroExperiment();
        var config = experiment.Preset("paper");
        Assert.Equal(config.TrainRun(config.Seed), config.GameRun(GameKind.TicTacToe, config.Seed));
        Assert.Equal(9, config.TrainRun(0).ConsideredActions);
        using var shipped = ShippedCheckpoint.TryLoad(experiment);
        if (shipped is not null) Assert.False(shipped.Stale);
    }
}
