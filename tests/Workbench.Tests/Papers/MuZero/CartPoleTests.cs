using Workbench.Kernels.Mcts;
using Workbench.Papers.MuZero;

namespace Workbench.Tests.Papers.MuZero;

public class CartPoleTests
{
    [Fact]
    public void A_push_right_from_rest_matches_the_hand_derived_step()
    {
        // θ = 0: sin 0 = 0, cos 0 = 1, F = 10, M = 1.1, m l = 0.05. temp = 10 / 1.1 = 100/11;
        // θ̈ = −temp / (0.5 (4/3 − 0.1/1.1)) = −(100/11) / (41/66) = −600/41; ẍ = 100/11 + 0.05 (600/41) / 1.1 = 4400/451.
        // Euler: x and θ keep their old velocities (0); ẋ = 0.02 · 4400/451 = 88/451; θ̇ = 0.02 · (−600/41) = −12/41.
        var (next, reward) = new CartPole(0, 0, 0, 0).Step(1);
        Assert.Equal(1.0, reward);
        Assert.Equal(0, next.X, 15);
        Assert.Equal(88.0 / 451, next.XDot, 14);
        Assert.Equal(0, next.Theta, 15);
        Assert.Equal(-12.0 / 41, next.ThetaDot, 14);
        Assert.Equal(1, next.Steps);
        // A push left is the mirror image.
        var left = new CartPole(0, 0, 0, 0).Step(0).Next;
        Assert.Equal(-88.0 / 451, left.XDot, 14);
        Assert.Equal(12.0 / 41, left.ThetaDot, 14);
    }

