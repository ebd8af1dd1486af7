using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// A two-player board game (<see cref="IBoardGame{TGame}"/>) as the training loop sees it: tic-tac-toe (8 rotations and
/// reflections, opponents random, rule bot and perfect play) or Connect-4 (the left-right mirror, opponents random and
/// rule bot).
/// </summary>
/// <typeparam name="TGame">The position type.</typeparam>
public sealed class BoardGame<TGame> : MuZeroGame where TGame : struct, IBoardGame<TGame>
{
    readonly Func<Opponent, TGame, Random, int> _opponent;

    BoardGame(GameKind kind, string title, IReadOnlyList<int[]> symmetries, IReadOnlyList<int[]> planeSymmetries,
        IReadOnlyList<Opponent> opponents, Func<Opponent, TGame, Random, int> opponent)
    {
        (Kind, Title, Symmetries, PlaneSymmetries, Opponents, _opponent) =
            (kind, title, symmetries, planeSymmetries, opponents, opponent);
    }

    /// <summary>Tic-tac-toe.</summary>
    public static BoardGame<TicTacToe> TicTacToe { get; } = new(GameKind.TicTacToe, "tic-tac-toe", MuZero.TicTacToe.Symmetries,
        MuZero.TicTacToe.Symmetries, Enum.GetValues<Opponent>(), (o, p, r) => MuZero.Opponents.Move(o, p, r));

    /// <summary>Connect-4: the identity and the left-right mirror (column c ↔ 6 − c).</summary>
    public static BoardGame<ConnectFour> ConnectFour { get; } = new(GameKind.ConnectFour, "Connect-4",
        [[.. Enumerable.Range(0, MuZero.ConnectFour.Columns)], [.. Enumerable.Range(0, MuZero.ConnectFour.Columns).Reverse()]],
        [[.. Enumerable.Range(0, MuZero.ConnectFour.Cells)],
            [.. Enumerable.Range(0, MuZero.ConnectFour.Cells).Select(i => i / 7 * 7 + 6 - i % 7)]],
        [Opponent.Random, Opponent.RuleBot], ConnectFourOpponents.Move);

    /// <inheritdoc/>
    public override GameKind Kind { get; }

    /// <inheritdoc/>
    public override string Title { get; }

    /// <inheritdoc/>
    public override int ObservationSize => TGame.ObservationSize;

    /// <inheritdoc/>
    public override int ActionCount => TGame.ActionCount;

    /// <inheritdoc/>
    public override bool TwoPlayer => true;

    /// <inheritdoc/>
    public override IReadOnlyList<int[]>? Symmetries { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int[]>? PlaneSymmetries { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Opponent> Opponents { get; }

    /// <summary>
    /// Plays <paramref name="count"/> self-play games at once: every move is one batched search over the unfinished games.
    /// The first <see cref="MuZeroTrainRun.ExploreMoves"/> moves are sampled from the search's policy target (pUCT: the
    /// visit counts, as AlphaZero does; Gumbel: softmax(logits + σ(completed Q))), later ones are the search's choice
    /// (pUCT: most visited; Gumbel: the Sequential Halving winner).
    /// </summary>
    public override List<GameRecord> SelfPlay(Planner planner, MuZeroTrainRun run, int count, Random rng)
    {
        var positions = new TGame[count];
        Array.Fill(positions, TGame.Initial);
        var options = run.SelfPlayOptions;
        return Record(positions, run, TGame.ActionCount, TGame.ObservationSize, live => planner.Search(live, options, rng),
            (p, into) => p.Observation(into), (p, a) =>
            {
                var (next, reward) = p.Play(a);
                return (next, reward);
            }, p => p.IsTerminal, rng);
    }

    /// <summary>
    /// Plays <paramref name="games"/> games against <paramref name="opponent"/> (<see cref="BoardGameArena"/>); the agent
    /// moves first in the even-numbered games.
    /// </summary>
    public override Score Play(Planner planner, Opponent opponent, int games, SearchOptions options, Random rng) =>
        BoardGameArena.Play<TGame>((positions, r) => planner.Search(positions, options, r).Actions,
            (position, r) => _opponent(opponent, position, r), games, rng);

    /// <inheritdoc/>
    public override double[] Returns(Planner planner, MuZeroTrainRun run, int episodes, SearchOptions options, Random rng) =>
        throw new NotSupportedException($"{Title} has two players: measure it against an opponent, not by its return.");
}
