using System.Runtime.InteropServices;
using Workbench.Runs;

namespace Workbench.Torch;

/// <summary>
/// The workbench's weight file: float arrays (weights, masks) in a small binary file — the array count, then per array
/// its length and its values (little-endian float32) — written atomically, so a reader never sees a torn file.
/// </summary>
public static class WeightFile
{
    /// <summary>Writes <paramref name="arrays"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, IReadOnlyList<float[]> arrays)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(arrays.Count);
            foreach (var a in arrays)
            {
                writer.Write(a.Length);
                writer.Write(MemoryMarshal.AsBytes(a.AsSpan()));
            }
        }
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file is shorter than its header says.</exception>
    public static float[][] Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            var arrays = new float[reader.ReadInt32()][];
            for (int i = 0; i < arrays.Length; i++)
            {
                arrays[i] = new float[reader.ReadInt32()];
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(arrays[i].AsSpan()));
            }
            return arrays;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"The weight file {path} is truncated; delete its run folder to recompute it.");
        }
    }
}