    [Fact]
    public void A_tilted_moving_state_matches_the_equations_written_out()
    {
        // θ = 0.15 rad, θ̇ = 2, x = 1, ẋ = −0.5, push left (F = −10); M = 1.1, m l = 0.05, l = 0.5.
        double sin = Math.Sin(0.15), cos = Math.Cos(0.15);
        double temp = (-10 + 0.05 * 4 * sin) / 1.1;
        double thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3 - 0.1 * cos * cos / 1.1));
        double xAcc = temp - 0.05 * thetaAcc * cos / 1.1;
        var next = new CartPole(1, -0.5, 0.15, 2).Step(0).Next;
        Assert.Equal(1 + 0.02 * -0.5, next.X, 14);
        Assert.Equal(-0.5 + 0.02 * xAcc, next.XDot, 12);
        Assert.Equal(0.15 + 0.02 * 2, next.Theta, 14);
        Assert.Equal(2 + 0.02 * thetaAcc, next.ThetaDot, 12);
    }

    [Fact]
    public void The_episode_terminates_beyond_12_degrees_or_2_4_metres_with_the_last_reward_paid()
    {
        Assert.Equal(12 * Math.PI / 180, CartPole.ThetaThreshold, 15);
        var falling = new CartPole(0, 0, 0.2094, 1.0);
        Assert.False(falling.IsTerminated);
        var (fallen, reward) = falling.Step(1);
        Assert.True(fallen.IsTerminated);
        Assert.True(fallen.IsOver);
        Assert.Equal(1.0, reward);
        Assert.True(new CartPole(2.41, 0, 0, 0).IsTerminated);
        Assert.True(new CartPole(-2.41, 0, 0, 0).IsTerminated);
        Assert.False(new CartPole(2.4, 0, -0.2, 0).IsTerminated);
        var ex = Assert.Throws<ArgumentException>(() => fallen.Step(0));
        Assert.Equal("Action 0 is not allowed: the cart-pole episode is already over after 1 steps.", ex.Message);
        Assert.Equal("Action 2 is not allowed: choose 0 (push left) or 1 (push right).",
            Assert.Throws<ArgumentException>(() => new CartPole(0, 0, 0, 0).Step(2)).Message);
    }

    [Fact]
    public void Episodes_are_truncated_after_500_steps()
    {
        var late = new CartPole(0, 0, 0, 0, Steps: 499);
        Assert.False(late.IsOver);
        var last = late.Step(0).Next;
        Assert.Equal(500, last.Steps);
        Assert.True(last.IsTruncated);
        Assert.False(last.IsTerminated);
        Assert.True(last.IsOver);
        Assert.False(last.IsLegal(0));
        Assert.Throws<ArgumentException>(() => last.Step(1));
        // A simple controller (push towards where the pole leans, with damping) from seeded resets: every episode ends
        // by 500 steps, with one reward per step.
        for (int seed = 0; seed < 5; seed++)
        {
            var s = CartPole.Reset(new Random(seed));
            double total = 0;
            while (!s.IsOver)
            {
                var (next, reward) = s.Step(s.Theta + 0.5 * s.ThetaDot + 0.01 * s.X + 0.1 * s.XDot > 0 ? 1 : 0);
                total += reward;
                s = next;
            }
            Assert.InRange(s.Steps, 1, CartPole.StepLimit);
            Assert.Equal(s.Steps, total);
        }
    }

    [Fact]
    public void Seeded_resets_are_reproducible_and_within_five_hundredths()
    {
        Assert.Equal(CartPole.Reset(new Random(3)), CartPole.Reset(new Random(3)));
        Assert.NotEqual(CartPole.Reset(new Random(3)), CartPole.Reset(new Random(4)));
        var rng = new Random(7);
        var obs = new float[CartPole.ObservationSize];
        for (int i = 0; i < 2000; i++)
        {
            var s = CartPole.Reset(rng);
            Assert.Equal(0, s.Steps);
            foreach (double v in new[] { s.X, s.XDot, s.Theta, s.ThetaDot }) Assert.InRange(v, -0.05, 0.05);
            s.Observation(obs);
            Assert.Equal((float)s.ThetaDot, obs[3]);
        }
    }

    /// <summary>Best discounted return over every action sequence of <paramref name="depth"/> steps (exhaustive).</summary>
    static double BestReturn(CartPole s, int depth, double gamma)
    {
        if (depth == 0 || s.IsOver) return 0;
        double best = 0;
        for (int a = 0; a < 2; a++)
        {
            var (next, reward) = s.Step(a);
            best = Math.Max(best, reward + gamma * BestReturn(next, depth - 1, gamma));
        }
        return best;
    }

    [Theory]
    [InlineData(SearchKind.Puct)]
    [InlineData(SearchKind.Gumbel)]
    public void Search_with_the_true_model_keeps_a_falling_pole_up_longer(SearchKind kind)
    {
        const double gamma = 0.997;
        var model = new CartPoleModel(gamma);
        CartPole[] candidates =
        [
            new(0, 0, 0.17, 0.6), new(0, 0, -0.17, -0.6), new(0.5, 0.3, 0.18, 0.9), new(-0.5, -0.3, -0.18, -0.9),
            new(2.2, 1.2, 0.02, 0), new(-2.2, -1.2, -0.02, 0), new(0, 0, 0.2, 0.3), new(1, 0, -0.19, -0.5),
        ];
        // Keep the states where the exhaustive 10-step look-ahead tells the two actions apart clearly.
        var states = new List<CartPole>();
        var better = new List<int>();
        foreach (var s in candidates)
        {
            double left = 1 + gamma * BestReturn(s.Step(0).Next, 9, gamma), right = 1 + gamma * BestReturn(s.Step(1).Next, 9, gamma);
            if (Math.Abs(left - right) < 0.5) continue;
            states.Add(s);
            better.Add(right > left ? 1 : 0);
        }
        Assert.True(states.Count >= 4, $"only {states.Count} candidate states separate the actions");
        var options = new SearchOptions { Kind = kind, Simulations = 300, DirichletFraction = 0, GumbelScale = 0, ConsideredActions = 2 };
        var result = BatchedSearch.Run(model, model.Roots(states), options, new Random(0));
        for (int b = 0; b < states.Count; b++)
            Assert.True(better[b] == result.Actions[b], $"{kind}: state {states[b]} chose {result.Actions[b]}, not {better[b]}");
    }

    [Fact]
    public void The_model_absorbs_after_the_end_and_checks_its_discount()
    {
        var model = new CartPoleModel(0.99);
        var falling = new CartPole(0, 0, 0.2094, 1.0);
        var embeddings = new float[CartPoleModel.Size];
        CartPoleModel.Embed(falling, embeddings);
        var next = new float[CartPoleModel.Size];
        float[] reward = [0], discount = [0], logits = [0, 0], value = [0];
        model.Step(1, embeddings, [1], next, reward, discount, logits, value);
        Assert.Equal((1f, 0.99f, 1f), (reward[0], discount[0], next[^1]));
        var after = new float[CartPoleModel.Size];
        model.Step(1, next, [0], after, reward, discount, logits, value);
        Assert.Equal((0f, 0f, 0f), (reward[0], discount[0], value[0]));
        Assert.Equal(next, after);
        foreach (double bad in new[] { 0.0, -0.5, 1.5, double.NaN })
            Assert.StartsWith($"discount = {bad} is out of range", Assert.Throws<ArgumentException>(() => new CartPoleModel(bad)).Message);
    }
}
