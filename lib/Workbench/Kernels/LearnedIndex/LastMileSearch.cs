namespace Workbench.Kernels.LearnedIndex;

/// <summary>How the RMI finds the key inside the window its leaf model predicts.</summary>
public enum LastMileSearch
{
    /// <summary>Branch-free binary search over the leaf's error window (the paper's "model-biased" bounded search).</summary>
    Binary,
    /// <summary>Exponential (galloping) search outward from the prediction: cost follows the actual error.</summary>
    Exponential,
    /// <summary>Vector count of the keys below the probe across the window: best for tiny windows.</summary>
    Linear,
}
