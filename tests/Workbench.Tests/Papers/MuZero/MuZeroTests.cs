using TorchSharp;
using Workbench.Kernels.Mcts;
using Workbench.Papers;
using Workbench.Papers.MuZero;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Papers.MuZero;

public class MuZeroTests
{
    static TicTacToeOracle Oracle => TicTacToeOracle.Instance;

    /// <summary>Unfinished positions from random games (seeded).</summary>
    static List<TicTacToe> RandomPositions(int games, int seed, int minStones = 0)
    {
        var rng = new Random(seed);
        var list = new List<TicTacToe>();
        for (int g = 0; g < games; g++)
        {
            var p = TicTacToe.Empty;
            while (!p.IsTerminal)
            {
                if (p.Stones >= minStones) list.Add(p);
                var legal = p.LegalMoves().ToArray();
                p = p.Play(legal[rng.Next(legal.Length)]).Next;
            }
        }
        return list;
    }

    [Fact]
    public void The_oracle_counts_5478_reachable_positions_and_the_game_is_a_draw()
    {
        Assert.Equal(5478, Oracle.Positions.Count);
        Assert.Equal(0, Oracle.Value(TicTacToe.Empty));
        // X on 0 and 1, O on 3 and 4: X to move wins at 2.
        var p = new TicTacToe(0b000000011, 0b000011000);
        Assert.Equal(1, Oracle.Value(p));
        Assert.Equal([2], Oracle.OptimalMoves(p));
        // X on 0 and 1, O in the centre, O to move: blocking at 2 holds the draw, every other move loses.
        var q = new TicTacToe(0b000000011, 0b000010000);
        Assert.Equal(0, Oracle.Value(q));
        Assert.Equal([2], Oracle.OptimalMoves(q));
    }

    [Fact]
    public void Rule_bot_wins_when_it_can_and_blocks_otherwise()
    {
        var win = new TicTacToe(0b000000011, 0b000011000); // X to move, wins at 2
        Assert.Equal(2, Opponents.Move(Opponent.RuleBot, win, new Random(0)));
        var block = new TicTacToe(0b000000011, 0b000001000); // O to move, must block at 2
        Assert.Equal(2, Opponents.Move(Opponent.RuleBot, block, new Random(0)));
    }

    [Fact]
    public void With_exact_leaf_values_every_root_q_is_the_minimax_q_negamax()
    {
        // Gumbel with m = all legal moves and as many simulations visits each root move exactly once, so each child's
        // value is the evaluator's; with the oracle as evaluator, Q = reward − value(next) must be the minimax Q.
        var model = TrueModel.WithOracle();
        foreach (var position in RandomPositions(20, 11))
        {
            int legal = position.LegalMoves().Count();
            var options = new SearchOptions { Kind = SearchKind.Gumbel, Simulations = legal, ConsideredActions = 9, GumbelScale = 0 };
            var result = BatchedSearch.Run(model, model.Roots([position]), options, new Random(0));
            double sum = Oracle.Value(position);
            foreach (int c in position.LegalMoves())
            {
                Assert.Equal(Oracle.Q(position, c), result.Tree.RootQ(0)[c], 6);
                sum += Oracle.Q(position, c);
            }
            Assert.Equal(sum / (legal + 1), result.RootValues[0], 5);
        }
    }

    [Fact]
    public void With_the_true_simulator_and_many_simulations_the_search_finds_the_minimax_value()
    {
        // Pure search (uniform priors, value 0 at every leaf, rewards only at the end), random positions of random games.
        var model = new BoardGameModel<TicTacToe>();
        var positions = RandomPositions(12, 3, minStones: 3);
        var options = new SearchOptions { Kind = SearchKind.Puct, Simulations = 3000, DirichletFraction = 0, ValueMin = -1, ValueMax = 1 };
        var result = BatchedSearch.Run(model, model.Roots(positions), options, new Random(0));
        for (int b = 0; b < positions.Count; b++)
        {
            int best = result.Actions[b];
            int truth = Oracle.Value(positions[b]);
            Assert.True(Oracle.OptimalMoves(positions[b]).Contains(best), $"position\n{positions[b]}\nchose {best}");
            Assert.True(Math.Abs(result.Tree.RootQ(b)[best] - truth) < 0.25,
                $"position\n{positions[b]}\nQ {result.Tree.RootQ(b)[best]:0.000} vs minimax {truth}");
        }
    }

    internal static GameRecord XWinsInFive()
    {
        // X 0, O 3, X 1, O 4, X 2 (X wins with the fifth move).
        int[] moves = [0, 3, 1, 4, 2];
        var p = TicTacToe.Empty;
        var obs = new List<float>();
        var rewards = new List<float>();
        var policies = new List<float>();
        var buffer = new float[TicTacToe.ObservationSize];
        foreach (int m in moves)
        {
            p.Observation(buffer);
            obs.AddRange(buffer);
            var onehot = new float[9];
            onehot[m] = 1;
            policies.AddRange(onehot);
            var (next, reward) = p.Play(m);
            rewards.Add(reward);
            p = next;
        }
        return new GameRecord([.. obs], moves, [.. policies], [.. rewards], new float[moves.Length]);
    }

