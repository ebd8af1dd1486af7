namespace Workbench.Kernels.Mcts;

/// <summary>The two search algorithms of the kernel.</summary>
public enum SearchKind
{
    /// <summary>
    /// MuZero's pUCT (Schrittwieser et al. 2020, pseudocode v2): Dirichlet noise at the root, min-max normalised Q,
    /// unvisited children scored 0; the policy target is the visit distribution.
    /// </summary>
    Puct,

    /// <summary>
    /// Gumbel MuZero (Danihelka et al., ICLR 2022; mctx <c>gumbel_muzero_policy</c>): Gumbel-top-m sampling and Sequential
    /// Halving at the root, deterministic selection inside the tree, policy target softmax(logits + σ(completed Q)).
    /// </summary>
    Gumbel,
}
