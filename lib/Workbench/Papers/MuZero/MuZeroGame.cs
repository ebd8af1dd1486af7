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