    [Fact]
    public void Value_targets_are_the_outcome_for_the_player_to_move()
    {
        var game = XWinsInFive();
        float[] expected = [1, -1, 1, -1, 1];
        for (int j = 0; j < 5; j++) Assert.Equal(expected[j], UnrollTargets.ValueTarget(game, j, tdSteps: 9, discount: -1));
        // A 2-step target bootstraps from the stored root value two moves later (0 here) and sums the rewards in between.
        Assert.Equal(0, UnrollTargets.ValueTarget(game, 0, tdSteps: 2, discount: -1));
        Assert.Equal(1, UnrollTargets.ValueTarget(game, 3, tdSteps: 2, discount: -1) * -1);
    }

    [Fact]
    public void Reward_targets_follow_their_transition_and_targets_after_the_end_are_absorbing()
    {
        var game = XWinsInFive();
        const int K = 5;
        var actions = new int[K];
        var values = new float[K + 1];
        var rewards = new float[K + 1];
        var policies = new float[(K + 1) * 9];
        UnrollTargets.Make(game, 3, K, 9, -1, 9, new Random(0), actions, values, rewards, policies);
        // Step k predicts the reward of action a_{i+k-1}: k = 1 is O's move 4 (0), k = 2 is X's winning move (1).
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 0f], rewards);
        Assert.Equal([-1f, 1f, 0f, 0f, 0f, 0f], values);
        Assert.Equal([4, 2], actions[..2]);
        for (int k = 2; k <= K; k++)
            Assert.All(policies[(k * 9)..((k + 1) * 9)], p => Assert.Equal(1f / 9, p));
        Assert.All(actions[2..], a => Assert.InRange(a, 0, 8));
    }

    [Fact]
    public void Hidden_states_are_min_max_normalised_and_finite_and_gradients_are_scaled()
    {
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(18, 9, 8, 16));
        using var scope = NewDisposeScope();
        var h = net.Represent(zeros(3, 18));
        Assert.True(h.isfinite().all().item<bool>());
        Assert.InRange(h.min().item<float>(), 0f, 0f);
        Assert.InRange(h.max().item<float>(), 0f, 1f);
        var constant = MuZeroNetwork.Normalise(ones(2, 5));
        Assert.Equal(0f, constant.abs().sum().item<float>());
        var x = tensor(new float[] { 1, 2, 3 }).requires_grad_();
        var y = MuZeroTraining.ScaleGradient(x, 0.5);
        Assert.Equal([1f, 2f, 3f], y.data<float>().ToArray());
        y.sum().backward();
        Assert.Equal([0.5f, 0.5f, 0.5f], x.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(1, 0, false)]
    [InlineData(5, 0, true)]
    [InlineData(3, 4, false)]
    public void Unrolled_loss_and_gradients_equal_the_pseudocode_loop(int unroll, int support, bool weighted)
    {
        // The loss predicts all K + 1 states in one batch; the pseudocode's update_weights predicts step by step, scales each
        // dynamics step's loss by 1/K and halves the hidden state's gradient after it. Both must give the same loss and the
        // same gradient for every weight.
        TorchSetup.Initialize();
        const int B = 6, O = 18, A = 9;
        var rng = new Random(unroll * 10 + support);
        float[] Uniform(int n, float low = -1) => [.. Enumerable.Range(0, n).Select(_ => low + (1 - low) * (float)rng.NextDouble())];
        var batch = new UnrollBatch(B, Uniform(B * O, 0), [.. Enumerable.Range(0, B * unroll).Select(_ => rng.Next(A))],
            Uniform(B * (unroll + 1)), Uniform(B * (unroll + 1)), Uniform(B * (unroll + 1) * A, 0), weighted ? Uniform(B, 0) : null);
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(O, A, 8, 16, supportSize: support));
        using var scope = NewDisposeScope();
        List<Tensor> parameters = [.. net.parameters()];

        var batched = MuZeroTraining.Loss(net, batch, unroll).Total;
        var batchedGrads = torch.autograd.grad([batched], parameters);
        var reference = PseudocodeLoss(net, batch, unroll);
        var referenceGrads = torch.autograd.grad([reference], parameters);

        Assert.Equal(reference.item<float>(), batched.item<float>(), 5);
        for (int i = 0; i < parameters.Count; i++)
            Assert.True(batchedGrads[i].allclose(referenceGrads[i], rtol: 1e-4, atol: 1e-6), $"gradient of parameter {i} differs");
    }

    /// <summary>MuZero pseudocode update_weights, one prediction per unroll step (the definition the batched loss must match).</summary>
    static Tensor PseudocodeLoss(MuZeroNetwork net, UnrollBatch batch, int K)
    {
        int B = batch.Size;
        var values = tensor(batch.Values, [B, K + 1]);
        var rewards = tensor(batch.Rewards, [B, K + 1]);
        var policies = tensor(batch.Policies, [B, K + 1, net.Actions]);
        var actions = tensor(batch.Actions.Select(a => (long)a).ToArray(), [B, K]);
        Tensor Scalar(Tensor head, Tensor target) => net.SupportSize > 0
            ? CrossEntropy(head, CategoricalSupportTensors.Encode(target, net.SupportSize))
            : (head - target) * (head - target);
        static Tensor CrossEntropy(Tensor logits, Tensor target) => -(target * nn.functional.log_softmax(logits, 1)).sum(1);

        var hidden = net.Represent(tensor(batch.Observations, [B, batch.Observations.Length / B]));
        var (logits, value) = net.Predict(hidden);
        var total = Scalar(value, values.select(1, 0)) + CrossEntropy(logits, policies.select(1, 0));
        for (int k = 1; k <= K; k++)
        {
            var (next, reward) = net.Dynamics(hidden, actions.select(1, k - 1));
            (logits, value) = net.Predict(next);
            var step = Scalar(value, values.select(1, k)) + Scalar(reward, rewards.select(1, k))
                + CrossEntropy(logits, policies.select(1, k));
            total = total + step.mul(Scalars.Of(1.0 / K));
            hidden = MuZeroTraining.ScaleGradient(next, 0.5);
        }
        if (batch.Weights is { } w) total = total * tensor(w, [B]);
        return total.mean();
    }

    static MuZeroTrainRun TinyRun(int seed = 0) => new MuZeroConfig
    {
        Iterations = 4, GamesPerIteration = 8, TrainStepsPerIteration = 3, BatchSize = 16, EvalEvery = 2, EvalGames = 4,
        FinalEvalGames = 4, CheckpointEvery = 2, HiddenSize = 8, Width = 16,
    }.TrainRun(seed);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resuming_from_the_checkpoint_gives_identical_results_and_weights(bool prioritizedWithRewardBranch)
    {
        var run = TinyRun();
        if (prioritizedWithRewardBranch) run = run with { PriorityExponent = 1, RewardWidth = 8 };
        using var straight = new TempFolder();
        using var resumed = new TempFolder();
        var metricsA = new List<Metric>();
        var a = MuZeroTraining.Train(run, new RunContext(straight.Path, "a", null, CancellationToken.None, metricsA));
        Assert.Null(MuZeroTraining.TrainUntil(run, new RunContext(resumed.Path, "b", null, CancellationToken.None, []), 2));
        Assert.True(File.Exists(Path.Combine(resumed.Path, "checkpoint.json")));
        var metricsB = new List<Metric>();
        var context = new RunContext(resumed.Path, "b", null, CancellationToken.None, metricsB);
        var b = MuZeroTraining.Train(run, context);
        Assert.Equal(2, context.ResumedFromStep);
        Assert.Equal((a.Random, a.RuleBot, a.Minimax), (b.Random, b.RuleBot, b.Minimax));
        Assert.Equal(metricsA.Select(m => (m.Step, m.Name, m.Value)), metricsB.Select(m => (m.Step, m.Name, m.Value)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.Path, MuZeroTraining.ModelFile)),
            File.ReadAllBytes(Path.Combine(resumed.Path, MuZeroTraining.ModelFile)));
    }

    [Theory]
    [InlineData("simulations=0", "simulations = 0 is out of range")]
    [InlineData("discount=1.5", "discount = 1.5 is out of range")]
    [InlineData("discount=0", "discount = 0 is out of range")]
    [InlineData("game=go", "game = 'go' is not allowed")]
    [InlineData("considered_actions=12", "considered_actions = 12 is larger than the 9 moves")]
    [InlineData("game=connect4; considered_actions=9", "considered_actions = 9 is larger than the 7 moves of Connect-4")]
    [InlineData("game=cartpole; considered_actions=3", "considered_actions = 3 is larger than the 2 moves of cart-pole")]
    [InlineData("cart_pole_discount=1.5", "cart_pole_discount = 1.5 is out of range")]
    [InlineData("cart_pole_discount=0", "cart_pole_discount = 0 is out of range")]
    public void Bad_configuration_is_one_sentence(string assignment, string start)
    {
        var e = Assert.Throws<ConfigException>(() => new MuZeroExperiment().Configure(Presets.Smoke, assignment));
        Assert.StartsWith(start, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotMatch(@"[.!?]\s+[A-Z]", e.Message);
    }

    [Theory]
    [InlineData("4,4", "Move 2 of '4,4': Move 4 is not allowed")]
    [InlineData("9", "Move 1 of '9': Move 9 is not allowed")]
    [InlineData("x", "Move 'x' is not a cell number")]
    public void An_illegal_move_in_the_play_cell_is_one_sentence(string moves, string start)
    {
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(18, 9, 8, 16));
        var e = Assert.Throws<ConfigException>(() =>
            MuZeroPlay.Reply(new Planner(net, false), moves, new SearchOptions { Simulations = 2 }));
        Assert.StartsWith(start, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_agent_replies_with_a_legal_move()
    {
        TorchSetup.Initialize();
        using var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(18, 9, 8, 16));
        var text = MuZeroPlay.Reply(new Planner(net, false), "4", new SearchOptions { Simulations = 4 });
        Assert.Contains("agent plays", text);
        Assert.Contains("X to move", text);
    }
}
