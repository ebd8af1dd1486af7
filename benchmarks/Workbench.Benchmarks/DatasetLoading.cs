using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Workbench.Data;

namespace Workbench.Benchmarks;

/// <summary>
/// Loading the Fashion-MNIST training images (47 MB raw, 26 MB gzip) from Debian's package: our IDX reader against a
/// plain reference reader (BinaryReader over the gzip stream, one byte at a time, as tutorials write it).
/// The best peer (Python: gzip + numpy.frombuffer) is timed by benchmarks/peers/idx_numpy.py.
/// </summary>
[MemoryDiagnoser]
public class DatasetLoading
{
    string _path = "";

    [GlobalSetup]
    public void Setup() => _path = Path.Combine(FashionMnist.Folder, "train-images-idx3-ubyte.gz");

    [Benchmark(Baseline = true, Description = "reference: BinaryReader byte by byte")]
    public byte[] Reference()
    {
        using var reader = new BinaryReader(new GZipStream(File.OpenRead(_path), CompressionMode.Decompress));
        int magic = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
        if (magic != 0x803) throw new InvalidDataException("bad magic");
        int count = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
        int rows = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
        int cols = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(reader.ReadInt32());
        var data = new byte[count * rows * cols];
        for (int i = 0; i < data.Length; i++) data[i] = reader.ReadByte();
        return data;
    }

    [Benchmark(Description = "ours: Idx.Read (validated)")]
    public byte[] Ours() => Idx.Read(_path, "install dataset-fashion-mnist").Data;
}
