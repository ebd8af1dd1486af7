using Workbench.Kernels.LearnedIndex;

namespace Workbench.Tests.Kernels.LearnedIndex;

/// <summary>
/// <c>LowerBound.Lines</c> (binary search on cache lines, then an 8-key vector count), guarded over its lines' span,
/// against the reference lower bound: random spans of lines, every line offset (shift 0–7), present and absent keys,
/// both ends of the key range and duplicates.
/// </summary>
public class LineSearchTests
{
    static readonly int RunSeed = Environment.GetEnvironmentVariable("WORKBENCH_TEST_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();

    [Fact]
    public void Guarded_line_search_equals_the_reference_lower_bound()
    {
        var rng = new Random(RunSeed);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = rng.Next(1, 400), offset = rng.Next(8);
            var store = new ulong[n + 16];
            ulong value = (ulong)rng.Next(0, 5);
            for (int i = 0; i < n; i++)
            {
                store[offset + i] = value;
                if (rng.Next(3) > 0) value += (ulong)rng.Next(1, 4); // runs of duplicates
            }
            var keys = store.AsSpan(offset, n);
            {
                int shift = offset, lines = (n - 1 + shift) / 8 + 1;
                for (int probe = 0; probe < 40; probe++)
                {
                    int a = rng.Next(lines), b = rng.Next(lines);
                    int firstLine = Math.Min(a, b), lastLine = Math.Max(a, b);
                    ulong key = probe switch
                    {
                        0 => 0,
                        1 => keys[0],
                        2 => keys[^1],
                        3 => keys[^1] + 1,
                        _ => (ulong)rng.Next(0, (int)keys[^1] + 3),
                    };
                    int lo = Math.Max(firstLine * 8 - shift, 0), hi = Math.Min(lastLine * 8 + 8 - shift, n);
                    int found = LowerBound.Lines(keys, shift, firstLine, lastLine, key);
                    int guarded = LowerBound.Guard(ref keys[0], n, lo, hi, found, key);
                    Assert.True(guarded == LowerBound.Reference(keys, key),
                        $"lines {firstLine}..{lastLine} of {n} keys (shift {shift}, seed {RunSeed}): key {key} → {guarded}, " +
                        $"reference {LowerBound.Reference(keys, key)}");
                }
            }
        }
    }
}
