namespace Workbench.Data;

/// <summary>
/// One LiDAR sweep: points in the sensor frame (x forward, y left, z up; metres) with remission and labels, in the
/// order they were measured (ring-major: laser 0's firings first).
/// </summary>
/// <param name="X">x, metres.</param>
/// <param name="Y">y, metres.</param>
/// <param name="Z">z, metres.</param>
/// <param name="Remission">Remission in [0, 1].</param>
/// <param name="Label">Semantic class per point (<see cref="SceneClass"/> as int; 0 = unlabeled).</param>
/// <param name="Ring">Index of the laser that measured the point (0 = top beam).</param>
public sealed record LidarScan(float[] X, float[] Y, float[] Z, float[] Remission, int[] Label, int[] Ring)
{
    /// <summary>Points in the scan.</summary>
    public int Count => X.Length;

    /// <summary>Every point's range √(x² + y² + z²), metres.</summary>
    public float[] Ranges() => Enumerable.Range(0, Count).Select(i => MathF.Sqrt(X[i] * X[i] + Y[i] * Y[i] + Z[i] * Z[i])).ToArray();

    /// <summary>Writes the scan as SemanticKITTI <c>&lt;stem&gt;.bin</c> and <c>&lt;stem&gt;.label</c> (raw label ids).</summary>
    public void Save(string stem)
    {
        SemanticKitti.WriteScan(stem + ".bin", X, Y, Z, Remission);
        SemanticKitti.WriteLabels(stem + ".label", Label.Select(l => SemanticKitti.ToRawLabel((SceneClass)l)).ToArray());
    }

    /// <summary>
    /// Loads SemanticKITTI <c>&lt;stem&gt;.bin</c> and, when present, <c>&lt;stem&gt;.label</c> (raw ids mapped to
    /// <see cref="SceneClass"/>, others unlabeled). Ring indices are unknown in those files and read as −1.
    /// </summary>
    /// <exception cref="DatasetException">A bad .bin or a .label with another point count (one sentence).</exception>
    public static LidarScan Load(string stem)
    {
        var (x, y, z, remission) = SemanticKitti.ReadScan(stem + ".bin");
        var labels = File.Exists(stem + ".label")
            ? SemanticKitti.ReadLabels(stem + ".label", x.Length).Select(raw => (int)SemanticKitti.FromRawLabel(raw)).ToArray()
            : new int[x.Length];
        return new LidarScan(x, y, z, remission, labels, Enumerable.Repeat(-1, x.Length).ToArray());
    }
}
