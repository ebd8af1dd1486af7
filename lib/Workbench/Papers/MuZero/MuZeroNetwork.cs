using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero's three functions as small multilayer perceptrons: representation h(o) → s, dynamics g(s, a) → (r, s′) and
/// prediction f(s) → (p, v). Hidden states are min-max normalised to [0, 1] per sample (MuZero, Appendix G), with the
/// range floored at 1e-5 so a constant state gives zeros instead of NaN. Board-game values and rewards are scalars in
/// [−1, 1] (tanh) trained with MSE, as the paper does for board games.
/// </summary>
public sealed class MuZeroNetwork : Module
{
    readonly Module<Tensor, Tensor> representation;
    readonly Module<Tensor, Tensor> dynamics;
    readonly Module<Tensor, Tensor> dynamics_state;
    readonly Module<Tensor, Tensor> dynamics_reward;
    readonly Module<Tensor, Tensor>? reward_branch;
    readonly Module<Tensor, Tensor> prediction;
    readonly Module<Tensor, Tensor> prediction_policy;
    readonly Module<Tensor, Tensor> prediction_value;

    /// <summary>Creates the network; weights come from torch's generator (build it with <see cref="TorchRandom.Build{T}"/>).</summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actions">Number of actions A.</param>
    /// <param name="hidden">Hidden-state size H.</param>
    /// <param name="width">Width of every hidden layer.</param>
    /// <param name="rewardWidth">0: the reward is a linear read-out of the dynamics' features (the paper's shape: one trunk,
    /// two heads). &gt; 0: the reward has its own two-layer branch of this width on (state, action), so the rare winning
    /// transitions do not compete with the next state for the trunk's features.</param>
    public MuZeroNetwork(int observationSize, int actions, int hidden, int width, int rewardWidth = 0) : base(nameof(MuZeroNetwork))
    {
        (Actions, HiddenSize) = (actions, hidden);
        representation = Sequential(Linear(observationSize, width), ReLU(), Linear(width, width), ReLU(), Linear(width, hidden));
        dynamics = Sequential(Linear(hidden + actions, width), ReLU(), Linear(width, width), ReLU());
        dynamics_state = Linear(width, hidden);
        dynamics_reward = rewardWidth > 0 ? Linear(rewardWidth, 1) : Linear(width, 1);
        if (rewardWidth > 0)
            reward_branch = Sequential(Linear(hidden + actions, rewardWidth), ReLU(), Linear(rewardWidth, rewardWidth), ReLU());
        prediction = Sequential(Linear(hidden, width), ReLU(), Linear(width, width), ReLU());
        prediction_policy = Linear(width, actions);
        prediction_value = Linear(width, 1);
        RegisterComponents();
    }

    /// <summary>Number of actions A.</summary>
    public int Actions { get; }

    /// <summary>Hidden-state size H.</summary>
    public int HiddenSize { get; }

    /// <summary>h: B × O observations → B × H hidden states in [0, 1].</summary>
    public Tensor Represent(Tensor observations) => Normalise(representation.forward(observations));

    /// <summary>g: B × H states and B actions (int64) → (B × H next states in [0, 1], B rewards in [−1, 1]).</summary>
    public (Tensor State, Tensor Reward) Dynamics(Tensor states, Tensor actions)
    {
        using var oneHot = functional.one_hot(actions, Actions).to(ScalarType.Float32);
        using var input = cat([states, oneHot], 1);
        using var features = dynamics.forward(input);
        using var delta = dynamics_state.forward(features);
        using var rewardFeatures = reward_branch is null ? null : reward_branch.forward(input);
        using var rawReward = dynamics_reward.forward(rewardFeatures ?? features);
        // A residual step, as the paper's dynamics network is a residual tower: the next state is the current one changed.
        using var rawState = states.add(delta, Scalars.One);
        return (Normalise(rawState), rawReward.squeeze(1).tanh());
    }

    /// <summary>f: B × H states → (B × A policy logits, B values in [−1, 1]).</summary>
    public (Tensor Logits, Tensor Value) Predict(Tensor states)
    {
        using var features = prediction.forward(states);
        using var rawValue = prediction_value.forward(features);
        return (prediction_policy.forward(features), rawValue.squeeze(1).tanh());
    }

    /// <summary>Min-max normalisation of each row to [0, 1] (range floored at 1e-5).</summary>
    public static Tensor Normalise(Tensor state)
    {
        using var min = state.amin([1], keepdim: true);
        using var max = state.amax([1], keepdim: true);
        using var span = max.sub(min);
        using var range = span.clamp_min(Scalars.Of(1e-5));
        using var shifted = state.sub(min);
        return shifted / range;
    }
}
