namespace Workbench.Kernels.Mcts;

/// <summary>
/// Monte-Carlo tree search over a batch of games in flat arrays, one model call per simulation for the whole batch (as
/// mctx does): each simulation walks down every game's tree to an unexpanded child, expands all of them with one
/// <see cref="ISearchModel.Step"/>, and backs the new values up (q = reward + discount · value, so discount −1 is
/// negamax). Two selection rules: MuZero's pUCT and Gumbel MuZero's (see <see cref="SearchKind"/>).
/// </summary>
/// <remarks>
/// Sources: MuZero pseudocode v2 (<c>ucb_score</c>, <c>MinMaxStats</c>, <c>add_exploration_noise</c>); mctx
/// (<c>search.py</c>, <c>action_selection.py</c>, <c>qtransforms.qtransform_completed_by_mix_value</c>,
/// <c>seq_halving.py</c>, <c>policies.gumbel_muzero_policy</c>). Ties are broken by the lowest action index, so the
/// result is a deterministic function of the model, the roots and <c>rng</c>; <see cref="NodeSearch"/> is the plain
/// per-node-object reference for pUCT and gives the same visits.
/// </remarks>
public static class BatchedSearch
{
    /// <summary>Runs <see cref="SearchOptions.Simulations"/> simulations for every root.</summary>
    /// <param name="model">The model (learned or the true simulator).</param>
    /// <param name="root">The roots: embeddings, prior logits, values, legal masks.</param>
    /// <param name="options">Search settings.</param>
    /// <param name="rng">Root noise (Dirichlet for pUCT, Gumbel for Gumbel); unused when both are off.</param>
    /// <exception cref="ArgumentException">Shapes disagree, a root has no legal action, or an option is out of range.</exception>
    public static SearchResult Run(ISearchModel model, SearchRoot root, SearchOptions options, Random rng)
    {
        options.Validate();
        int B = root.Batch, A = model.ActionCount, D = model.EmbeddingSize, S = options.Simulations, N = S + 1;
        if (root.Embeddings.Length != B * D || root.PriorLogits.Length != B * A || root.Values.Length != B || root.Legal.Length != B * A)
            throw new ArgumentException($"The search roots do not match B = {B}, A = {A}, D = {D}.");
        var tree = new SearchTree(B, N, A, D);
        Array.Copy(root.Legal, tree.RootLegal, B * A);
        var gumbel = new double[B * A];
        var considered = new int[B];
        for (int b = 0; b < B; b++)
        {
            int legalCount = 0;
            for (int a = 0; a < A; a++) if (root.Legal[b * A + a]) legalCount++;
            if (legalCount == 0) throw new ArgumentException($"Search root {b} has no legal action.");
            int row = tree.Row(b, 0);
            tree.Parents[row] = -1;
            tree.ActionFromParent[row] = -1;
            tree.NodeVisits[row] = 1;
            tree.ValueSums[row] = root.Values[b];
            tree.RawValues[row] = root.Values[b];
            Array.Copy(root.Embeddings, b * D, tree.Embeddings, row * D, D);
            for (int a = 0; a < A; a++)
                tree.PriorLogits[row * A + a] = root.Legal[b * A + a] ? root.PriorLogits[b * A + a] : float.NegativeInfinity;
            Softmax(tree.PriorLogits.AsSpan(row * A, A), tree.Priors.AsSpan(row * A, A));
            if (options.Kind == SearchKind.Puct && options.DirichletFraction > 0)
                AddDirichletNoise(tree.Priors.AsSpan(row * A, A), root.Legal.AsSpan(b * A, A), options, rng);
            if (options.Kind == SearchKind.Gumbel)
            {
                considered[b] = Math.Min(options.ConsideredActions, legalCount);
                for (int a = 0; a < A; a++)
                    gumbel[b * A + a] = options.GumbelScale == 0 ? 0 : options.GumbelScale * -Math.Log(-Math.Log(Uniform(rng)));
            }
        }
        var table = options.Kind == SearchKind.Gumbel ? SequentialHalving.Table(Math.Min(options.ConsideredActions, A), S) : [];
        var minQ = new double[B];
        var maxQ = new double[B];
        Array.Fill(minQ, double.PositiveInfinity);
        Array.Fill(maxQ, double.NegativeInfinity);

        var parentNodes = new int[B];
        var actions = new int[B];
        var embeddings = new float[B * D];
        var nextEmbeddings = new float[B * D];
        var rewards = new float[B];
        var discounts = new float[B];
        var logits = new float[B * A];
        var values = new float[B];
        var scratch = new double[4 * A];
        for (int sim = 0; sim < S; sim++)
        {
            for (int b = 0; b < B; b++)
            {
                int node = 0;
                while (true)
                {
                    int action = options.Kind == SearchKind.Puct
                        ? SelectPuct(tree, b, node, options, minQ[b], maxQ[b])
                        : node == 0
                            ? SelectGumbelRoot(tree, b, options, table[considered[b]][sim], gumbel.AsSpan(b * A, A), scratch,
                                minQ[b], maxQ[b])
                            : SelectGumbelInterior(tree, b, node, options, scratch, minQ[b], maxQ[b]);
                    int child = tree.Children[tree.Row(b, node) * A + action];
                    if (child < 0)
                    {
                        parentNodes[b] = node;
                        actions[b] = action;
                        break;
                    }
                    node = child;
                }
                Array.Copy(tree.Embeddings, tree.Row(b, parentNodes[b]) * D, embeddings, b * D, D);
            }
            model.Step(B, embeddings, actions, nextEmbeddings, rewards, discounts, logits, values);
            int leaf = sim + 1;
            for (int b = 0; b < B; b++)
            {
                int row = tree.Row(b, leaf), parentRow = tree.Row(b, parentNodes[b]);
                tree.Parents[row] = parentNodes[b];
                tree.ActionFromParent[row] = actions[b];
                tree.NodeVisits[row] = 1;
                tree.ValueSums[row] = values[b];
                tree.RawValues[row] = values[b];
                Array.Copy(nextEmbeddings, b * D, tree.Embeddings, row * D, D);
                Array.Copy(logits, b * A, tree.PriorLogits, row * A, A);
                Softmax(tree.PriorLogits.AsSpan(row * A, A), tree.Priors.AsSpan(row * A, A));
                tree.Children[parentRow * A + actions[b]] = leaf;
                tree.Rewards[parentRow * A + actions[b]] = rewards[b];
                tree.Discounts[parentRow * A + actions[b]] = discounts[b];
                Backup(tree, b, leaf, ref minQ[b], ref maxQ[b]);
            }
        }
        return Summarise(tree, options, gumbel, scratch, minQ, maxQ);
    }

