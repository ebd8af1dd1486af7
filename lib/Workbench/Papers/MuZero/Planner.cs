using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// A network with the search it plans with: MuZero (the learned dynamics) or AlphaZero-style (the real rules with the
/// network's prediction). One batched search for any number of positions.
/// </summary>
/// <param name="Network">The network.</param>
/// <param name="TrueModel">Search with the real rules instead of the learned dynamics.</param>
/// <param name="Discount">γ of a single-player task (<see cref="SearchCartPole"/>); two-player games always use −1.</param>
public sealed record Planner(MuZeroNetwork Network, bool TrueModel, double Discount = 1)
{
    /// <summary>Searches every tic-tac-toe position at once (one network call per simulation for the batch).</summary>
    public SearchResult Search(IReadOnlyList<TicTacToe> positions, SearchOptions options, Random rng) =>
        Search<TicTacToe>(positions, options, rng);

    /// <summary>Searches every position of a two-player board game at once (discount −1: negamax).</summary>
    public SearchResult Search<TGame>(IReadOnlyList<TGame> positions, SearchOptions options, Random rng)
        where TGame : struct, IBoardGame<TGame>
    {
        if (TrueModel)
        {
            var model = MuZero.TrueModel.WithNetwork<TGame>(Network);
            return BatchedSearch.Run(model, model.Roots(positions), options, rng);
        }
        var learned = new LearnedModel(Network);
        return BatchedSearch.Run(learned, learned.Roots(positions), options, rng);
    }

    /// <summary>Searches every cart-pole state at once; backups use +γ (<see cref="Discount"/>), never negated.</summary>
    public SearchResult SearchCartPole(IReadOnlyList<CartPole> states, SearchOptions options, Random rng)
    {
        if (TrueModel)
        {
            var model = MuZero.TrueModel.CartPoleWithNetwork(Network, Discount);
            return BatchedSearch.Run(model, model.Roots(states), options, rng);
        }
        var learned = new LearnedModel(Network, Discount);
        return BatchedSearch.Run(learned, learned.Roots(states), options, rng);
    }
}
