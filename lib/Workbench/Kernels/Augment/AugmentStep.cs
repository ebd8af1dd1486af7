namespace Workbench.Kernels.Augment;

/// <summary>
/// One operation applied to one image with its concrete value (degrees, factor, bits, fraction; see <see cref="AugmentOp"/>).
/// </summary>
/// <param name="Op">The operation.</param>
/// <param name="Value">Its value, already mapped from the magnitude to the operation's range.</param>
public readonly record struct AugmentStep(AugmentOp Op, double Value);