    /// <summary>Backs the new leaf's value up to the root: value ← reward + discount · value at every edge.</summary>
    static void Backup(SearchTree tree, int b, int leaf, ref double minQ, ref double maxQ)
    {
        int A = tree.Actions;
        double value = tree.RawValues[tree.Row(b, leaf)];
        int node = leaf;
        while (node != 0)
        {
            int parent = tree.Parents[tree.Row(b, node)];
            int at = tree.Row(b, parent) * A + tree.ActionFromParent[tree.Row(b, node)];
            value = tree.Rewards[at] + tree.Discounts[at] * value;
            int parentRow = tree.Row(b, parent);
            tree.ValueSums[parentRow] += value;
            tree.NodeVisits[parentRow]++;
            double q = tree.Rewards[at] + tree.Discounts[at] * tree.NodeValue(b, node);
            minQ = Math.Min(minQ, q);
            maxQ = Math.Max(maxQ, q);
            node = parent;
        }
    }

    /// <summary>pUCT (pseudocode v2): prior score c(N) · P · √N / (1 + n) plus the normalised Q, 0 for an unvisited child.</summary>
    internal static int SelectPuct(SearchTree tree, int b, int node, SearchOptions o, double minQ, double maxQ)
    {
        int A = tree.Actions, row = tree.Row(b, node);
        int parentVisits = tree.NodeVisits[row];
        double pbC = (Math.Log((parentVisits + o.C2 + 1) / o.C2) + o.C1) * Math.Sqrt(parentVisits);
        bool known = !double.IsNaN(o.ValueMin);
        double lo = known ? o.ValueMin : minQ, hi = known ? o.ValueMax : maxQ;
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int a = 0; a < A; a++)
        {
            if (node == 0 ? !tree.RootLegal[b * A + a] : float.IsNegativeInfinity(tree.PriorLogits[row * A + a])) continue;
            int visits = tree.ChildVisits(b, node, a);
            double valueScore = 0;
            if (visits > 0)
            {
                double q = tree.ChildQ(b, node, a);
                valueScore = hi > lo ? (q - lo) / (hi - lo) : q;
            }
            double score = pbC * tree.Priors[row * A + a] / (visits + 1) + valueScore;
            if (score > bestScore)
            {
                bestScore = score;
                best = a;
            }
        }
        return best < 0 ? FirstAllowed(tree, b, node) : best;
    }

    /// <summary>Gumbel root: among actions whose visits equal the schedule's, argmax of g + logits + σ(completed Q).</summary>
    static int SelectGumbelRoot(SearchTree tree, int b, SearchOptions o, int consideredVisit, ReadOnlySpan<double> gumbel,
        double[] scratch, double minQ, double maxQ)
    {
        int A = tree.Actions, row = tree.Row(b, 0);
        var sigma = scratch.AsSpan(0, A);
        CompletedQ(tree, b, 0, o, sigma, minQ, maxQ);
        double maxLogit = MaxLogit(tree.PriorLogits.AsSpan(row * A, A));
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int a = 0; a < A; a++)
        {
            if (!tree.RootLegal[b * A + a] || tree.ChildVisits(b, 0, a) != consideredVisit) continue;
            double score = Math.Max(-1e9, gumbel[a] + (tree.PriorLogits[row * A + a] - maxLogit) + sigma[a]);
            if (score > bestScore)
            {
                bestScore = score;
                best = a;
            }
        }
        return best < 0 ? FirstAllowed(tree, b, 0) : best;
    }

    /// <summary>Gumbel interior: argmax of softmax(logits + σ(completed Q)) − n / (1 + Σn), a deterministic visit matching.</summary>
    static int SelectGumbelInterior(SearchTree tree, int b, int node, SearchOptions o, double[] scratch, double minQ, double maxQ)
    {
        int A = tree.Actions, row = tree.Row(b, node);
        var sigma = scratch.AsSpan(0, A);
        var probs = scratch.AsSpan(A, A);
        CompletedQ(tree, b, node, o, sigma, minQ, maxQ);
        for (int a = 0; a < A; a++) probs[a] = tree.PriorLogits[row * A + a] + sigma[a];
        SoftmaxInPlace(probs);
        int total = 0;
        for (int a = 0; a < A; a++) total += tree.ChildVisits(b, node, a);
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int a = 0; a < A; a++)
        {
            if (float.IsNegativeInfinity(tree.PriorLogits[row * A + a])) continue;
            double score = probs[a] - (double)tree.ChildVisits(b, node, a) / (1 + total);
            if (score > bestScore)
            {
                bestScore = score;
                best = a;
            }
        }
        return best < 0 ? FirstAllowed(tree, b, node) : best;
    }

    /// <summary>
    /// σ(completed Q) of a node (mctx <c>qtransform_completed_by_mix_value</c>): Q of visited actions, the mixed value
    /// estimate for unvisited ones, rescaled to [0, 1] (by the known value bounds when <see cref="SearchOptions.ValueMin"/>
    /// is set, else over the node's actions, as mctx does), times (c_visit + max n) · c_scale.
    /// </summary>
    /// <param name="tree">The trees.</param>
    /// <param name="b">The game.</param>
    /// <param name="node">The node.</param>
    /// <param name="o">c_visit and c_scale.</param>
    /// <param name="sigma">Written: A transformed values.</param>
    /// <param name="treeMin">With <see cref="SearchOptions.TreeMinMax"/>: the smallest Q backed up in the tree so far.</param>
    /// <param name="treeMax">With <see cref="SearchOptions.TreeMinMax"/>: the largest Q backed up in the tree so far.</param>
    public static void CompletedQ(SearchTree tree, int b, int node, SearchOptions o, Span<double> sigma, double treeMin = double.NaN,
        double treeMax = double.NaN)
    {
        int A = tree.Actions, row = tree.Row(b, node);
        int sumVisits = 0, maxVisits = 0;
        double sumProbs = 0, weighted = 0;
        for (int a = 0; a < A; a++)
        {
            int n = tree.ChildVisits(b, node, a);
            sumVisits += n;
            maxVisits = Math.Max(maxVisits, n);
            if (n > 0) sumProbs += Math.Max(tree.Priors[row * A + a], double.Epsilon);
        }
        for (int a = 0; a < A; a++)
            if (tree.ChildVisits(b, node, a) > 0)
                weighted += Math.Max(tree.Priors[row * A + a], double.Epsilon) * tree.ChildQ(b, node, a) / sumProbs;
        double mixed = (tree.RawValues[row] + sumVisits * weighted) / (sumVisits + 1);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int a = 0; a < A; a++)
        {
            sigma[a] = tree.ChildVisits(b, node, a) > 0 ? tree.ChildQ(b, node, a) : mixed;
            lo = Math.Min(lo, sigma[a]);
            hi = Math.Max(hi, sigma[a]);
        }
        // Known bounds (board games) rescale by them; otherwise by the node's own min and max (mctx's default), which
        // stretches arbitrarily small differences between Q values to the full range.
        if (!double.IsNaN(o.ValueMin)) (lo, hi) = (o.ValueMin, o.ValueMax);
        else if (o.TreeMinMax)
        {
            if (!(treeMax > treeMin))
            {
                sigma.Clear(); // no range in the tree yet: nothing is known about the actions' values
                return;
            }
            (lo, hi) = (treeMin, treeMax);
        }
        double scale = (o.VisitInit + maxVisits) * o.ValueScale;
        for (int a = 0; a < A; a++) sigma[a] = scale * (sigma[a] - lo) / Math.Max(hi - lo, 1e-8);
    }

    static SearchResult Summarise(SearchTree tree, SearchOptions o, double[] gumbel, double[] scratch, double[] minQ, double[] maxQ)
    {
        int B = tree.Batch, A = tree.Actions;
        var actions = new int[B];
        var weights = new float[B * A];
        var rootValues = new float[B];
        for (int b = 0; b < B; b++)
        {
            int row = tree.Row(b, 0);
            rootValues[b] = (float)tree.NodeValue(b, 0);
            if (o.Kind == SearchKind.Puct)
            {
                int total = 0, best = -1;
                for (int a = 0; a < A; a++)
                {
                    if (!tree.RootLegal[b * A + a]) continue;
                    int n = tree.ChildVisits(b, 0, a);
                    total += n;
                    if (best < 0 || n > tree.ChildVisits(b, 0, best)
                        || (n == tree.ChildVisits(b, 0, best) && tree.Priors[row * A + a] > tree.Priors[row * A + best]))
                        best = a;
                }
                for (int a = 0; a < A; a++) weights[b * A + a] = total == 0 ? 0 : (float)tree.ChildVisits(b, 0, a) / total;
                actions[b] = best;
                continue;
            }
            var sigma = scratch.AsSpan(0, A);
            var logits = scratch.AsSpan(A, A);
            CompletedQ(tree, b, 0, o, sigma, minQ[b], maxQ[b]);
            int maxVisits = 0;
            for (int a = 0; a < A; a++) maxVisits = Math.Max(maxVisits, tree.ChildVisits(b, 0, a));
            double maxLogit = MaxLogit(tree.PriorLogits.AsSpan(row * A, A));
            int chosen = -1;
            double bestScore = double.NegativeInfinity;
            for (int a = 0; a < A; a++)
            {
                logits[a] = tree.RootLegal[b * A + a] ? tree.PriorLogits[row * A + a] + sigma[a] : double.NegativeInfinity;
                if (!tree.RootLegal[b * A + a] || tree.ChildVisits(b, 0, a) != maxVisits) continue;
                double score = Math.Max(-1e9, gumbel[b * A + a] + (tree.PriorLogits[row * A + a] - maxLogit) + sigma[a]);
                if (score > bestScore)
                {
                    bestScore = score;
                    chosen = a;
                }
            }
            SoftmaxInPlace(logits);
            for (int a = 0; a < A; a++) weights[b * A + a] = (float)logits[a];
            actions[b] = chosen < 0 ? FirstAllowed(tree, b, 0) : chosen;
        }
        return new SearchResult(tree, actions, weights, rootValues);
    }

    static int FirstAllowed(SearchTree tree, int b, int node)
    {
        int A = tree.Actions, row = tree.Row(b, node);
        for (int a = 0; a < A; a++)
            if (node == 0 ? tree.RootLegal[b * A + a] : !float.IsNegativeInfinity(tree.PriorLogits[row * A + a])) return a;
        return 0;
    }

    static double MaxLogit(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        return double.IsNegativeInfinity(max) ? 0 : max;
    }

    /// <summary>Softmax of float logits into doubles; −∞ logits get probability 0.</summary>
    internal static void Softmax(ReadOnlySpan<float> logits, Span<double> probs)
    {
        for (int a = 0; a < logits.Length; a++) probs[a] = logits[a];
        SoftmaxInPlace(probs);
    }

    static void SoftmaxInPlace(Span<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max))
        {
            x.Fill(1.0 / x.Length);
            return;
        }
        double sum = 0;
        for (int a = 0; a < x.Length; a++)
        {
            x[a] = double.IsNegativeInfinity(x[a]) ? 0 : Math.Exp(x[a] - max);
            sum += x[a];
        }
        for (int a = 0; a < x.Length; a++) x[a] /= sum;
    }

    /// <summary>prior ← (1 − f) · prior + f · Dirichlet(α) over the legal actions (<c>add_exploration_noise</c>).</summary>
    internal static void AddDirichletNoise(Span<double> priors, ReadOnlySpan<bool> legal, SearchOptions o, Random rng)
    {
        Span<double> noise = stackalloc double[priors.Length];
        double sum = 0;
        for (int a = 0; a < priors.Length; a++)
        {
            noise[a] = legal[a] ? Gamma(o.DirichletAlpha, rng) : 0;
            sum += noise[a];
        }
        for (int a = 0; a < priors.Length; a++)
            if (legal[a]) priors[a] = (1 - o.DirichletFraction) * priors[a] + o.DirichletFraction * (sum > 0 ? noise[a] / sum : 0);
    }

    /// <summary>A Gamma(α, 1) draw (Marsaglia &amp; Tsang 2000, with the α &lt; 1 boost).</summary>
    internal static double Gamma(double alpha, Random rng)
    {
        if (alpha < 1) return Gamma(alpha + 1, rng) * Math.Pow(Uniform(rng), 1 / alpha);
        double d = alpha - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(rng);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = Uniform(rng);
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    static double Uniform(Random rng) => (rng.Next(1 << 30) + 0.5) / (1 << 30);

    static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(Uniform(rng))) * Math.Cos(2 * Math.PI * Uniform(rng));
}
