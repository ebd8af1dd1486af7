using System.Diagnostics;
using TorchSharp;
using Workbench.Kernels.Mcts;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero training from scratch on any <see cref="GameKind"/>: each iteration plays a batch of self-play games with the
/// batched search, adds them to the replay buffer and takes Adam steps on the K-step unrolled loss; every few iterations
/// the agent is measured (board games: against the game's fixed opponents; cart-pole: its episode return). Checkpoints
/// hold the network, the optimizer and the replay buffer, and every random draw is seeded by (seed, iteration or
/// step), so a resumed run gives the same numbers.
/// </summary>
public static class MuZeroTraining
{
    /// <summary>The loop's own checkpoint state.</summary>
    /// <param name="Iteration">Iterations done.</param>
    /// <param name="Games">The replay buffer's games.</param>
    /// <param name="SkippedSteps">Steps skipped for a non-finite loss so far.</param>
    /// <param name="SelfPlaySeconds">Self-play time so far.</param>
    /// <param name="SelfPlayGames">Self-play games so far.</param>
    /// <param name="TrainSeconds">Adam-step time so far.</param>
    /// <param name="SelfPlayMoves">Self-play moves (searches per game) so far.</param>
    public sealed record State(int Iteration, List<GameRecord> Games, int SkippedSteps, double SelfPlaySeconds, long SelfPlayGames,
        double TrainSeconds, long SelfPlayMoves = 0);

    /// <summary>The file in a run's folder holding the final network.</summary>
    public const string ModelFile = "model.bin";

    /// <summary>Builds the network of a run (seeded initialisation), on <see cref="TorchSetup.Device"/>.</summary>
    public static MuZeroNetwork Build(MuZeroTrainRun run)
    {
        var game = run.GameRules;
        return TorchRandom.Build(run.Seed, "init", () => new MuZeroNetwork(game.ObservationSize, game.ActionCount, run.HiddenSize,
            run.Width, run.RewardWidth, run.SupportSize)).to(TorchSetup.Device);
    }

    /// <summary>Loads a finished run's network from its folder.</summary>
    public static MuZeroNetwork Load(MuZeroTrainRun run, string directory)
    {
        var net = Build(run);
        net.load(Path.Combine(directory, ModelFile));
        net.eval();
        return net;
    }

    /// <summary>Trains one run (resuming from its last checkpoint, if any).</summary>
    public static MuZeroTrainResult Train(MuZeroTrainRun run, RunContext ctx) => TrainUntil(run, ctx, null)!;

