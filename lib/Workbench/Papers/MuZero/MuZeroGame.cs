using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// What the training loop needs of a game (<see cref="GameKind"/>): observation and action sizes, whether it has two
/// players (backups and value targets with −γ) or one (+γ), the symmetries used for augmentation, self-play of a batch
/// of games with one batched search per move, and the measurements of the agent (board games: wins, draws and losses
/// against fixed opponents; cart-pole: the episode return).
/// </summary>
public abstract class MuZeroGame
{
    /// <summary>The game of a kind.</summary>
    public static MuZeroGame For(GameKind kind) => kind switch
    {
        GameKind.TicTacToe => BoardGame<TicTacToe>.TicTacToe,
        GameKind.ConnectFour => BoardGame<ConnectFour>.ConnectFour,
        _ => CartPoleGame.Instance,
    };

    /// <summary>The kind.</summary>
    public abstract GameKind Kind { get; }

    /// <summary>A short name for tables and figures.</summary>
    public abstract string Title { get; }

    /// <summary>Floats per observation.</summary>
    public abstract int ObservationSize { get; }

    /// <summary>Actions A.</summary>
    public abstract int ActionCount { get; }

    /// <summary>True for two-player zero-sum games (values from the mover's side, negamax backups).</summary>
    public abstract bool TwoPlayer { get; }

    /// <summary>
    /// Symmetries for augmentation as action permutations (perm[a] = image of a), or null; each with
    /// <see cref="PlaneSymmetries"/>' permutation of one observation plane at the same index.
    /// </summary>
    public abstract IReadOnlyList<int[]>? Symmetries { get; }

    /// <summary>The permutation of one observation plane under each of <see cref="Symmetries"/>.</summary>
    public abstract IReadOnlyList<int[]>? PlaneSymmetries { get; }

    /// <summary>The fixed opponents the agent is measured against (none for a single-player task).</summary>
    public abstract IReadOnlyList<Opponent> Opponents { get; }

    /// <summary>Plays <paramref name="count"/> self-play games at once (see <see cref="MuZeroTraining.SelfPlay"/>).</summary>
    public abstract List<GameRecord> SelfPlay(Planner planner, MuZeroTrainRun run, int count, Random rng);

    /// <summary>Matches against a fixed opponent (two-player games only).</summary>
    /// <exception cref="NotSupportedException">The game has one player.</exception>
    public abstract Score Play(Planner planner, Opponent opponent, int games, SearchOptions options, Random rng);

    /// <summary>Episode returns of the agent (single-player tasks only), all episodes searched as one batch.</summary>
    /// <exception cref="NotSupportedException">The game has two players.</exception>
    public abstract double[] Returns(Planner planner, MuZeroTrainRun run, int episodes, SearchOptions options, Random rng);

    /// <summary>
    /// Self-play of a batch of episodes from <paramref name="states"/>: every move is one batched search over the live
    /// ones (<paramref name="search"/>); the first <see cref="MuZeroTrainRun.ExploreMoves"/> actions are sampled from the
    /// search's policy target, later ones are its choice; each move records the observation before it, the action, the
    /// policy target, the root's search value and the reward for the mover.
    /// </summary>
    protected static List<GameRecord> Record<TState>(TState[] states, MuZeroTrainRun run, int actionCount, int observationSize,
        Func<IReadOnlyList<TState>, SearchResult> search, Action<TState, float[]> observe, Func<TState, int, (TState, float)> step,
        Func<TState, bool> over, Random rng)
    {
        int count = states.Length, A = actionCount;
        var obs = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var actions = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        var policies = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var rewards = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var values = Enumerable.Range(0, count).Select(_ => new List<float>()).ToArray();
        var live = Enumerable.Range(0, count).ToList();
        var observation = new float[observationSize];
        for (int move = 0; live.Count > 0; move++)
        {
            var result = search([.. live.Select(g => states[g])]);
            for (int i = 0; i < live.Count; i++)
            {
                int g = live[i];
                int action = result.Actions[i];
                if (move < run.ExploreMoves) action = Sample(result.ActionWeights.AsSpan(i * A, A), rng);
                observe(states[g], observation);
                obs[g].AddRange(observation);
                actions[g].Add(action);
                policies[g].AddRange(result.ActionWeights.AsSpan(i * A, A).ToArray());
                values[g].Add(result.RootValues[i]);
                var (next, reward) = step(states[g], action);
                rewards[g].Add(reward);
                states[g] = next;
            }
            live = [.. live.Where(g => !over(states[g]))];
        }
        return [.. Enumerable.Range(0, count).Select(g => new GameRecord([.. obs[g]], [.. actions[g]], [.. policies[g]],
            [.. rewards[g]], [.. values[g]]))];
    }

    /// <summary>A move drawn from a policy target (weights over the actions, summing to 1).</summary>
    public static int Sample(ReadOnlySpan<float> weights, Random rng)
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
}
