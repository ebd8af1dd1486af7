using Workbench.Runs;

namespace Workbench.Data;

/// <summary>Labelled grey-scale images (28 × 28 for the MNIST family), pixels as bytes 0–255.</summary>
/// <param name="Name">Dataset name for messages.</param>
/// <param name="Pixels">Count × Height × Width bytes, row-major.</param>
/// <param name="Labels">One class index per image.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="ClassNames">Names of the classes, by index.</param>
public sealed record ImageDataset(string Name, byte[] Pixels, byte[] Labels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Pixels per image.</summary>
    public int ImageSize => Height * Width;

    /// <summary>The images at the given positions, in that order.</summary>
    public ImageDataset Select(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * ImageSize];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Pixels.AsSpan(indices[i] * ImageSize, ImageSize).CopyTo(pixels.AsSpan(i * ImageSize));
            labels[i] = Labels[indices[i]];
        }
        return this with { Pixels = pixels, Labels = labels };
    }

    /// <summary>The first <paramref name="count"/> images.</summary>
    public ImageDataset Take(int count) => Select(Enumerable.Range(0, Math.Min(count, Count)).ToArray());

    /// <summary>
    /// A seeded random split into (train, validation) with <paramref name="validationCount"/> images held out.
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) Split(int validationCount, int seed)
    {
        if (validationCount < 0 || validationCount >= Count)
            throw new ArgumentOutOfRangeException(nameof(validationCount),
                $"validation size {validationCount} must be in [0, {Count - 1}] for {Name} ({Count} images).");
        var order = Seeds.Permutation(Count, seed, "split:" + Name);
        return (Select(order[validationCount..]), Select(order[..validationCount]));
    }

    /// <summary>Pixels scaled to [0, 1] as floats (Count × ImageSize).</summary>
    public float[] PixelsAsFloats()
    {
        var result = new float[Pixels.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(Pixels, result);
        System.Numerics.Tensors.TensorPrimitives.Multiply(result, 1f / 255f, result);
        return result;
    }
}
