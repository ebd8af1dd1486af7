using System.Runtime.InteropServices;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>One second-stage model: 16 bytes, so four share a 64-byte cache line and none straddles two.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4, Size = 16)]
public struct RmiLeaf
{
    /// <summary>Predicted position at x = 0 (x = key − smallest key).</summary>
    public double Intercept;
    /// <summary>Positions per key unit (float: the intercept is refitted to the rounded slope, so this costs no accuracy).</summary>
    public float Slope;
    /// <summary>Largest overshoot (prediction − true position) over this leaf's keys; saturates at 65,535.</summary>
    public ushort ErrLo;
    /// <summary>Largest undershoot (true position − prediction) over this leaf's keys; saturates at 65,535.</summary>
    public ushort ErrHi;
}
