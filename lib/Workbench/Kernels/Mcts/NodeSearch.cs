namespace Workbench.Kernels.Mcts;

/// <summary>
/// The plain reference: MuZero's pUCT search for one game written the way the pseudocode reads, with one object per
/// node and a dictionary of children, and one model call per simulation for that game alone. It follows the same
/// counting and tie-breaking as <see cref="BatchedSearch"/> (pUCT), so both give the same visits for the same model and
/// roots; tests compare them and benchmarks/ measures what the flat, batched layout buys.
/// </summary>
public static class NodeSearch
{
    /// <summary>One node of the reference tree.</summary>
    public sealed class Node
    {
        /// <summary>Embedding of the node's state.</summary>
        public required float[] Embedding { get; init; }

        /// <summary>Prior probabilities of its actions (root: after noise).</summary>
        public required double[] Priors { get; init; }

        /// <summary>Prior logits (−∞ = ruled out).</summary>
        public required float[] Logits { get; init; }

        /// <summary>The model's value at expansion.</summary>
        public double RawValue { get; init; }

        /// <summary>Visits, including the first evaluation.</summary>
        public int Visits { get; set; } = 1;

        /// <summary>Sum of backed-up values.</summary>
        public double ValueSum { get; set; }

        /// <summary>Reward of the transition into this node.</summary>
        public double Reward { get; init; }

        /// <summary>Discount of the transition into this node.</summary>
        public double Discount { get; init; }

        /// <summary>Expanded children by action.</summary>
        public Dictionary<int, Node> Children { get; } = [];

        /// <summary>Mean value.</summary>
        public double Value => ValueSum / Visits;
    }

    /// <summary>Runs pUCT for one root; returns the root node (visits per child in <see cref="Node.Children"/>).</summary>
    /// <param name="model">The model (called with batch 1).</param>
    /// <param name="embedding">Root embedding (D floats).</param>
    /// <param name="logits">Root prior logits (A floats).</param>
    /// <param name="value">Root value.</param>
    /// <param name="legal">Root legal mask (A).</param>
    /// <param name="options">pUCT settings (<see cref="SearchOptions.Kind"/> must be <see cref="SearchKind.Puct"/>).</param>
    /// <param name="rng">Dirichlet noise.</param>
    public static Node Run(ISearchModel model, float[] embedding, float[] logits, float value, bool[] legal, SearchOptions options,
        Random rng)
    {
        options.Validate();
        if (options.Kind != SearchKind.Puct) throw new ArgumentException("The per-node reference implements pUCT only.");
        int A = model.ActionCount, D = model.EmbeddingSize;
        var rootLogits = legal.Select((l, a) => l ? logits[a] : float.NegativeInfinity).ToArray();
        var rootPriors = new double[A];
        BatchedSearch.Softmax(rootLogits, rootPriors);
        if (options.DirichletFraction > 0) BatchedSearch.AddDirichletNoise(rootPriors, legal, options, rng);
        var root = new Node { Embedding = embedding, Priors = rootPriors, Logits = rootLogits, RawValue = value, ValueSum = value };
        double minQ = double.PositiveInfinity, maxQ = double.NegativeInfinity;
        var next = new float[D];
        var reward = new float[1];
        var discount = new float[1];
        var childLogits = new float[A];
        var childValue = new float[1];
        for (int sim = 0; sim < options.Simulations; sim++)
        {
            var path = new List<Node> { root };
            var node = root;
            int action;
            while (true)
            {
                action = Select(node, node == root ? legal : null, options, minQ, maxQ);
                if (!node.Children.TryGetValue(action, out var child)) break;
                node = child;
                path.Add(node);
            }
            model.Step(1, node.Embedding, [action], next, reward, discount, childLogits, childValue);
            var priors = new double[A];
            BatchedSearch.Softmax(childLogits, priors);
            var leaf = new Node
            {
                Embedding = [.. next], Priors = priors, Logits = [.. childLogits], RawValue = childValue[0], ValueSum = childValue[0],
                Reward = reward[0], Discount = discount[0],
            };
            node.Children[action] = leaf;
            path.Add(leaf);
            double backed = leaf.RawValue;
            for (int i = path.Count - 1; i > 0; i--)
            {
                var child = path[i];
                var parent = path[i - 1];
                backed = child.Reward + child.Discount * backed;
                parent.ValueSum += backed;
                parent.Visits++;
                double q = child.Reward + child.Discount * child.Value;
                minQ = Math.Min(minQ, q);
                maxQ = Math.Max(maxQ, q);
            }
        }
        return root;
    }

    static int Select(Node node, bool[]? legal, SearchOptions o, double minQ, double maxQ)
    {
        double pbC = (Math.Log((node.Visits + o.C2 + 1) / o.C2) + o.C1) * Math.Sqrt(node.Visits);
        bool known = !double.IsNaN(o.ValueMin);
        double lo = known ? o.ValueMin : minQ, hi = known ? o.ValueMax : maxQ;
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int a = 0; a < node.Priors.Length; a++)
        {
            if (legal is not null ? !legal[a] : float.IsNegativeInfinity(node.Logits[a])) continue;
            double valueScore = 0;
            int visits = 0;
            if (node.Children.TryGetValue(a, out var child))
            {
                visits = child.Visits;
                double q = child.Reward + child.Discount * child.Value;
                valueScore = hi > lo ? (q - lo) / (hi - lo) : q;
            }
            double score = pbC * node.Priors[a] / (visits + 1) + valueScore;
            if (score > bestScore)
            {
                bestScore = score;
                best = a;
            }
        }
        return best < 0 ? 0 : best;
    }
}
