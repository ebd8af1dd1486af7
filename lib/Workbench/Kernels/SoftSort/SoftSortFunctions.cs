using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Kernels.SoftSort;

/// <summary>
/// Soft sort and soft rank as TorchSharp operations with custom autograd: usable inside any loss. The forward pass runs
/// the PAV kernel (<see cref="SoftSort"/>) over the last dimension, the backward pass its O(n) vector–Jacobian product.
/// float32 and float64 tensors are supported (computed in float64, returned in the input's dtype); tensors on another
/// device are computed on the CPU and returned to their device.
/// </summary>
public static class SoftSortFunctions
{
    /// <summary>Soft sort along the last dimension of a 1-D or 2-D tensor.</summary>
    /// <param name="values">Scores, shape [n] or [rows, n], float32 or float64.</param>
    /// <param name="epsilon">Regularisation strength ε &gt; 0.</param>
    /// <param name="direction">Ascending (default) or descending.</param>
    /// <param name="regularizer">L2 (default) or KL.</param>
    public static Tensor soft_sort(Tensor values, double epsilon = 1.0, SortDirection direction = SortDirection.Ascending,
        SoftRegularizer regularizer = SoftRegularizer.L2) =>
        SoftPermutahedronFunction.apply(values, new SoftSortOptions(epsilon, direction, regularizer), false);

    /// <summary>Soft rank along the last dimension of a 1-D or 2-D tensor (ranks run from 1 to n).</summary>
    /// <param name="values">Scores, shape [n] or [rows, n], float32 or float64.</param>
    /// <param name="epsilon">Regularisation strength ε &gt; 0.</param>
    /// <param name="direction">Ascending (default: the largest value gets rank n) or descending (the largest gets rank 1).</param>
    /// <param name="regularizer">L2 (default) or KL.</param>
    public static Tensor soft_rank(Tensor values, double epsilon = 1.0, SortDirection direction = SortDirection.Ascending,
        SoftRegularizer regularizer = SoftRegularizer.L2) =>
        SoftPermutahedronFunction.apply(values, new SoftSortOptions(epsilon, direction, regularizer), true);

    /// <summary>The tensor's values as float64 rows; a clear error for unsupported shapes and dtypes.</summary>
    internal static (double[] Data, long Rows, long N) ToRows(Tensor t, string what)
    {
        if (t.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"The {what} tensor has dtype {t.dtype}: soft_sort and soft_rank take float32 or float64 tensors.");
        if (t.dim() is not (1 or 2))
            throw new ArgumentException($"The {what} tensor has shape [{string.Join(", ", t.shape)}]: " +
                "soft_sort and soft_rank take shape [n] or [rows, n].");
        long n = t.shape[^1];
        long rows = t.dim() == 2 ? t.shape[0] : 1;
        if (n == 0 || rows == 0)
            throw new ArgumentException($"The {what} tensor has shape [{string.Join(", ", t.shape)}]: " +
                "rows are empty, and soft sort and soft rank need at least 1 value per row.");
        using var cpu = t.detach().to(CPU).to_type(ScalarType.Float64).contiguous();
        return (cpu.data<double>().ToArray(), rows, n);
    }

    internal static Tensor FromRows(double[] data, Tensor like)
    {
        using var cpu = tensor(data, like.shape, ScalarType.Float64);
        return cpu.to_type(like.dtype).to(like.device);
    }
}

/// <summary>The custom autograd function behind <see cref="SoftSortFunctions"/>.</summary>
internal sealed class SoftPermutahedronFunction : torch.autograd.SingleTensorFunction<SoftPermutahedronFunction>
{
    public override string Name => "SoftPermutahedron";

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var options = (SoftSortOptions)vars[1];
        bool rank = (bool)vars[2];
        var (data, _, n) = SoftSortFunctions.ToRows(input, "input");
        var result = rank ? PermutahedronProjection.Rank(data, (int)n, options) : PermutahedronProjection.Sort(data, (int)n, options);
        ctx.save_data("result", result);
        return SoftSortFunctions.FromRows(result.Values, input);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad_output)
    {
        var result = (SoftSortResult)ctx.get_data("result");
        var (g, _, _) = SoftSortFunctions.ToRows(grad_output, "incoming gradient");
        var grad = result.Backward(g);
        return [SoftSortFunctions.FromRows(grad, grad_output), null!, null!];
    }
}
