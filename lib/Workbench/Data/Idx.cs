using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Data;

/// <summary>An unsigned-byte IDX array (the MNIST file format): its dimensions and data, row-major.</summary>
/// <param name="Dimensions">Sizes of each dimension, e.g. [60000, 28, 28].</param>
/// <param name="Data">The bytes, row-major.</param>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>Number of items (size of the first dimension).</summary>
    public int Count => Dimensions[0];

    /// <summary>Bytes per item (product of the other dimensions).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}

/// <summary>Reads and writes IDX files (raw or gzip-compressed), validating magic numbers and sizes.</summary>
public static class Idx
{
    const byte UnsignedByte = 0x08;

    /// <summary>
    /// Reads an IDX file of unsigned bytes. Gzip is detected from the content, not the name.
    /// Throws <see cref="DatasetException"/> naming the file when it is missing, truncated or not IDX;
    /// <paramref name="fix"/> is the command that reinstalls it.
    /// </summary>
    public static IdxArray Read(string path, string fix)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path} does not exist; {fix}.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var raw = new MemoryStream();
                gz.CopyTo(raw);
                bytes = raw.ToArray();
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DatasetException($"{path} is not a readable gzip file ({e.Message}); {fix}.");
        }
        return Parse(bytes, path, fix);
    }

    /// <summary>Parses IDX bytes; see <see cref="Read"/>.</summary>
    public static IdxArray Parse(byte[] bytes, string path, string fix)
    {
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new DatasetException($"{path} is not an IDX file (bad magic number); {fix}.");
        if (bytes[2] != UnsignedByte)
            throw new DatasetException($"{path} holds IDX type 0x{bytes[2]:x2}, not unsigned bytes (0x08); {fix}.");
        int rank = bytes[3];
        if (rank < 1 || bytes.Length < 4 + 4 * rank)
            throw new DatasetException($"{path} has a truncated IDX header; {fix}.");
        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw new DatasetException($"{path} has a negative dimension in its IDX header; {fix}.");
            expected *= dims[i];
        }
        int header = 4 + 4 * rank;
        if (bytes.Length - header != expected)
            throw new DatasetException($"{path} holds {bytes.Length - header:N0} data bytes but its header promises {expected:N0} (truncated or corrupt); {fix}.");
        return new IdxArray(dims, bytes.AsSpan(header).ToArray());
    }

    /// <summary>Writes an unsigned-byte IDX file (uncompressed), atomically.</summary>
    public static void Write(string path, int[] dimensions, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = UnsignedByte;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes.AsSpan(4 + 4 * dimensions.Length));
        Runs.AtomicFile.WriteAllBytes(path, bytes);
    }
}
