using System.Globalization;
using System.Numerics.Tensors;

namespace Workbench.Kernels.SoftSort;

/// <summary>The one-sentence input checks shared by the CPU, GPU and autograd paths.</summary>
internal static class SoftSortChecks
{
    public static void Arguments(int length, int n, SoftSortOptions options)
    {
        double eps = options.Epsilon;
        if (!(eps > 0) || double.IsInfinity(eps))
            throw new ArgumentException($"epsilon = {Format(eps)} is out of range: the regularisation strength ε must be " +
                "a finite number > 0 (e.g. 0.1 to 10 for unit-scale values).");
        if (n <= 0 || length == 0)
            throw new ArgumentException(
                $"The rows are empty (n = {(length == 0 ? 0 : n)}): soft sort and soft rank need at least 1 value per row.");
        if (length % n != 0)
            throw new ArgumentException($"{length} values do not split into rows of n = {n}: the length must be a multiple of n.");
        if (!Enum.IsDefined(options.Direction))
            throw new ArgumentException($"direction = {options.Direction} is not valid: use Ascending or Descending.");
        if (!Enum.IsDefined(options.Regularizer))
            throw new ArgumentException($"regularizer = {options.Regularizer} is not valid: use L2 or KL.");
    }

    public static void Finite(ReadOnlySpan<double> values, string what, int n)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"The {what} hold {Format(values[i])} at {Where(i, n)}: " +
                    "every value must be a finite number (no NaN or ±infinity).");
    }

    public static void Scaled(ReadOnlySpan<double> values, SoftSortOptions options, int n)
    {
        double max = TensorPrimitives.MaxMagnitude<double>(values);
        double scaled = Math.Abs(max) / options.Epsilon;
        if (!double.IsFinite(scaled) || !double.IsFinite(n / options.Epsilon))
            throw new ArgumentException(
                $"values / epsilon overflows (max |value| = {Format(Math.Abs(max))}, epsilon = {Format(options.Epsilon)}): " +
                $"epsilon must be at least max |value| / 1e300 and n / 1e300; rescale the values or raise epsilon.");
    }

    public static void FiniteOutput(double[] values, SoftSortOptions options, bool rank)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException(
                    $"The {(rank ? "soft rank" : "soft sort")} with {options.Regularizer} and epsilon = {Format(options.Epsilon)} " +
                    $"is undefined for these inputs (value {i} became {Format(values[i])}): raise epsilon or use the L2 regulariser.");
    }

    static string Where(int i, int n) => n > 0 ? $"row {i / n}, position {i % n}" : $"position {i}";

    static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
