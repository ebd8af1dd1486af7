using TorchSharp;
using Workbench.Kernels.Mcts;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Workbench.Papers.MuZero;

/// <summary>
/// MuZero's three functions as small multilayer perceptrons: representation h(o) → s, dynamics g(s, a) → (r, s′) and
/// prediction f(s) → (p, v). Hidden states are min-max normalised to [0, 1] per sample (MuZero, Appendix G), with the
/// range floored at 1e-5 so a constant state gives zeros instead of NaN. Board-game values and rewards are scalars in
/// [−1, 1] (tanh) trained with MSE, as the paper does for board games; with a categorical support S &gt; 0 (unbounded
/// returns, MuZero Appendix F) the value and reward heads give 2S + 1 logits over {−S, …, S} of h(x) instead
/// (<see cref="Scalar"/> turns either into numbers).
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
    /// <param name="supportSize">0: scalar tanh value and reward (board games). S &gt; 0: the value and reward heads give
    /// 2S + 1 logits of a categorical distribution over h(x) (<see cref="CategoricalSupportTensors"/>).</param>
    public MuZeroNetwork(int observationSize, int actions, int hidden, int width, int rewardWidth = 0, int supportSize = 0)
        : base(nameof(MuZeroNetwork))
    {
        (Actions, HiddenSize, SupportSize) = (actions, hidden, supportSize);
        int heads = supportSize > 0 ? 2 * supportSize + 1 : 1;
        representation = Sequential(Linear(observationSize, width), ReLU(), Linear(width, width), ReLU(), Linear(width, hidden));
        dynamics = Sequential(Linear(hidden + actions, width), ReLU(), Linear(width, width), ReLU());
        dynamics_state = Linear(width, hidden);
        dynamics_reward = rewardWidth > 0 ? Linear(rewardWidth, heads) : Linear(width, heads);
        if (rewardWidth > 0)
            reward_branch = Sequential(Linear(hidden + actions, rewardWidth), ReLU(), Linear(rewardWidth, rewardWidth), ReLU());
        prediction = Sequential(Linear(hidden, width), ReLU(), Linear(width, width), ReLU());
        prediction_policy = Linear(width, actions);
        prediction_value = Linear(width, heads);
        RegisterComponents();
    }

    /// <summary>Number of actions A.</summary>
    public int Actions { get; }

    /// <summary>Hidden-state size H.</summary>
    public int HiddenSize { get; }

    /// <summary>S of the categorical value and reward support; 0 = scalar tanh heads.</summary>
    public int SupportSize { get; }

    /// <summary>h: B × O observations → B × H hidden states in [0, 1].</summary>
    public Tensor Represent(Tensor observations) => Normalise(representation.forward(observations));

    /// <summary>
    /// g: B × H states and B actions (int64) → (B × H next states in [0, 1], the reward head: B rewards in [−1, 1], or
    /// B × (2S + 1) logits with a categorical support).
    /// </summary>
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
        return (Normalise(rawState), SupportSize > 0 ? rawReward.alias() : rawReward.squeeze(1).tanh());
    }

    /// <summary>f: B × H states → (B × A policy logits, the value head: B values in [−1, 1], or B × (2S + 1) logits).</summary>
    public (Tensor Logits, Tensor Value) Predict(Tensor states)
    {
        using var features = prediction.forward(states);
        using var rawValue = prediction_value.forward(features);
        return (prediction_policy.forward(features), SupportSize > 0 ? rawValue.alias() : rawValue.squeeze(1).tanh());
    }

    /// <summary>
    /// B numbers from a value or reward head: the tanh scalars as they are, or with a categorical support softmax,
    /// expectation over {−S, …, S} and h⁻¹ (<see cref="CategoricalSupportTensors.Decode"/>).
    /// </summary>
    public Tensor Scalar(Tensor head) => SupportSize > 0 ? CategoricalSupportTensors.Decode(head, SupportSize) : head.alias();

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