    /// <summary>Trains one run; with <paramref name="stopAfterIterations"/> it stops there, as if killed (tests resuming).</summary>
    internal static MuZeroTrainResult? TrainUntil(MuZeroTrainRun run, RunContext ctx, int? stopAfterIterations)
    {
        TorchSetup.Initialize();
        using var net = Build(run);
        using var optimizer = new Adam(net.parameters(), run.LearningRate, weight_decay: run.WeightDecay);
        var buffer = new ReplayBuffer(run.ReplayGames);
        var state = new State(0, [], 0, 0, 0, 0, 0);
        if (TrainingCheckpoint.TryResume(ctx, net, optimizer, out _, out State saved))
        {
            state = saved;
            buffer.Add(saved.Games);
        }
        var game = run.GameRules;
        var planner = new Planner(net, run.TrueModel, run.Discount);
        double discount = run.SignedDiscount;
        if (!game.TwoPlayer && state.Iteration == 0)
        {
            // A single-player task's curve starts before training (a board game's first point is after EvalEvery iterations).
            net.eval();
            var returns = game.Returns(planner, run, run.EvalGames, run.EvalOptions(run.Search, run.EvalSimulations),
                Seeds.Rng(run.Seed, "eval:0"));
            ctx.Log(0, "return", returns.Average());
        }
        for (int iteration = state.Iteration; iteration < run.Iterations; iteration++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            net.eval();
            var games = game.SelfPlay(planner, run, run.GamesPerIteration, Seeds.Rng(run.Seed, $"self-play:{iteration}"));
            double selfPlaySeconds = clock.Elapsed.TotalSeconds;
            buffer.Add(games);
            clock.Restart();
            net.train();
            var losses = new double[4];
            int skipped = 0;
            for (int s = 0; s < run.TrainStepsPerIteration; s++)
            {
                long step = (long)iteration * run.TrainStepsPerIteration + s;
                var batch = buffer.Sample(run.BatchSize, run.UnrollSteps, run.TdSteps, discount, game.ObservationSize,
                    game.ActionCount, Seeds.Rng(run.Seed, $"batch:{step}"), run.PriorityExponent,
                    run.Augment ? game.Symmetries : null, game.PlaneSymmetries);
                var l = TrainStep(net, optimizer, batch, run.UnrollSteps);
                if (l is null) skipped++;
                else for (int i = 0; i < 4; i++) losses[i] += l[i] / run.TrainStepsPerIteration;
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            state = new State(iteration + 1, [], state.SkippedSteps + skipped, state.SelfPlaySeconds + selfPlaySeconds,
                state.SelfPlayGames + games.Count, state.TrainSeconds + trainSeconds, state.SelfPlayMoves + games.Sum(g => g.Length));
            int done = iteration + 1;
            ctx.Log(done, "loss", losses[0]);
            ctx.Log(done, "value_loss", losses[1]);
            ctx.Log(done, "reward_loss", losses[2]);
            ctx.Log(done, "policy_loss", losses[3]);
            if (!game.TwoPlayer) ctx.Log(done, "self_play_return", games.Average(g => g.Rewards.Sum()));
            if (done % run.EvalEvery == 0 || done == run.Iterations)
            {
                net.eval();
                var rng = Seeds.Rng(run.Seed, $"eval:{done}");
                if (!game.TwoPlayer)
                {
                    var returns = game.Returns(planner, run, run.EvalGames, run.EvalOptions(run.Search, run.EvalSimulations), rng);
                    ctx.Log(done, "return", returns.Average());
                }
                foreach (var opponent in game.Opponents)
                {
                    var score = game.Play(planner, opponent, run.EvalGames, run.EvalOptions(run.Search, run.EvalSimulations), rng);
                    string name = Runs.EnumNames.Of(opponent);
                    ctx.Log(done, $"win_{name}", (double)score.Wins / score.Games);
                    ctx.Log(done, $"draw_{name}", score.DrawRate);
                    ctx.Log(done, $"loss_{name}", (double)score.Losses / score.Games);
                }
            }
            ctx.Report(done, run.Iterations, $"loss {losses[0]:0.000}");
            if (done % run.CheckpointEvery == 0 && done < run.Iterations)
                TrainingCheckpoint.Save(ctx, done, net, optimizer, state with { Games = [.. buffer.Games] });
            if (stopAfterIterations == done) return null;
        }
        TrainingCheckpoint.DeleteFiles(ctx);
        net.save(Path.Combine(ctx.Directory, ModelFile));
        net.eval();
        var finalRng = Seeds.Rng(run.Seed, "final-eval");
        var options = run.EvalOptions(run.Search, run.EvalSimulations);
        var scores = Enum.GetValues<Opponent>().Select(o => game.Opponents.Contains(o)
            ? game.Play(planner, o, run.FinalEvalGames, options, finalRng) : new Score(0, 0, 0)).ToArray();
        var (meanReturn, returnStd) = game.TwoPlayer ? (0.0, 0.0)
            : SeriesStats.MeanStd(game.Returns(planner, run, run.FinalEvalGames, options, finalRng));
        long steps = (long)run.Iterations * run.TrainStepsPerIteration;
        return new MuZeroTrainResult(scores[0], scores[1], scores[2], state.SelfPlaySeconds + state.TrainSeconds,
            state.SelfPlayGames / Math.Max(state.SelfPlaySeconds, 1e-9), steps / Math.Max(state.TrainSeconds, 1e-9),
            state.SelfPlayMoves * (double)run.Simulations / Math.Max(state.SelfPlaySeconds, 1e-9), state.SkippedSteps, meanReturn,
            returnStd);
    }

    /// <summary>Plays <paramref name="count"/> self-play games of the run's game at once (<see cref="MuZeroGame.SelfPlay"/>).</summary>
    public static List<GameRecord> SelfPlay(Planner planner, MuZeroTrainRun run, int count, Random rng) =>
        run.GameRules.SelfPlay(planner, run, count, rng);

    /// <summary>
    /// One Adam step on the unrolled loss (MuZero pseudocode <c>update_weights</c>): step 0 is the representation's
    /// prediction; each of the K dynamics steps adds value, reward and policy losses scaled by 1/K, and the hidden state's
    /// gradient is halved at every dynamics step. Value and reward: MSE (scalar heads) or cross-entropy with the two-hot
    /// targets of h(x) (categorical support); policy: cross-entropy with the search's targets.
    /// With prioritized sampling each sample's loss is multiplied by its importance weight (the parts are reported unweighted).
    /// Returns (loss, value, reward, policy) averaged over the batch, or null (no update) when the loss is not finite.
    /// </summary>
    public static double[]? TrainStep(MuZeroNetwork net, Adam optimizer, UnrollBatch batch, int unroll)
    {
        using var scope = NewDisposeScope();
        var (total, value, reward, policy) = Loss(net, batch, unroll);
        double totalValue = total.cpu().item<float>();
        if (!double.IsFinite(totalValue)) return null;
        optimizer.zero_grad();
        total.backward();
        optimizer.step();
        return [totalValue, value.cpu().item<float>(), reward.cpu().item<float>(), policy.cpu().item<float>()];
    }

    /// <summary>
    /// The unrolled loss and its parts (each a mean over the batch), for training and tests. The K dynamics steps run in
    /// sequence, but the prediction function and the value, policy and reward losses run once over all K + 1 hidden states
    /// stacked: the same sums as the pseudocode's loop in about half the autograd nodes, which is much of what a step of these
    /// small networks costs on a CPU (a step at width 128 went from 10.3–11.4 to 9.5–10.3 ms, one thread).
    /// </summary>
    public static (Tensor Total, Tensor Value, Tensor Reward, Tensor Policy) Loss(MuZeroNetwork net, UnrollBatch batch, int unroll)
    {
        int B = batch.Size, A = net.Actions, K = unroll;
        var device = TorchSetup.Device;
        var obs = tensor(batch.Observations, [B, batch.Observations.Length / B], device: device);
        var values = tensor(batch.Values, [B, K + 1], device: device);
        var rewards = tensor(batch.Rewards, [B, K + 1], device: device);
        var policies = tensor(batch.Policies, [B, K + 1, A], device: device);
        var actions = tensor(batch.Actions.Select(a => (long)a).ToArray(), [B, K], device: device);
        var hidden = net.Represent(obs);
        var states = new Tensor[K + 1];
        var rewardHeads = new Tensor[K];
        states[0] = hidden;
        for (int k = 1; k <= K; k++)
        {
            (states[k], rewardHeads[k - 1]) = net.Dynamics(hidden, actions.select(1, k - 1));
            hidden = ScaleGradient(states[k], 0.5);
        }
        // Row k of the stacked tensors is unroll step k (k-major), so the targets are transposed to (K + 1) × B.
        var (logits, value) = net.Predict(cat(states, 0));
        var v = ScalarLoss(net, value, values.t().reshape(-1)).view(K + 1, B);
        var p = CrossEntropy(logits, policies.transpose(0, 1).reshape(-1, A)).view(K + 1, B);
        // Step 0 counts once, each dynamics step 1/K (the pseudocode's gradient_scale per prediction).
        var stepWeights = K == 0 ? ones(1, 1, device: device)
            : tensor([1f, .. Enumerable.Repeat(1f / K, K)], [K + 1, 1], device: device);
        var valueLoss = v.mul(stepWeights).sum([0]);
        var policyLoss = p.mul(stepWeights).sum([0]);
        var rewardLoss = K == 0 ? zeros_like(valueLoss)
            : ScalarLoss(net, cat(rewardHeads, 0), rewards.narrow(1, 1, K).t().reshape(-1)).view(K, B).sum([0]).mul(Scalars.Of(1.0 / K));
        var total = valueLoss.add(policyLoss, Scalars.One).add(rewardLoss, Scalars.One);
        if (batch.Weights is { } w)
        {
            var weights = tensor(w, [B], device: device);
            total = total.mul(weights);
        }
        return (total.mean(), valueLoss.mean(), rewardLoss.mean(), policyLoss.mean());
    }

    /// <summary>x in the forward pass, <paramref name="scale"/> · gradient in the backward pass (<c>scale_gradient</c>).</summary>
    public static Tensor ScaleGradient(Tensor x, double scale) =>
        x.mul(Scalars.Of(scale)).add(x.detach(), Scalars.Of(1 - scale));

    /// <summary>
    /// The loss of a value or reward head against B scalar targets: MSE for scalar heads (board games); with a categorical
    /// support the cross-entropy against the two-hot encoding of h(target) (MuZero Appendix F).
    /// </summary>
    static Tensor ScalarLoss(MuZeroNetwork net, Tensor head, Tensor target) => net.SupportSize > 0
        ? CrossEntropy(head, CategoricalSupportTensors.Encode(target, net.SupportSize))
        : SquaredError(head, target);

    // (a − b)² as a product: TorchSharp's square() is pow(2) with an implicit Scalar, which the finalizer could free mid-call.
    static Tensor SquaredError(Tensor prediction, Tensor target)
    {
        var error = prediction.sub(target);
        return error.mul(error);
    }

    static Tensor CrossEntropy(Tensor logits, Tensor targets) =>
        -(targets * nn.functional.log_softmax(logits, 1)).sum(1);
}
