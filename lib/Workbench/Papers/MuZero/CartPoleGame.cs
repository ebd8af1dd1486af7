using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// Cart-pole (<see cref="CartPole"/>) as the training loop sees it: one player, reward 1 per step, discount γ (never
/// negated), episodes capped at <see cref="MuZeroTrainRun.EpisodeSteps"/> steps. A capped (truncated) episode is
/// treated as ended for the value targets (no bootstrap past the cap), as muzero-general does; the cap is the episode's
/// length, so the states near it are few.
/// </summary>
public sealed class CartPoleGame : MuZeroGame
{
    CartPoleGame() { }

    /// <summary>The one instance.</summary>
    public static CartPoleGame Instance { get; } = new();

    /// <inheritdoc/>
    public override GameKind Kind => GameKind.CartPole;

    /// <inheritdoc/>
    public override string Title => "cart-pole";

    /// <inheritdoc/>
    public override int ObservationSize => CartPole.ObservationSize;

    /// <inheritdoc/>
    public override int ActionCount => CartPole.ActionCount;

    /// <inheritdoc/>
    public override bool TwoPlayer => false;

    /// <inheritdoc/>
    public override IReadOnlyList<int[]>? Symmetries => null;

    /// <inheritdoc/>
    public override IReadOnlyList<int[]>? PlaneSymmetries => null;

    /// <inheritdoc/>
    public override IReadOnlyList<Opponent> Opponents => [];

    /// <summary>
    /// Plays <paramref name="count"/> episodes at once from random resets, one batched search per step over the live
    /// ones; the first <see cref="MuZeroTrainRun.ExploreMoves"/> actions are sampled from the policy target.
    /// </summary>
    public override List<GameRecord> SelfPlay(Planner planner, MuZeroTrainRun run, int count, Random rng)
    {
        var states = Enumerable.Range(0, count).Select(_ => CartPole.Reset(rng)).ToArray();
        var options = run.SelfPlayOptions;
        return Record(states, run, CartPole.ActionCount, CartPole.ObservationSize, live => planner.SearchCartPole(live, options, rng),
            (s, into) => s.Observation(into), (s, a) =>
            {
                var (next, reward) = s.Step(a);
                return (next, (float)reward);
            }, s => Over(s, run.EpisodeSteps), rng);
    }

    /// <inheritdoc/>
    public override Score Play(Planner planner, Opponent opponent, int games, SearchOptions options, Random rng) =>
        throw new NotSupportedException("cart-pole has one player: measure it by its episode return, not against an opponent.");

    /// <summary>
    /// The undiscounted return (steps balanced, at most the cap) of <paramref name="episodes"/> episodes from random
    /// resets, every step one batched search over the live episodes.
    /// </summary>
    public override double[] Returns(Planner planner, MuZeroTrainRun run, int episodes, SearchOptions options, Random rng)
    {
        var states = Enumerable.Range(0, episodes).Select(_ => CartPole.Reset(rng)).ToArray();
        var returns = new double[episodes];
        var live = Enumerable.Range(0, episodes).ToList();
        while (live.Count > 0)
        {
            var result = planner.SearchCartPole([.. live.Select(g => states[g])], options, rng);
            for (int i = 0; i < live.Count; i++)
            {
                var (next, reward) = states[live[i]].Step(result.Actions[i]);
                states[live[i]] = next;
                returns[live[i]] += reward;
            }
            live = [.. live.Where(g => !Over(states[g], run.EpisodeSteps))];
        }
        return returns;
    }

    /// <summary>True when the episode terminated or reached the cap (at most <see cref="CartPole.StepLimit"/>).</summary>
    public static bool Over(CartPole state, int cap) => state.IsOver || state.Steps >= cap;
}
