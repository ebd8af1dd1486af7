using Workbench.Kernels.Mcts;

namespace Workbench.Papers.MuZero;

/// <summary>
/// A network with the search it plans with: MuZero (the learned dynamics) or AlphaZero-style (the real rules with the
/// network's prediction). One batched search for any number of positions.
/// </summary>
/// <param name="Network">The network.</param>
/// <param name="TrueModel">Search with the real rules instead of the learned dynamics.</param>
public sealed record Planner(MuZeroNetwork Network, bool TrueModel)
{
    /// <summary>Searches every position at once (one network call per simulation for the batch).</summary>
    public SearchResult Search(IReadOnlyList<TicTacToe> positions, SearchOptions options, Random rng)
    {
        if (TrueModel)
        {
            var model = MuZero.TrueModel.WithNetwork(Network);
            return BatchedSearch.Run(model, model.Roots(positions), options, rng);
        }
        var learned = new LearnedModel(Network);
        return BatchedSearch.Run(learned, learned.Roots(positions), options, rng);
    }
}
