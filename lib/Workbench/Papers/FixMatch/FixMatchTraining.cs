using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Kernels.Augment;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.FixMatch;

/// <summary>
/// The FixMatch training loop (Sohn et al. 2020, Algorithm 1) and its supervised-only baseline. Every step draws a
/// labelled batch of B and an unlabelled batch of μB from the whole pool (the labelled images included), augments them
/// with the batched kernel (weak for the labelled batch and the pseudo-labelling view, strong for the other), and runs
/// ONE train-mode forward pass over labelled, weak and strong images together, so batch norm normalises them with one
/// set of statistics. The official code's "interleave" only makes that batch-norm batch the same on every one of
/// several accelerators; on one device the single concatenated forward pass is the same computation. SGD with
/// Nesterov momentum follows η·cos(7πk/16K); the EMA of the weights and batch-norm buffers is what is evaluated.
/// </summary>
public static class FixMatchTraining
{
    /// <summary>The loop's resumable bookkeeping (the pseudo-label audit), saved with every checkpoint.</summary>
    /// <param name="Seen">Unlabelled examples seen since the last evaluation, per true class.</param>
    /// <param name="Accepted">Of those, accepted (confidence ≥ τ), per true class.</param>
    /// <param name="PseudoAccepted">Accepted since the last evaluation, per pseudo-label.</param>
    /// <param name="PseudoCorrect">Of those, correct, per pseudo-label.</param>
    /// <param name="Confusion">Accepted pseudo-labels over the run, [true][pseudo], row-major.</param>
    /// <param name="Tail">Unlabelled examples seen, accepted, and accepted correctly in the last tenth of training.</param>
    /// <param name="Streak">Per audit image: consecutive evaluations confidently wrong with <paramref name="StreakLabel"/>.</param>
    /// <param name="StreakLabel">The wrong class of the current streak.</param>
    /// <param name="Longest">Longest streak per audit image.</param>
    /// <param name="LongestLabel">The wrong class of the longest streak.</param>
    /// <param name="Evaluations">EMA (test, validation) accuracy at every evaluation so far.</param>
    public sealed record LoopState(long[] Seen, long[] Accepted, long[] PseudoAccepted, long[] PseudoCorrect, long[] Confusion,
        long[] Tail, int[] Streak, int[] StreakLabel, int[] Longest, int[] LongestLabel, double[][] Evaluations);

    const int Classes = 10, Side = 28;

