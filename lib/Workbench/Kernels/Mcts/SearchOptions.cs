namespace Workbench.Kernels.Mcts;

/// <summary>
/// Settings of one batched search. Defaults are the papers' (MuZero pseudocode: c1 1.25, c2 19652, Dirichlet fraction 0.25;
/// mctx Gumbel MuZero: 16 considered actions, c_visit 50, c_scale 0.1).
/// </summary>
public sealed record SearchOptions
{
    /// <summary>Which search.</summary>
    public SearchKind Kind { get; init; } = SearchKind.Gumbel;

    /// <summary>Simulations per search (each one network call for the whole batch); at least 1.</summary>
    public int Simulations { get; init; } = 16;

    /// <summary>pUCT c1 (pb_c_init).</summary>
    public double C1 { get; init; } = 1.25;

    /// <summary>pUCT c2 (pb_c_base).</summary>
    public double C2 { get; init; } = 19652;

    /// <summary>Dirichlet α of the root noise (pUCT); 0.3 is AlphaZero's chess value.</summary>
    public double DirichletAlpha { get; init; } = 0.3;

    /// <summary>Fraction of root prior replaced by Dirichlet noise (pUCT); 0 turns the noise off (evaluation).</summary>
    public double DirichletFraction { get; init; } = 0.25;

    /// <summary>
    /// Known lower bound of Q (board games: −1) for pUCT's min-max normalisation and Gumbel's rescaling of completed Q;
    /// NaN uses the bounds seen in the tree so far (pUCT, the pseudocode's MinMaxStats) or at the node (Gumbel, mctx).
    /// </summary>
    public double ValueMin { get; init; } = double.NaN;

    /// <summary>Known upper bound of Q (board games: +1); NaN uses the tree's.</summary>
    public double ValueMax { get; init; } = double.NaN;

    /// <summary>Gumbel: number m of root actions sampled without replacement (capped at the legal ones).</summary>
    public int ConsideredActions { get; init; } = 16;

    /// <summary>
    /// Gumbel without known bounds: rescale completed Q by the smallest and largest Q backed up anywhere in the tree
    /// (MuZero pseudocode's <c>MinMaxStats</c>, as pUCT does) instead of the node's own (mctx's default, which stretches
    /// any difference between two actions to the full range, so a two-action task never explores); σ is 0 until the tree
    /// has a range.
    /// </summary>
    public bool TreeMinMax { get; init; }

    /// <summary>Gumbel: scale of the root Gumbel noise (1 when acting in self-play, 0 for a deterministic evaluation).</summary>
    public double GumbelScale { get; init; } = 1;

    /// <summary>Gumbel σ: c_visit (mctx <c>maxvisit_init</c>).</summary>
    public double VisitInit { get; init; } = 50;

    /// <summary>Gumbel σ: c_scale (mctx <c>value_scale</c>).</summary>
    public double ValueScale { get; init; } = 0.1;

    /// <summary>Checks the settings; one sentence naming the bad value.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Simulations < 1)
            throw new ArgumentException($"simulations = {Simulations} is out of range: a search needs at least 1 simulation.");
        if (ConsideredActions < 1)
            throw new ArgumentException($"considered_actions = {ConsideredActions} is out of range: it must be at least 1.");
        if (DirichletFraction is < 0 or > 1)
            throw new ArgumentException($"dirichlet_fraction = {DirichletFraction} is out of range: it must be in [0, 1].");
        if (DirichletFraction > 0 && !(DirichletAlpha > 0))
            throw new ArgumentException($"dirichlet_alpha = {DirichletAlpha} is out of range: it must be > 0.");
        if (double.IsNaN(ValueMin) != double.IsNaN(ValueMax) || ValueMin >= ValueMax)
            throw new ArgumentException($"value bounds [{ValueMin}, {ValueMax}] are invalid: give both with min < max, or neither.");
    }
}
