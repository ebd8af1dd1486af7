namespace Workbench.Papers.MuZero;

/// <summary>
/// The cart-pole balancing task (Barto, Sutton &amp; Anderson 1983, "Neuronlike adaptive elements that can solve
/// difficult learning control problems"), with the equations, constants and episode rules of OpenAI Gym's /
/// Gymnasium's <c>CartPole-v1</c> (<c>gymnasium/envs/classic_control/cartpole.py</c>, <c>step</c> and <c>reset</c>): a
/// single-player task with a continuous state and two actions (0 = push left, 1 = push right with 10 N).
/// </summary>
/// <remarks>
/// One step, with F = ±10 N, g = 9.8 m/s², cart mass 1.0 kg, pole mass m = 0.1 kg, half pole length l = 0.5 m, total
/// mass M = 1.1 kg and τ = 0.02 s (explicit Euler, Gym's default <c>kinematics_integrator = "euler"</c>):
/// temp = (F + m l θ̇² sin θ) / M;
/// θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m cos² θ / M));
/// ẍ = temp − m l θ̈ cos θ / M;
/// x ← x + τ ẋ, ẋ ← ẋ + τ ẍ, θ ← θ + τ θ̇, θ̇ ← θ̇ + τ θ̈ (positions use the old velocities).
/// The episode terminates when |x| &gt; 2.4 m or |θ| &gt; 12° (12 · 2π / 360 rad); the reward is 1 for every step,
/// the terminating one included; <c>CartPole-v1</c>'s time limit truncates the episode after 500 steps. A reset draws
/// each of the four state variables uniformly from [−0.05, 0.05). The state is kept in float64 as Gym keeps it;
/// observations are float32 as Gym returns them.
/// </remarks>
/// <param name="X">Cart position (m).</param>
/// <param name="XDot">Cart velocity (m/s).</param>
/// <param name="Theta">Pole angle from upright (rad, positive = leaning right).</param>
/// <param name="ThetaDot">Pole angular velocity (rad/s).</param>
/// <param name="Steps">Steps taken since the reset.</param>
public readonly record struct CartPole(double X, double XDot, double Theta, double ThetaDot, int Steps = 0)
{
    /// <summary>Actions: 0 pushes the cart left, 1 pushes it right.</summary>
    public const int ActionCount = 2;

    /// <summary>Floats per observation: x, ẋ, θ, θ̇.</summary>
    public const int ObservationSize = 4;

    /// <summary>Gravity g (m/s²).</summary>
    public const double Gravity = 9.8;

    /// <summary>Cart mass (kg).</summary>
    public const double CartMass = 1.0;

    /// <summary>Pole mass m (kg).</summary>
    public const double PoleMass = 0.1;

    /// <summary>Half the pole's length l (m).</summary>
    public const double HalfLength = 0.5;

    /// <summary>Magnitude of the push F (N).</summary>
    public const double Force = 10.0;

    /// <summary>Seconds per step τ.</summary>
    public const double Tau = 0.02;

    /// <summary>Cart position beyond which the episode terminates (m).</summary>
    public const double XThreshold = 2.4;

    /// <summary>Pole angle beyond which the episode terminates: 12° in radians.</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;

    /// <summary>Steps after which <c>CartPole-v1</c> truncates an episode.</summary>
    public const int StepLimit = 500;

    /// <summary>Half-width of the uniform reset range of each state variable.</summary>
    public const double ResetRange = 0.05;

    /// <summary>A fresh episode: x, ẋ, θ, θ̇ each uniform in [−0.05, 0.05).</summary>
    public static CartPole Reset(Random rng) => new(Uniform(rng), Uniform(rng), Uniform(rng), Uniform(rng));

    /// <summary>True when the cart left [−2.4, 2.4] or the pole fell beyond ±12°.</summary>
    public bool IsTerminated => X < -XThreshold || X > XThreshold || Theta < -ThetaThreshold || Theta > ThetaThreshold;

    /// <summary>True when the 500-step limit is reached without termination.</summary>
    public bool IsTruncated => !IsTerminated && Steps >= StepLimit;

    /// <summary>True when the episode is over (terminated or truncated).</summary>
    public bool IsOver => IsTerminated || Steps >= StepLimit;

    /// <summary>True when <paramref name="action"/> is 0 or 1 and the episode is not over.</summary>
    public bool IsLegal(int action) => action is 0 or 1 && !IsOver;

    /// <summary>One Euler step of Gym's equations and the reward (1 for every step, the terminating one included).</summary>
    /// <exception cref="ArgumentException">The action is not 0 or 1, or the episode is already over.</exception>
    public (CartPole Next, double Reward) Step(int action)
    {
        if (IsOver)
            throw new ArgumentException($"Action {action} is not allowed: the cart-pole episode is already over after {Steps} steps.");
        if (action is not (0 or 1))
            throw new ArgumentException($"Action {action} is not allowed: choose 0 (push left) or 1 (push right).");
        const double totalMass = CartMass + PoleMass, poleMassLength = PoleMass * HalfLength;
        double force = action == 1 ? Force : -Force;
        double cos = Math.Cos(Theta), sin = Math.Sin(Theta);
        double temp = (force + poleMassLength * ThetaDot * ThetaDot * sin) / totalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / totalMass));
        double xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        var next = new CartPole(X + Tau * XDot, XDot + Tau * xAcc, Theta + Tau * ThetaDot, ThetaDot + Tau * thetaAcc, Steps + 1);
        return (next, 1.0);
    }

    /// <summary>The observation: x, ẋ, θ, θ̇ as float32.</summary>
    public void Observation(Span<float> into)
    {
        into[0] = (float)X;
        into[1] = (float)XDot;
        into[2] = (float)Theta;
        into[3] = (float)ThetaDot;
    }

    static double Uniform(Random rng) => -ResetRange + 2 * ResetRange * rng.NextDouble();
}
