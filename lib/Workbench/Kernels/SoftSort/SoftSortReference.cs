namespace Workbench.Kernels.SoftSort;

/// <summary>
/// The plain reference for soft sort/rank: the definitions written out with lists, a stable LINQ sort, pooling by
/// repeated scans (O(n²)) and an explicit n × n Jacobian. Slow on purpose; tests and benchmarks compare the fast paths
/// against it.
/// </summary>
internal static class SoftSortReference
{
    /// <summary>Forward values and the Jacobian d output / d input of one row.</summary>
    public static (double[] Values, double[,] Jacobian) Rank(double[] theta, SoftSortOptions options)
    {
        int n = theta.Length;
        double scale = (options.Direction == SortDirection.Ascending ? 1.0 : -1.0) / options.Epsilon;
        var a = theta.Select(t => t * scale).ToArray();
        var perm = Enumerable.Range(0, n).OrderByDescending(i => a[i]).ToArray(); // stable: ties by index
        var s = perm.Select(i => a[i]).ToArray();
        var w = Enumerable.Range(0, n).Select(i => options.Regularizer == SoftRegularizer.L2 ? (double)(n - i) : Math.Log(n - i)).ToArray();
        var blocks = Isotonic(s, w, options.Regularizer);
        var projSorted = new double[n];
        var jacobianSorted = new double[n, n]; // d projSorted / d s
        foreach (var (start, end) in blocks)
        {
            double aggS = Aggregate(s, start, end, options.Regularizer), aggW = Aggregate(w, start, end, options.Regularizer);
            for (int i = start; i < end; i++)
            {
                projSorted[i] = (s[i] - aggS) + aggW;
                for (int j = start; j < end; j++)
                    jacobianSorted[i, j] = (i == j ? 1 : 0) - Weight(s, j, aggS, end - start, options.Regularizer);
            }
        }
        var values = new double[n];
        var jacobian = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            values[perm[i]] = options.Regularizer == SoftRegularizer.KL ? Math.Exp(projSorted[i]) : projSorted[i];
            for (int j = 0; j < n; j++)
                jacobian[perm[i], perm[j]] =
                    jacobianSorted[i, j] * scale * (options.Regularizer == SoftRegularizer.KL ? values[perm[i]] : 1);
        }
        return (values, jacobian);
    }

    /// <summary>Forward values and the Jacobian d output / d input of one row.</summary>
    public static (double[] Values, double[,] Jacobian) Sort(double[] theta, SoftSortOptions options)
    {
        int n = theta.Length;
        double sign = options.Direction == SortDirection.Ascending ? -1.0 : 1.0;
        var a = theta.Select(t => t * sign).ToArray();
        var perm = Enumerable.Range(0, n).OrderByDescending(i => a[i]).ToArray();
        var w = perm.Select(i => a[i]).ToArray();
        var z = Enumerable.Range(0, n).Select(i => (n - i) / options.Epsilon).ToArray();
        var blocks = Isotonic(z, w, options.Regularizer);
        var values = new double[n];
        var jacobian = new double[n, n];
        foreach (var (start, end) in blocks)
        {
            double aggZ = Aggregate(z, start, end, options.Regularizer), aggW = Aggregate(w, start, end, options.Regularizer);
            for (int i = start; i < end; i++)
            {
                values[i] = sign * ((z[i] - aggZ) + aggW);
                // d values_i / d theta_perm[j] = sign · Weight · sign.
                for (int j = start; j < end; j++) jacobian[i, perm[j]] = Weight(w, j, aggW, end - start, options.Regularizer);
            }
        }
        return (values, jacobian);
    }

    /// <summary>J^T g.</summary>
    public static double[] Vjp(double[,] jacobian, double[] g)
    {
        int n = g.Length;
        var result = new double[n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) result[j] += jacobian[i, j] * g[i];
        return result;
    }

    /// <summary>Decreasing isotonic regression by pooling the first adjacent violators until none is left.</summary>
    public static List<(int Start, int End)> Isotonic(double[] s, double[] w, SoftRegularizer regularizer)
    {
        var blocks = Enumerable.Range(0, s.Length).Select(i => (Start: i, End: i + 1)).ToList();
        // v_k > v_{k+1} compared as (aggS_k − aggS_{k+1}) > (aggW_k − aggW_{k+1}): equal in exact arithmetic, but huge s
        // next to modest w would otherwise round both values to the same number.
        bool Decreasing((int Start, int End) a, (int Start, int End) b) =>
            Aggregate(s, a.Start, a.End, regularizer) - Aggregate(s, b.Start, b.End, regularizer)
            > Aggregate(w, a.Start, a.End, regularizer) - Aggregate(w, b.Start, b.End, regularizer);
        bool merged = true;
        while (merged)
        {
            merged = false;
            for (int k = 0; k + 1 < blocks.Count; k++)
            {
                if (Decreasing(blocks[k], blocks[k + 1])) continue;
                blocks[k] = (blocks[k].Start, blocks[k + 1].End);
                blocks.RemoveAt(k + 1);
                merged = true;
                break;
            }
        }
        return blocks;
    }

    /// <summary>Mean (L2) or logsumexp (KL) of x[start..end).</summary>
    public static double Aggregate(double[] x, int start, int end, SoftRegularizer regularizer)
    {
        var part = x[start..end];
        if (regularizer == SoftRegularizer.L2) return part.Average();
        double max = part.Max();
        return max + Math.Log(part.Sum(v => Math.Exp(v - max)));
    }

    static double Weight(double[] x, int j, double aggregate, int count, SoftRegularizer regularizer) =>
        regularizer == SoftRegularizer.L2 ? 1.0 / count : Math.Exp(x[j] - aggregate);
}
