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
        // One pass, no intermediate buffers: the header tells the data size, so the data is read straight into
        // an array of exactly that size (the file is 47 MB for Fashion-MNIST's training images).
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            Span<byte> head = stackalloc byte[4];
            if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4 || head[0] != 0 || head[1] != 0)
                throw new DatasetException($"{path} is not an IDX file (bad magic number); {fix}.");
            if (head[2] != UnsignedByte)
                throw new DatasetException($"{path} holds IDX type 0x{head[2]:x2}, not unsigned bytes (0x08); {fix}.");
            int rank = head[3];
            var dimsBytes = new byte[4 * rank];
            if (rank < 1 || stream.ReadAtLeast(dimsBytes, dimsBytes.Length, throwOnEndOfStream: false) < dimsBytes.Length)
                throw new DatasetException($"{path} has a truncated IDX header; {fix}.");
            var dims = new int[rank];
            long expected = 1;
            for (int i = 0; i < rank; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimsBytes.AsSpan(4 * i));
                if (dims[i] < 0) throw new DatasetException($"{path} has a negative dimension in its IDX header; {fix}.");
                expected *= dims[i];
            }
            if (expected > Array.MaxLength)
                throw new DatasetException($"{path} promises {expected:N0} bytes, more than one array holds; {fix}.");
            var data = new byte[expected];
            int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            long extra = read < data.Length ? 0 : CountRemaining(stream);
            if (read < data.Length || extra > 0)
                throw new DatasetException(
                    $"{path} holds {read + extra:N0} data bytes but its header promises {expected:N0} (truncated or corrupt); {fix}.");
            return new IdxArray(dims, data);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DatasetException($"{path} is not a readable gzip file ({e.Message}); {fix}.");
        }
    }

    static long CountRemaining(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0) total += n;
        return total;
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
            throw new DatasetException(
                $"{path} holds {bytes.Length - header:N0} data bytes but its header promises {expected:N0} (truncated or corrupt); {fix}.");
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
