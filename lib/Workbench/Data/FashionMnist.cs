namespace Workbench.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017; MIT licence): 60,000 training and 10,000 test images of 10
/// clothing classes. Read from Debian's <c>dataset-fashion-mnist</c> package or <c>$WORKBENCH_FASHION_MNIST</c>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's package installs the IDX files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs the dataset.</summary>
    public const string InstallCommand = "install it with `sudo apt-get install dataset-fashion-mnist` " +
        "(or set WORKBENCH_FASHION_MNIST to a folder holding the four IDX files)";

    /// <summary>The ten class names, by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    static readonly Dictionary<(string, bool), ImageDataset> Cache = new();

    /// <summary>The folder the files are read from.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("WORKBENCH_FASHION_MNIST") is { Length: > 0 } env
        ? env
        : DebianFolder;

    /// <summary>True when the training images file is present.</summary>
    public static bool IsInstalled => Find("train-images-idx3-ubyte") is not null;

    /// <summary>Loads the training (60,000) or test (10,000) split; cached in memory after the first call.</summary>
    public static ImageDataset Load(bool train) => Load(Folder, train);

    /// <summary>The first <paramref name="count"/> training images of a shuffle seeded by <paramref name="seed"/>
    /// (purpose "train-subset").</summary>
    public static ImageDataset TrainingSubset(int count, int seed)
    {
        var train = Load(train: true);
        return train.Select(Runs.Seeds.Permutation(train.Count, seed, "train-subset")[..count]);
    }

    /// <summary>Loads a split from a given folder (files named as in the original distribution, .gz optional).</summary>
    public static ImageDataset Load(string folder, bool train)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue((folder, train), out var cached)) return cached;
            string prefix = train ? "train" : "t10k";
            string images = Find($"{prefix}-images-idx3-ubyte", folder) ?? Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz");
            string labels = Find($"{prefix}-labels-idx1-ubyte", folder) ?? Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz");
            var dataset = FromIdx("Fashion-MNIST " + (train ? "train" : "test"), images, labels, ClassNames, InstallCommand);
            Cache[(folder, train)] = dataset;
            return dataset;
        }
    }

    /// <summary>Builds a dataset from an images IDX file (N × H × W) and a labels IDX file (N), checking they agree.</summary>
    public static ImageDataset FromIdx(string name, string imagesPath, string labelsPath, IReadOnlyList<string> classNames, string fix)
    {
        var images = Idx.Read(imagesPath, fix);
        var labels = Idx.Read(labelsPath, fix);
        if (images.Dimensions.Length != 3)
            throw new DatasetException($"{imagesPath} is not an image file (rank {images.Dimensions.Length}, expected 3); {fix}.");
        if (labels.Dimensions.Length != 1)
            throw new DatasetException($"{labelsPath} is not a label file (rank {labels.Dimensions.Length}, expected 1); {fix}.");
        if (images.Count != labels.Count)
            throw new DatasetException($"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Count} labels; {fix}.");
        int bad = Array.FindIndex(labels.Data, l => l >= classNames.Count);
        if (bad >= 0)
            throw new DatasetException(
                $"{labelsPath} has label {labels.Data[bad]} at position {bad}, outside 0–{classNames.Count - 1}; {fix}.");
        return new ImageDataset(name, images.Data, labels.Data, images.Dimensions[1], images.Dimensions[2], classNames);
    }

    static string? Find(string stem, string? folder = null)
    {
        folder ??= Folder;
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
