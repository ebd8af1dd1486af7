namespace Workbench.Kernels.Mcts;

/// <summary>
/// The model a search plans with, called once per simulation for a whole batch of games (mctx's <c>recurrent_fn</c>):
/// from B embeddings (the hidden states, or true states encoded as floats) and one action each, the next embeddings, the
/// rewards of the transitions, their discounts, and the prior logits and values of the new states.
/// </summary>
/// <remarks>
/// Conventions (one for every game): a value is from the point of view of the player to move in that state; a reward is
/// for the player who made the move; the search backs values up as <c>q = reward + discount · value(child)</c>, so a
/// two-player zero-sum game uses discount −1 (negamax), a one-player task its discount γ in (0, 1], and an absorbing
/// state after the end of a game discount 0. A prior logit of −∞ marks an action the model rules out (a true
/// simulator's illegal move); the search never selects it.
/// </remarks>
public interface ISearchModel
{
    /// <summary>Number of actions A (the same in every state).</summary>
    int ActionCount { get; }

    /// <summary>Floats per embedding D.</summary>
    int EmbeddingSize { get; }

    /// <summary>One batched transition.</summary>
    /// <param name="batch">Rows B in this call (the spans hold exactly B rows).</param>
    /// <param name="embeddings">B × D embeddings of the states the actions are taken in.</param>
    /// <param name="actions">B actions in [0, A).</param>
    /// <param name="nextEmbeddings">Written: B × D embeddings of the next states.</param>
    /// <param name="rewards">Written: B rewards for the player who moved.</param>
    /// <param name="discounts">Written: B discounts (−1 in two-player games, 0 after the end).</param>
    /// <param name="priorLogits">Written: B × A prior logits of the next states (−∞ = ruled out).</param>
    /// <param name="values">Written: B values of the next states for their player to move.</param>
    void Step(int batch, ReadOnlySpan<float> embeddings, ReadOnlySpan<int> actions, Span<float> nextEmbeddings,
        Span<float> rewards, Span<float> discounts, Span<float> priorLogits, Span<float> values);
}
