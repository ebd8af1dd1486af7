namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Maps floating-point keys to <see cref="ulong"/> keys with the same order (IEEE-754 bit trick: flip all bits of
/// negatives, the sign bit of the rest), so every index here also serves <see cref="double"/> keys.
/// </summary>
public static class KeyEncoding
{
    /// <summary>The order-preserving code of one finite or infinite double; NaN throws.</summary>
    public static ulong FromDouble(double value)
    {
        if (double.IsNaN(value))
            throw new ArgumentException("A NaN key has no place in a sorted order; drop or replace NaN values before indexing.");
        if (value == 0) value = 0; // -0.0 and +0.0 are the same key
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    /// <summary>Encodes every value; the first NaN is named by its position.</summary>
    public static ulong[] FromDoubles(ReadOnlySpan<double> values)
    {
        var result = new ulong[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
                throw new ArgumentException(
                    $"Key at position {i} is NaN, which has no place in a sorted order; drop or replace NaN values before indexing.");
            result[i] = FromDouble(values[i]);
        }
        return result;
    }

    /// <summary>The double whose code is <paramref name="code"/> (inverse of <see cref="FromDouble"/>).</summary>
    public static double ToDouble(ulong code)
    {
        ulong bits = (code & 0x8000_0000_0000_0000UL) != 0 ? code & 0x7FFF_FFFF_FFFF_FFFFUL : ~code;
        return BitConverter.Int64BitsToDouble((long)bits);
    }
}
