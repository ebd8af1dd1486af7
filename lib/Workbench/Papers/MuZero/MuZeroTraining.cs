using System.Diagnostics;
using TorchSharp;
using Workbench.Kernels.Mcts;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero training from scratch: each iteration plays a batch of self-play games with the batched search, adds them to
/// the replay buffer and takes Adam steps on the K-step unrolled loss; the agent is measured against random, the rule
/// bot and perfect play every few iterations. Checkpoints hold the network, the optimizer and the replay buffer, and
/// every random draw is seeded by (seed, iteration or step), so a resumed run gives the same numbers.
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
    public sealed record State(int Iteration, List<GameRecord> Games, int SkippedSteps, double SelfPlaySeconds, long SelfPlayGames,
        double TrainSeconds);

    /// <summary>The file in a run's folder holding the final network.</summary>
    public const string ModelFile = "model.bin";

    /// <summary>Builds the network of a run (seeded initialisation), on <see cref="TorchSetup.Device"/>.</summary>
    public static MuZeroNetwork Build(MuZeroTrainRun run) => TorchRandom.Build(run.Seed, "init",
        () => new MuZeroNetwork(TicTacToe.ObservationSize, TicTacToe.Cells, run.HiddenSize, run.Width, run.RewardWidth))
        .to(TorchSetup.Device);

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
        var state = new State(0, [], 0, 0, 0, 0);
        if (TrainingCheckpoint.TryResume(ctx, net, optimizer, out _, out State saved))
        {
            state = saved;
            buffer.Add(saved.Games);
        }
        var planner = new Planner(net, run.TrueModel);
        double discount = -run.Discount;
        for (int iteration = state.Iteration; iteration < run.Iterations; iteration++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            net.eval();
            var games = SelfPlay(planner, run, run.GamesPerIteration, Seeds.Rng(run.Seed, $"self-play:{iteration}"));
            double selfPlaySeconds = clock.Elapsed.TotalSeconds;
            buffer.Add(games);
            clock.Restart();
            net.train();
            var losses = new double[4];
            int skipped = 0;
            for (int s = 0; s < run.TrainStepsPerIteration; s++)
            {
                long step = (long)iteration * run.TrainStepsPerIteration + s;
                var batch = buffer.Sample(run.BatchSize, run.UnrollSteps, run.TdSteps, discount, TicTacToe.ObservationSize,
                    TicTacToe.Cells, Seeds.Rng(run.Seed, $"batch:{step}"), run.PriorityExponent,
                    run.Augment ? TicTacToe.Symmetries : null);
                var l = TrainStep(net, optimizer, batch, run.UnrollSteps);
                if (l is null) skipped++;
                else for (int i = 0; i < 4; i++) losses[i] += l[i] / run.TrainStepsPerIteration;
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            state = new State(iteration + 1, [], state.SkippedSteps + skipped, state.SelfPlaySeconds + selfPlaySeconds,
                state.SelfPlayGames + games.Count, state.TrainSeconds + trainSeconds);
            int done = iteration + 1;
            ctx.Log(done, "loss", losses[0]);
            ctx.Log(done, "value_loss", losses[1]);
            ctx.Log(done, "reward_loss", losses[2]);
            ctx.Log(done, "policy_loss", losses[3]);
            if (done % run.EvalEvery == 0 || done == run.Iterations)
            {
                net.eval();
                var rng = Seeds.Rng(run.Seed, $"eval:{done}");
                foreach (var opponent in Enum.GetValues<Opponent>())
                {
                    var score = Arena.Play(planner, opponent, run.EvalGames, run.EvalOptions(run.Search, run.EvalSimulations), rng);
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
        var scores = Enum.GetValues<Opponent>().Select(o => Arena.Play(planner, o, run.FinalEvalGames, options, finalRng)).ToArray();
        long steps = (long)run.Iterations * run.TrainStepsPerIteration;
        return new MuZeroTrainResult(scores[0], scores[1], scores[2], state.SelfPlaySeconds + state.TrainSeconds,
            state.SelfPlayGames / Math.Max(state.SelfPlaySeconds, 1e-9), steps / Math.Max(state.TrainSeconds, 1e-9),
            state.SelfPlayGames * 7.0 * run.Simulations / Math.Max(state.SelfPlaySeconds, 1e-9), state.SkippedSteps);
    }

    /// <summary>
    /// Plays <paramref name="count"/> self-play games at once: every move is one batched search over the unfinished games.
    /// The first <see cref="MuZeroTrainRun.ExploreMoves"/> moves are sampled from the search's policy target (pUCT: the
    /// visit counts, as AlphaZero does; Gumbel: softmax(logits + σ(completed Q))), later ones are the search's choice
    /// (pUCT: most visited; Gumbel: the Sequential Halving winner).
    /// </summary>
    public static List<GameRecord> SelfPlay(Planner planner, MuZeroTrainRun run, int count, Random rng)
    {
        int A = TicTacToe.Cells, O = TicTacToe.ObservationSize;
        var positions = new TicTacToe[count];
        Array.Fill(positions, TicTacToe.Empty);
        var obs = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var actions = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        var policies = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var rewards = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var values = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var options = run.SelfPlayOptions;
        var live = Enumerable.Range(0, count).ToList();
        var observation = new float[O];
        for (int move = 0; live.Count > 0; move++)
        {
            var result = planner.Search([.. live.Select(g => positions[g])], options, rng);
            for (int i = 0; i < live.Count; i++)
            {
                int g = live[i];
                int action = result.Actions[i];
                if (move < run.ExploreMoves) action = Sample(result.ActionWeights.AsSpan(i * A, A), rng);
                positions[g].Observation(observation);
                obs[g].AddRange(observation);
                actions[g].Add(action);
                policies[g].AddRange(result.ActionWeights.AsSpan(i * A, A).ToArray());
                values[g].Add(result.RootValues[i]);
                var (next, reward) = positions[g].Play(action);
                rewards[g].Add(reward);
                positions[g] = next;
            }
            live = [.. live.Where(g => !positions[g].IsTerminal)];
        }
        return [.. Enumerable.Range(0, count).Select(g => new GameRecord([.. obs[g]], [.. actions[g]], [.. policies[g]],
            [.. rewards[g]], [.. values[g]]))];
    }

    static int Sample(ReadOnlySpan<float> weights, Random rng)
    {
        double u = rng.NextDouble(), sum = 0;
        int last = 0;
        for (int a = 0; a < weights.Length; a++)
        {
            if (weights[a] <= 0) continue;
            last = a;
            sum += weights[a];
            if (u < sum) return a;
        }
        return last;
    }

    /// <summary>
    /// One Adam step on the unrolled loss (MuZero pseudocode <c>update_weights</c>): step 0 is the representation's
    /// prediction; each of the K dynamics steps adds value, reward and policy losses scaled by 1/K, and the hidden state's
    /// gradient is halved at every dynamics step. Value and reward: MSE; policy: cross-entropy with the search's targets.
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

    /// <summary>The unrolled loss and its parts (each a mean over the batch), for training and tests.</summary>
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
        var (logits, value) = net.Predict(hidden);
        var valueLoss = SquaredError(value, values.select(1, 0));
        var policyLoss = CrossEntropy(logits, policies.select(1, 0));
        var rewardLoss = zeros_like(valueLoss);
        var total = valueLoss.add(policyLoss, Scalars.One);
        for (int k = 1; k <= K; k++)
        {
            var (next, r) = net.Dynamics(hidden, actions.select(1, k - 1));
            (logits, value) = net.Predict(next);
            var v = SquaredError(value, values.select(1, k));
            var p = CrossEntropy(logits, policies.select(1, k));
            var rl = SquaredError(r, rewards.select(1, k));
            var scale = Scalars.Of(1.0 / K);
            total = total.add(v.add(p, Scalars.One).add(rl, Scalars.One), scale);
            valueLoss = valueLoss.add(v, scale);
            policyLoss = policyLoss.add(p, scale);
            rewardLoss = rewardLoss.add(rl, scale);
            hidden = ScaleGradient(next, 0.5);
        }
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

    // (a − b)² as a product: TorchSharp's square() is pow(2) with an implicit Scalar, which the finalizer could free mid-call.
    static Tensor SquaredError(Tensor prediction, Tensor target)
    {
        var error = prediction.sub(target);
        return error.mul(error);
    }

    static Tensor CrossEntropy(Tensor logits, Tensor targets) =>
        -(targets * nn.functional.log_softmax(logits, 1)).sum(1);
}
