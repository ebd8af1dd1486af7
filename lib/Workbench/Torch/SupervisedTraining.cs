using Workbench.Runs;
using static TorchSharp.torch;

namespace Workbench.Torch;

/// <summary>
/// The shared supervised training loop: minibatches from a seeded <see cref="MinibatchSchedule"/>, one dispose scope
/// around every step (forward, loss, backward, the caller's gradient hook, the optimizer step, the caller's weight
/// hook), periodic evaluation, checkpoints of model + optimizer + the caller's own state, and resume from the last
/// checkpoint with the same numbers as an uninterrupted run. Nothing a step creates outlives it or reaches the .NET
/// finalizer (see <see cref="Optimizer"/> for why that matters).
/// </summary>
/// <typeparam name="TState">The caller's resumable bookkeeping (a small JSON-serialisable record, e.g. best loss so far).</typeparam>
public sealed class SupervisedTraining<TState> where TState : notnull
{
    /// <summary>The network; its forward pass maps a batch of inputs to logits.</summary>
    public required nn.Module<Tensor, Tensor> Model { get; init; }

    /// <summary>The optimizer over the model's parameters.</summary>
    public required Optimizer Optimizer { get; init; }

    /// <summary>Training inputs, examples along dimension 0.</summary>
    public required Tensor Inputs { get; init; }

    /// <summary>Training targets, examples along dimension 0.</summary>
    public required Tensor Targets { get; init; }

    /// <summary>Optimizer steps in all.</summary>
    public required long Steps { get; init; }

    /// <summary>Examples per step.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Seed of the minibatch order.</summary>
    public required int Seed { get; init; }

    /// <summary>Loss of a batch from (model output, targets); default: mean cross-entropy.</summary>
    public Func<Tensor, Tensor, Tensor> Loss { get; init; } = (output, targets) => nn.functional.cross_entropy(output, targets);

    /// <summary>Runs after backward, before the optimizer step, inside the step's scope (e.g. masking gradients).</summary>
    public Action? AfterBackward { get; init; }

    /// <summary>Runs after the optimizer step, inside the step's scope (e.g. re-applying a pruning mask).</summary>
    public Action? AfterStep { get; init; }

    /// <summary>Record the batch loss as "train_loss" every this many steps (0: never).</summary>
    public int LogLossEvery { get; init; }

    /// <summary>Call <see cref="Evaluate"/> every this many steps and after the last one (0: only after the last).</summary>
    public int EvaluateEvery { get; init; }

    /// <summary>
    /// Evaluation after step <c>done</c> (1-based count of steps taken): logs metrics, updates the state, and returns a
    /// short progress detail such as "test 84.1 %".
    /// </summary>
    public Func<long, TState, (TState State, string Detail)>? Evaluate { get; init; }

    /// <summary>Runs after every step with the number of steps done (e.g. saving weights at a rewind point).</summary>
    public Action<long>? AfterEachStep { get; init; }

    /// <summary>Checkpoint every this many steps (0: never); none after the last step.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>
    /// Trains from step 0, or from the run's last checkpoint, to <see cref="Steps"/>, and returns the caller's state.
    /// </summary>
    public TState Run(RunContext context, TState initial)
    {
        var state = initial;
        long start = TrainingCheckpoint.TryResume(context, Model, Optimizer, out long resumed, out TState saved) ? resumed : 0;
        if (start > 0) state = saved;
        var schedule = new MinibatchSchedule((int)Inputs.shape[0], BatchSize, Seed);
        for (long step = start; step < Steps; step++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            long done = step + 1;
            using (NewDisposeScope())
            {
                var index = tensor(schedule.Batch(step), device: Inputs.device); // on the inputs' device (index_select needs it)
                var loss = Loss(Model.forward(Inputs.index_select(0, index)), Targets.index_select(0, index));
                Optimizer.zero_grad();
                loss.backward();
                AfterBackward?.Invoke();
                Optimizer.step();
                AfterStep?.Invoke();
                if (LogLossEvery > 0 && done % LogLossEvery == 0)
                {
                    double value = loss.item<float>();
                    context.Log(done, "train_loss", value);
                    if (Evaluate is null) context.Report(done, Steps, $"loss {value:0.###}");
                }
            }
            AfterEachStep?.Invoke(done);
            if (Evaluate is not null && ((EvaluateEvery > 0 && done % EvaluateEvery == 0) || done == Steps))
            {
                (state, string detail) = Evaluate(done, state);
                context.Report(done, Steps, detail);
            }
            if (CheckpointEvery > 0 && done % CheckpointEvery == 0 && done < Steps)
                TrainingCheckpoint.Save(context, done, Model, Optimizer, state);
        }
        TrainingCheckpoint.DeleteFiles(context);
        return state;
    }

    /// <summary>Mean cross-entropy and accuracy of a classifier on (inputs, labels), without gradients.</summary>
    public static (double Loss, double Accuracy) Classify(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.forward(inputs);
        double loss = nn.functional.cross_entropy(logits, labels).item<float>();
        double accuracy = logits.argmax(1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
        return (loss, accuracy);
    }
}

/// <summary>The state of a training loop whose caller keeps none.</summary>
public sealed record NoState;