    /// <summary>
    /// Trains one run; checkpoints every <paramref name="checkpointEvery"/> steps (0: never) and resumes from the last one.
    /// </summary>
    public static FixMatchResult Train(FixMatchRun run, RunContext ctx, int checkpointEvery = 0)
    {
        TorchSetup.Initialize();
        var watch = Stopwatch.StartNew();
        var splits = FixMatchSplits.Of(run.Dataset);
        var pool = splits.Pool;
        var labelled = splits.LabelledFor(ctx.Directory, run.Labels, run.Selection, run.SplitSeed);
        bool fixMatch = run.Method == TrainingMethod.FixMatch;
        int b = run.BatchSize, u = run.Mu * b;

        var weak = AugmentPolicy.Weak(splits.Flip, run.MaxShift);
        var strong = run.StrongView == StrongView.Weak ? weak
            : AugmentPolicy.Strong(splits.Flip, run.StrongOps, run.ApplyProbability, run.Cutout, maxShift: run.MaxShift);
        var auditIndices = Seeds.Permutation(pool.Count, 0, "fixmatch-audit")[..Math.Min(run.AuditImages, pool.Count)];

        using var scope = NewDisposeScope();
        var (testX, testY) = Images(splits.Test, run.TestImages);
        var (validX, validY) = Images(splits.Validation, run.ValidationImages);
        var (auditX, _) = Images(pool.Select(auditIndices), auditIndices.Length);
        using var pair = TorchRandom.Build(run.Seed, "init", () => new StudentAndEma(run.Width, run.Network));
        pair.to(TorchSetup.Device);
        var student = pair.Student;
        var ema = pair.Ema;
        ema.eval();
        using var optimizer = new SGD(student.parameters(), run.LearningRate, run.Momentum, nesterov: run.Momentum > 0);

        var state = new LoopState(new long[Classes], new long[Classes], new long[Classes], new long[Classes], new long[Classes * Classes],
            new long[3], new int[auditIndices.Length], new int[auditIndices.Length], new int[auditIndices.Length],
            new int[auditIndices.Length], []);
        long start = 0;
        if (TrainingCheckpoint.TryResume(ctx, pair, optimizer, out long resumed, out LoopState saved))
            (start, state) = (resumed, saved);
        var evaluations = state.Evaluations.ToList();

        var labelledSchedule = new LabelledStream(labelled.Length, b, run.Seed);
        var unlabelledSchedule = new MinibatchSchedule(pool.Count, u, Seeds.Derive(run.Seed, "unlabelled"));
        var labelledImages = new float[b * Side * Side];
        var weakImages = new float[u * Side * Side];
        var strongImages = new float[u * Side * Side];
        var labelledTargets = new long[b];
        // The augmentation's share of a step is timed over every step but this process's first, whose time is mostly
        // compiling the kernels and warming libtorch up (at smoke, with 20–60 steps, it would dominate the share).
        var augmentTime = new Stopwatch();
        var stepTime = new Stopwatch();
        long tailFrom = run.Steps - Math.Max(1, run.Steps / 10);

        for (long step = start; step < run.Steps; step++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            long done = step + 1;
            bool timed = step > start;
            if (timed) stepTime.Start();
            var random = Seeds.Rng(run.Seed, FormattableString.Invariant($"augment:{step}"));
            var labelledBatch = Array.ConvertAll(labelledSchedule.Batch(step), i => labelled[i]);
            for (int i = 0; i < b; i++) labelledTargets[i] = pool.Labels[labelledBatch[i]];
            if (timed) augmentTime.Start();
            BatchAugment.ApplyToFloats(pool.Pixels, Side, Side, labelledBatch, weak.Draw(random, b, Side, Side), labelledImages);
            int[] unlabelledBatch = [];
            if (fixMatch)
            {
                unlabelledBatch = Array.ConvertAll(unlabelledSchedule.Batch(step), i => (int)i);
                BatchAugment.ApplyToFloats(pool.Pixels, Side, Side, unlabelledBatch, weak.Draw(random, u, Side, Side), weakImages);
                BatchAugment.ApplyToFloats(pool.Pixels, Side, Side, unlabelledBatch, strong.Draw(random, u, Side, Side), strongImages);
            }
            augmentTime.Stop();

            using (NewDisposeScope())
            {
                var inputs = (fixMatch
                    ? cat([tensor(labelledImages, [b, 1, Side, Side]), tensor(weakImages, [u, 1, Side, Side]),
                        tensor(strongImages, [u, 1, Side, Side])])
                    : tensor(labelledImages, [b, 1, Side, Side])).to(TorchSetup.Device);
                var (loss, term) = Step(run, step, pair, optimizer, inputs, tensor(labelledTargets, device: TorchSetup.Device));

                if (term is not null) Audit(state, term, unlabelledBatch, pool.Labels, step >= tailFrom);
                if (done % 10 == 0 || done == run.Steps)
                {
                    ctx.Log(done, "train_loss", loss.cpu().item<float>());
                    if (term is not null)
                    {
                        var mask = term.Mask.cpu();
                        ctx.Log(done, "unlabelled_loss", term.Loss.cpu().item<float>());
                        ctx.Log(done, "mask_rate", mask.mean().item<float>());
                        var correct = term.Targets.cpu().eq(tensor(Array.ConvertAll(unlabelledBatch, i => (long)pool.Labels[i])))
                            .to_type(ScalarType.Float32);
                        ctx.Log(done, "pseudo_label_accuracy", correct.mean().item<float>());
                        double accepted = mask.sum().item<float>();
                        if (accepted > 0) ctx.Log(done, "accepted_precision", correct.mul(mask).sum().item<float>() / accepted);
                    }
                }
            }
            stepTime.Stop();

            if (done % run.EvalEvery == 0 || done == run.Steps)
            {
                double test = Accuracy(ema, testX, testY), valid = Accuracy(ema, validX, validY);
                evaluations.Add([test, valid]);
                ctx.Log(done, "test_accuracy", test);
                ctx.Log(done, "validation_accuracy", valid);
                ctx.Log(done, "student_test_accuracy", Accuracy(student, testX, testY));
                if (fixMatch)
                {
                    LogWindow(ctx, done, state);
                    TrackConfidentlyWrong(state, student, auditX, auditIndices, pool.Labels, run.Threshold);
                }
                ctx.Report(done, run.Steps, $"{run.Method} {run.Labels} labels: test {test:P1}");
            }
            if (checkpointEvery > 0 && done % checkpointEvery == 0 && done < run.Steps)
                TrainingCheckpoint.Save(ctx, done, pair, optimizer, state with { Evaluations = [.. evaluations] });
        }
        TrainingCheckpoint.DeleteFiles(ctx);

        var last = evaluations.TakeLast(run.LastEvaluations).ToList();
        var confusion = Enumerable.Range(0, Classes).Select(t => state.Confusion.AsSpan(t * Classes, Classes).ToArray()).ToArray();
        var stuck = Enumerable.Range(0, auditIndices.Length).Where(i => state.Longest[i] > 0)
            .OrderByDescending(i => state.Longest[i]).ThenBy(i => i).Take(12)
            .Select(i => new ConfidentlyWrong(auditIndices[i], pool.Labels[auditIndices[i]], state.LongestLabel[i], state.Longest[i]))
            .ToArray();
        return new FixMatchResult(last.Average(e => e[0]), last.Average(e => e[1]),
            state.Tail[0] == 0 ? 0 : (double)state.Tail[1] / state.Tail[0],
            state.Tail[1] == 0 ? double.NaN : (double)state.Tail[2] / state.Tail[1],
            labelled, confusion, stuck, watch.Elapsed.TotalSeconds, augmentTime.Elapsed.TotalSeconds,
            stepTime.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One optimizer step k on a prepared batch: <paramref name="inputs"/> holds the B labelled images, then (FixMatch)
    /// the μB weak and the μB strong views, N × 1 × 28 × 28. One train-mode forward pass over all of them, ℓs + λu·ℓu +
    /// wd·Σ½‖W‖², backward, SGD at η·cos(7πk/16K), then the EMA update. Call it inside a dispose scope.
    /// </summary>
    /// <returns>The total loss and, for FixMatch, the unlabelled term (mask, pseudo-labels).</returns>
    public static (Tensor Loss, UnlabelledTerm? Term) Step(FixMatchRun run, long step, StudentAndEma pair, Optimizer optimizer,
        Tensor inputs, Tensor labels)
    {
        int b = (int)labels.shape[0];
        optimizer.LearningRate = FixMatchLoss.LearningRate(run.LearningRate, step, run.Steps);
        var logits = pair.Student.forward(inputs);
        var loss = FixMatchLoss.Supervised(logits.narrow(0, 0, b), labels);
        UnlabelledTerm? term = null;
        if (run.Method == TrainingMethod.FixMatch)
        {
            int u = (int)(inputs.shape[0] - b) / 2;
            term = FixMatchLoss.Unlabelled(logits.narrow(0, b, u), logits.narrow(0, b + u, u), run.Threshold, run.PseudoLabels,
                run.Temperature);
            loss = loss.add(term.Loss.mul(Scalars.Of(run.LambdaU)), Scalars.One);
        }
        if (run.WeightDecay > 0) loss = loss.add(FixMatchLoss.L2(pair.Student).mul(Scalars.Of(run.WeightDecay)), Scalars.One);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        FixMatchLoss.UpdateEma(pair.Student, pair.Ema, run.EmaDecay);
        return (loss, term);
    }

    /// <summary>
    /// The labelled batches: an endless stream of seeded permutations of the labelled set, cut into batches of B, so a
    /// batch may span two passes and B may exceed the number of labels (40 labels, B = 64), as the reference code's
    /// repeated, shuffled labelled dataset does. Batch k depends only on (seed, k).
    /// </summary>
    sealed class LabelledStream(int count, int batchSize, int seed)
    {
        readonly Dictionary<long, int[]> _passes = [];

        public int[] Batch(long step)
        {
            var batch = new int[batchSize];
            for (int i = 0; i < batchSize; i++)
            {
                long position = step * batchSize + i, pass = position / count;
                if (!_passes.TryGetValue(pass, out var order))
                {
                    if (_passes.Count > 4) _passes.Remove(_passes.Keys.Min());
                    _passes[pass] = order = Seeds.Permutation(count, seed, FormattableString.Invariant($"labelled-pass:{pass}"));
                }
                batch[i] = order[(int)(position % count)];
            }
            return batch;
        }
    }

    /// <summary>
    /// A dataset's first <paramref name="count"/> images as N × 1 × 28 × 28 floats and N labels on
    /// <see cref="TorchSetup.Device"/>, in the caller's scope.
    /// </summary>
    static (Tensor Images, Tensor Labels) Images(ImageDataset data, int count)
    {
        var (x, y) = TorchSetup.ToTensors(data.Take(count), TorchSetup.Device);
        using var flat = x;
        return (flat.reshape(-1, 1, Side, Side), y);
    }

    /// <summary>Accuracy of a network in eval mode (in batches of 1,000), without gradients; the mode is restored.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
    {
        bool training = model.training;
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long n = images.shape[0], correct = 0;
        for (long i = 0; i < n; i += 1_000)
        {
            long m = Math.Min(1_000, n - i);
            correct += model.forward(images.narrow(0, i, m)).argmax(1).eq(labels.narrow(0, i, m)).sum().cpu().item<long>();
        }
        if (training) model.train();
        return (double)correct / n;
    }

    static void Audit(LoopState state, UnlabelledTerm term, int[] batch, byte[] poolLabels, bool tail)
    {
        var mask = term.Mask.cpu().data<float>().ToArray();
        var targets = term.Targets.cpu().data<long>().ToArray();
        for (int i = 0; i < batch.Length; i++)
        {
            int truth = poolLabels[batch[i]], pseudo = (int)targets[i];
            bool accepted = mask[i] > 0;
            state.Seen[truth]++;
            if (tail) state.Tail[0]++;
            if (!accepted) continue;
            state.Accepted[truth]++;
            state.PseudoAccepted[pseudo]++;
            state.Confusion[truth * Classes + pseudo]++;
            if (tail) state.Tail[1]++;
            if (pseudo != truth) continue;
            state.PseudoCorrect[pseudo]++;
            if (tail) state.Tail[2]++;
        }
    }

    static void LogWindow(RunContext ctx, long done, LoopState state)
    {
        for (int c = 0; c < Classes; c++)
        {
            if (state.Seen[c] > 0) ctx.Log(done, $"acceptance_rate:{c}", (double)state.Accepted[c] / state.Seen[c]);
            if (state.PseudoAccepted[c] > 0) ctx.Log(done, $"precision:{c}", (double)state.PseudoCorrect[c] / state.PseudoAccepted[c]);
        }
        Array.Clear(state.Seen);
        Array.Clear(state.Accepted);
        Array.Clear(state.PseudoAccepted);
        Array.Clear(state.PseudoCorrect);
    }

    /// <summary>
    /// The audit images through the student in eval mode, without augmentation (an approximation of the weak views the
    /// pseudo-labels come from): an image predicted wrongly with confidence ≥ τ extends its streak if the wrong class is
    /// the same as at the last evaluation.
    /// </summary>
    static void TrackConfidentlyWrong(LoopState state, nn.Module<Tensor, Tensor> student, Tensor images, int[] indices, byte[] poolLabels,
        double threshold)
    {
        bool training = student.training;
        student.eval();
        float[] confidence;
        long[] predicted;
        using (no_grad())
        using (NewDisposeScope())
        {
            var (top, label) = nn.functional.softmax(student.forward(images), 1).max(1);
            confidence = top.cpu().data<float>().ToArray();
            predicted = label.cpu().data<long>().ToArray();
        }
        if (training) student.train();
        for (int i = 0; i < indices.Length; i++)
        {
            int truth = poolLabels[indices[i]], guess = (int)predicted[i];
            if (confidence[i] >= threshold && guess != truth)
            {
                state.Streak[i] = state.Streak[i] > 0 && state.StreakLabel[i] == guess ? state.Streak[i] + 1 : 1;
                state.StreakLabel[i] = guess;
                if (state.Streak[i] > state.Longest[i]) (state.Longest[i], state.LongestLabel[i]) = (state.Streak[i], guess);
            }
            else state.Streak[i] = 0;
        }
    }
}
