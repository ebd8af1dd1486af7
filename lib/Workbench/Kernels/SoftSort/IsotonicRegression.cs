namespace Workbench.Kernels.SoftSort;

/// <summary>
/// Exact isotonic regression by pool-adjacent-violators (PAV) for the two problems of Blondel et al. (2020), Prop. 3:
/// <c>v = argmin over v₁ ≥ v₂ ≥ … ≥ vₙ</c> of
/// <list type="bullet">
/// <item>L2: <c>½‖v − (s − w)‖²</c> — a block's value is <c>mean(s_B) − mean(w_B)</c>;</item>
/// <item>KL: <c>Σ exp(sᵢ − vᵢ) + Σ exp(wᵢ) vᵢ</c> — a block's value is <c>logsumexp(s_B) − logsumexp(w_B)</c>.</item>
/// </list>
/// O(n) time after the caller's sort, O(n) memory; the block structure gives the O(n) vector–Jacobian product.
/// </summary>
public static class IsotonicRegression
{
    /// <summary>
    /// Solves one row and returns the decreasing solution <c>v</c> (length n).
    /// </summary>
    /// <param name="s">First argument (for soft rank: the sorted scaled inputs).</param>
    /// <param name="w">Second argument (for soft rank: (n, n−1, …, 1) or its log); same length as <paramref name="s"/>.</param>
    /// <param name="regularizer">L2 or KL.</param>
    /// <exception cref="ArgumentException">Lengths differ, the row is empty, or a value is NaN or infinite.</exception>
    public static double[] Solve(ReadOnlySpan<double> s, ReadOnlySpan<double> w, SoftRegularizer regularizer)
    {
        if (s.Length != w.Length)
            throw new ArgumentException(
                $"s has {s.Length} values and w has {w.Length}: isotonic regression needs two rows of the same length.");
        if (s.Length == 0) throw new ArgumentException("The row is empty (n = 0): isotonic regression needs at least one value.");
        SoftSortChecks.Finite(s, "s", 0);
        SoftSortChecks.Finite(w, "w", 0);
        int n = s.Length;
        var output = new double[n];
        var blockEnd = new int[n];
        var aggS = new double[n];
        var aggW = new double[n];
        Pav.Forward(s, w, regularizer, output, blockEnd, aggS, aggW);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = s[i] - output[i];
        return v;
    }
}

/// <summary>The PAV core shared by the CPU paths (one row at a time; callers parallelise over rows).</summary>
internal static class Pav
{
    /// <summary>
    /// Runs PAV on one row and writes <c>outᵢ = sᵢ − vᵢ</c>, computed per block as <c>(sᵢ − aggS_B) + aggW_B</c> so that a
    /// singleton block returns <c>wᵢ</c> exactly even when |s| is huge (ε → 0 gives the exact hard sort/rank).
    /// </summary>
    /// <returns>The number of blocks nb; <paramref name="blockEnd"/>[0..nb) holds each block's exclusive end,
    /// <paramref name="aggS"/>/<paramref name="aggW"/>[0..nb) the block's mean (L2) or logsumexp (KL) of s and w.</returns>
    public static int Forward(ReadOnlySpan<double> s, ReadOnlySpan<double> w, SoftRegularizer regularizer,
        Span<double> output, Span<int> blockEnd, Span<double> aggS, Span<double> aggW)
    {
        int n = s.Length;
        int top = -1;
        if (regularizer == SoftRegularizer.L2)
        {
            // aggS/aggW hold block sums during the sweep, means afterwards.
            for (int i = 0; i < n; i++)
            {
                top++;
                blockEnd[top] = i + 1;
                aggS[top] = s[i];
                aggW[top] = w[i];
                while (top > 0)
                {
                    int startP = top > 1 ? blockEnd[top - 2] : 0;
                    double countP = blockEnd[top - 1] - startP, countC = blockEnd[top] - blockEnd[top - 1];
                    // Constraint v_P ≥ v_C, compared as differences so huge s and modest w do not cancel.
                    double dS = aggS[top - 1] / countP - aggS[top] / countC;
                    double dW = aggW[top - 1] / countP - aggW[top] / countC;
                    if (dS > dW) break;
                    aggS[top - 1] += aggS[top];
                    aggW[top - 1] += aggW[top];
                    blockEnd[top - 1] = blockEnd[top];
                    top--;
                }
            }
            int start = 0;
            for (int b = 0; b <= top; b++)
            {
                int end = blockEnd[b];
                double count = end - start;
                double meanS = aggS[b] / count, meanW = aggW[b] / count;
                aggS[b] = meanS;
                aggW[b] = meanW;
                if (count == 1) output[start] = w[start];
                else for (int i = start; i < end; i++) output[i] = (s[i] - meanS) + meanW;
                start = end;
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                top++;
                blockEnd[top] = i + 1;
                aggS[top] = s[i];
                aggW[top] = w[i];
                while (top > 0)
                {
                    if (aggS[top - 1] - aggS[top] > aggW[top - 1] - aggW[top]) break;
                    aggS[top - 1] = LogAddExp(aggS[top - 1], aggS[top]);
                    aggW[top - 1] = LogAddExp(aggW[top - 1], aggW[top]);
                    blockEnd[top - 1] = blockEnd[top];
                    top--;
                }
            }
            int start = 0;
            for (int b = 0; b <= top; b++)
            {
                int end = blockEnd[b];
                if (end - start == 1) output[start] = w[start];
                else for (int i = start; i < end; i++) output[i] = (s[i] - aggS[b]) + aggW[b];
                start = end;
            }
        }
        return top + 1;
    }

