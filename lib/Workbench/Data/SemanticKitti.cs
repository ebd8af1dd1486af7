namespace Workbench.Data;

/// <summary>
/// SemanticKITTI's file formats: a scan <c>.bin</c> is float32 little-endian (x, y, z, remission) per point (16 bytes);
/// a <c>.label</c> is one uint32 per point, the semantic label in the lower 16 bits and the instance id in the upper
/// 16 (lidar-bonnetal <c>SemLaserScan.open_label</c>: <c>label &amp; 0xFFFF</c>). Bad files are one sentence each.
/// </summary>
public static class SemanticKitti
{
    /// <summary>Bytes per point in a <c>.bin</c>.</summary>
    public const int BytesPerPoint = 16;

    /// <summary>Reads a <c>.bin</c> scan into (x, y, z, remission) arrays.</summary>
    /// <exception cref="DatasetException">The file is missing or its size is not a multiple of 16 bytes.</exception>
    public static (float[] X, float[] Y, float[] Z, float[] Remission) ReadScan(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"Scan file {path} does not exist.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % BytesPerPoint != 0)
            throw new DatasetException(
                $"Scan file {path} has {bytes.Length} bytes, not a multiple of 16 (4 float32 per point: x, y, z, remission), "
                + "so it is truncated or not a SemanticKITTI .bin.");
        int n = bytes.Length / BytesPerPoint;
        var floats = new float[n * 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("SemanticKITTI files are little-endian.");
        float[] x = new float[n], y = new float[n], z = new float[n], remission = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = floats[4 * i];
            y[i] = floats[4 * i + 1];
            z[i] = floats[4 * i + 2];
            remission[i] = floats[4 * i + 3];
        }
        return (x, y, z, remission);
    }

    /// <summary>Writes a <c>.bin</c> scan.</summary>
    /// <exception cref="ArgumentException">The four arrays differ in length.</exception>
    public static void WriteScan(string path, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z,
        ReadOnlySpan<float> remission)
    {
        if (y.Length != x.Length || z.Length != x.Length || remission.Length != x.Length)
            throw new ArgumentException($"x, y, z and remission must have one length each; "
                + $"got {x.Length}, {y.Length}, {z.Length} and {remission.Length}.");
        var floats = new float[x.Length * 4];
        for (int i = 0; i < x.Length; i++)
        {
            floats[4 * i] = x[i];
            floats[4 * i + 1] = y[i];
            floats[4 * i + 2] = z[i];
            floats[4 * i + 3] = remission[i];
        }
        var bytes = new byte[floats.Length * 4];
        Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
        Runs.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads the raw semantic labels (lower 16 bits) of a <c>.label</c> file for a scan of
    /// <paramref name="points"/> points.</summary>
    /// <exception cref="DatasetException">The file is missing, its size is not a multiple of 4, or it holds a different
    /// point count.</exception>
    public static int[] ReadLabels(string path, int points)
    {
        if (!File.Exists(path)) throw new DatasetException($"Label file {path} does not exist.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % 4 != 0 || bytes.Length / 4 != points)
            throw new DatasetException(
                $"Label file {path} has {bytes.Length} bytes = {bytes.Length / 4.0:0.##} labels but its scan has {points} points: "
                + "they must match one uint32 per point.");
        var raw = new uint[points];
        Buffer.BlockCopy(bytes, 0, raw, 0, bytes.Length);
        return raw.Select(v => (int)(v & 0xFFFF)).ToArray();
    }

    /// <summary>Writes raw semantic labels (instance id 0) as a <c>.label</c> file.</summary>
    public static void WriteLabels(string path, ReadOnlySpan<int> rawLabels)
    {
        var raw = new uint[rawLabels.Length];
        for (int i = 0; i < raw.Length; i++) raw[i] = (uint)rawLabels[i] & 0xFFFF;
        var bytes = new byte[raw.Length * 4];
        Buffer.BlockCopy(raw, 0, bytes, 0, bytes.Length);
        Runs.AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The SemanticKITTI raw label id of a class (0 for unlabeled).</summary>
    public static int ToRawLabel(SceneClass c) => c switch
    {
        SceneClass.Road => 40,
        SceneClass.Sidewalk => 48,
        SceneClass.Building => 50,
        SceneClass.Car => 10,
        SceneClass.Pole => 80,
        SceneClass.Trunk => 71,
        SceneClass.Vegetation => 70,
        SceneClass.Person => 30,
        _ => 0,
    };

    /// <summary>The class of a raw SemanticKITTI label id; ids outside the eight simulated classes map to unlabeled.</summary>
    public static SceneClass FromRawLabel(int raw) => raw switch
    {
        40 => SceneClass.Road,
        48 => SceneClass.Sidewalk,
        50 => SceneClass.Building,
        10 => SceneClass.Car,
        80 => SceneClass.Pole,
        71 => SceneClass.Trunk,
        70 => SceneClass.Vegetation,
        30 => SceneClass.Person,
        _ => SceneClass.Unlabeled,
    };
}
