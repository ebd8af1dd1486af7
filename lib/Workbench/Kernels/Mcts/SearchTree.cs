namespace Workbench.Kernels.Mcts;

/// <summary>
/// The search trees of a batch of games in flat arrays (no per-node objects), laid out as mctx's <c>Tree</c>: node n of
/// game b is row b·N + n (N = simulations + 1, node 0 the root); per-child fields are rows (b·N + n)·A + a. Visit counts
/// include a node's own first evaluation (mctx's counting), so a node's value is the mean of its raw value and every
/// value backed up through it.
/// </summary>
public sealed class SearchTree
{
    /// <summary>Allocates empty trees.</summary>
    /// <param name="batch">Games B ≥ 1.</param>
    /// <param name="nodes">Nodes per game N ≥ 1.</param>
    /// <param name="actions">Actions A ≥ 1.</param>
    /// <param name="embeddingSize">Floats per embedding D ≥ 1.</param>
    public SearchTree(int batch, int nodes, int actions, int embeddingSize)
    {
        (Batch, Nodes, Actions, EmbeddingSize) = (batch, nodes, actions, embeddingSize);
        NodeVisits = new int[batch * nodes];
        ValueSums = new double[batch * nodes];
        RawValues = new float[batch * nodes];
        Parents = new int[batch * nodes];
        ActionFromParent = new int[batch * nodes];
        Children = new int[batch * nodes * actions];
        Array.Fill(Children, -1);
        PriorLogits = new float[batch * nodes * actions];
        Priors = new double[batch * nodes * actions];
        Rewards = new float[batch * nodes * actions];
        Discounts = new float[batch * nodes * actions];
        Embeddings = new float[batch * nodes * embeddingSize];
        RootLegal = new bool[batch * actions];
    }

    /// <summary>Games B.</summary>
    public int Batch { get; }

    /// <summary>Nodes per game N.</summary>
    public int Nodes { get; }

    /// <summary>Actions A.</summary>
    public int Actions { get; }

    /// <summary>Floats per embedding D.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Visits per node (0 = not expanded), including its own first evaluation.</summary>
    public int[] NodeVisits { get; }

    /// <summary>Sum of the node's raw value and every value backed up through it (player to move's view).</summary>
    public double[] ValueSums { get; }

    /// <summary>The model's value at expansion.</summary>
    public float[] RawValues { get; }

    /// <summary>Parent node (−1 at the root).</summary>
    public int[] Parents { get; }

    /// <summary>Action that led from the parent (−1 at the root).</summary>
    public int[] ActionFromParent { get; }

    /// <summary>Child node per action, −1 while unexpanded.</summary>
    public int[] Children { get; }

    /// <summary>Prior logits per action (root: illegal actions −∞).</summary>
    public float[] PriorLogits { get; }

    /// <summary>Prior probabilities per action (softmax of the logits; at the root after Dirichlet noise, if any).</summary>
    public double[] Priors { get; }

    /// <summary>Reward of each action from the node (set when the child is expanded).</summary>
    public float[] Rewards { get; }

    /// <summary>Discount of each action from the node (set when the child is expanded).</summary>
    public float[] Discounts { get; }

    /// <summary>Embeddings per node.</summary>
    public float[] Embeddings { get; }

    /// <summary>Legal-move mask at each root (B × A).</summary>
    public bool[] RootLegal { get; }

    /// <summary>Row of node <paramref name="node"/> of game <paramref name="game"/>.</summary>
    public int Row(int game, int node) => game * Nodes + node;

    /// <summary>Mean value of a node (NaN when unexpanded).</summary>
    public double NodeValue(int game, int node)
    {
        int row = Row(game, node);
        return NodeVisits[row] == 0 ? double.NaN : ValueSums[row] / NodeVisits[row];
    }

    /// <summary>Visits of the child reached by <paramref name="action"/> (0 when unexpanded).</summary>
    public int ChildVisits(int game, int node, int action)
    {
        int child = Children[Row(game, node) * Actions + action];
        return child < 0 ? 0 : NodeVisits[Row(game, child)];
    }

    /// <summary>Q of an action: reward + discount · value(child), from the node's player to move; NaN when unvisited.</summary>
    public double ChildQ(int game, int node, int action)
    {
        int at = Row(game, node) * Actions + action;
        int child = Children[at];
        return child < 0 ? double.NaN : Rewards[at] + Discounts[at] * NodeValue(game, child);
    }

    /// <summary>Root visit counts of one game (A values).</summary>
    public int[] RootVisits(int game) => [.. Enumerable.Range(0, Actions).Select(a => ChildVisits(game, 0, a))];

    /// <summary>Root Q values of one game (NaN where unvisited).</summary>
    public double[] RootQ(int game) => [.. Enumerable.Range(0, Actions).Select(a => ChildQ(game, 0, a))];
}
