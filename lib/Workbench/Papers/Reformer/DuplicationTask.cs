using static TorchSharp.torch;

namespace Workbench.Papers.Reformer;

/// <summary>
/// The duplication task of the Reformer paper (Sec. 5): sequences 0w0w of length L, w a uniformly random string of
/// L/2 − 1 symbols from 1 … V − 1. A causal language model sees the sequence shifted right by one (a leading 0) and
/// is scored only on the second copy of w, which it can produce exactly by attending L/2 − 1 positions back.
/// </summary>
public static class DuplicationTask
{
    /// <summary>Marks the positions that are not scored in <see cref="Batch"/>'s targets (cross-entropy's ignore index).</summary>
    public const long Ignore = -100;

    /// <summary>Sequences [count, L] of the form 0w0w.</summary>
    /// <exception cref="ArgumentException">L below 4 or odd, or fewer than 2 symbols.</exception>
    public static long[,] Sequences(int count, int length, int vocabulary, int seed)
    {
        if (length < 4 || length % 2 != 0)
            throw new ArgumentException($"length = {length}: the duplication task needs an even length of at least 4 (0w0w).");
        if (vocabulary < 2) throw new ArgumentException($"vocabulary = {vocabulary}: w needs at least one symbol besides 0.");
        var rng = new Random(seed);
        int half = length / 2;
        var data = new long[count, length];
        for (int i = 0; i < count; i++)
            for (int j = 1; j < half; j++)
            {
                long symbol = rng.Next(1, vocabulary);
                data[i, j] = symbol;
                data[i, half + j] = symbol;
            }
        return data;
    }

    /// <summary>
    /// Model inputs (the sequences shifted right, 0 first) and targets (the sequence on the second copy of w,
    /// <see cref="Ignore"/> elsewhere), both [count, L] int64.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) Batch(long[,] sequences)
    {
        int count = sequences.GetLength(0), length = sequences.GetLength(1), half = length / 2;
        var inputs = new long[count, length];
        var targets = new long[count, length];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < length; j++)
            {
                inputs[i, j] = j == 0 ? 0 : sequences[i, j - 1];
                targets[i, j] = j > half ? sequences[i, j] : Ignore;
            }
        return (tensor(inputs), tensor(targets));
    }
}
