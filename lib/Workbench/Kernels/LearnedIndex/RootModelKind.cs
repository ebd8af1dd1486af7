namespace Workbench.Kernels.LearnedIndex;

/// <summary>The model family of an RMI's first stage.</summary>
public enum RootModelKind
{
    /// <summary>CDF ≈ a + b·x (x = key − smallest key): one multiply-add. Fine for uniform keys, poor for skewed ones.</summary>
    Linear,
    /// <summary>
    /// CDF ≈ a + b·ln(1 + x): linear in the key's logarithm, the right shape for lognormal-like keys. Fitted through
    /// the first and last sample points so no tail is clamped into an end leaf.
    /// </summary>
    LogLinear,
    /// <summary>CDF ≈ cubic polynomial in t = x / range, fitted by least squares.</summary>
    Cubic,
    /// <summary>
    /// A small ReLU network (2 inputs: t and ln(1 + x) / ln(1 + range); one hidden layer) trained with TorchSharp,
    /// the paper's choice; evaluated in plain C# at lookup time.
    /// </summary>
    Mlp,
}