    /// <summary>
    /// Vector–Jacobian product of <c>out = s − v(s, w)</c> with respect to s: L2 <c>gᵢ − mean_B(g)</c>;
    /// KL <c>gᵢ − softmax(s_B)ᵢ Σ_B g</c>. <paramref name="grad"/> may alias <paramref name="g"/>.
    /// </summary>
    public static void VjpS(ReadOnlySpan<double> g, ReadOnlySpan<double> s, SoftRegularizer regularizer,
        ReadOnlySpan<int> blockEnd, ReadOnlySpan<double> aggS, int blocks, Span<double> grad)
    {
        int start = 0;
        for (int b = 0; b < blocks; b++)
        {
            int end = blockEnd[b];
            if (end - start == 1) { grad[start] = 0; start = end; continue; }
            double sum = 0;
            for (int i = start; i < end; i++) sum += g[i];
            if (regularizer == SoftRegularizer.L2)
            {
                double mean = sum / (end - start);
                for (int i = start; i < end; i++) grad[i] = g[i] - mean;
            }
            else
            {
                for (int i = start; i < end; i++) grad[i] = g[i] - Math.Exp(s[i] - aggS[b]) * sum;
            }
            start = end;
        }
    }

    /// <summary>
    /// Vector–Jacobian product of <c>out = s − v(s, w)</c> with respect to w: L2 <c>mean_B(g)</c>;
    /// KL <c>softmax(w_B)ᵢ Σ_B g</c>. <paramref name="grad"/> may alias <paramref name="g"/>.
    /// </summary>
    public static void VjpW(ReadOnlySpan<double> g, ReadOnlySpan<double> w, SoftRegularizer regularizer,
        ReadOnlySpan<int> blockEnd, ReadOnlySpan<double> aggW, int blocks, Span<double> grad)
    {
        int start = 0;
        for (int b = 0; b < blocks; b++)
        {
            int end = blockEnd[b];
            if (end - start == 1) { grad[start] = g[start]; start = end; continue; }
            double sum = 0;
            for (int i = start; i < end; i++) sum += g[i];
            if (regularizer == SoftRegularizer.L2)
            {
                double mean = sum / (end - start);
                for (int i = start; i < end; i++) grad[i] = mean;
            }
            else
            {
                for (int i = start; i < end; i++) grad[i] = Math.Exp(w[i] - aggW[b]) * sum;
            }
            start = end;
        }
    }

    /// <summary>log(eᵃ + eᵇ) without overflow.</summary>
    public static double LogAddExp(double a, double b) =>
        a >= b ? a + Math.Log(1 + Math.Exp(b - a)) : b + Math.Log(1 + Math.Exp(a - b));
}
