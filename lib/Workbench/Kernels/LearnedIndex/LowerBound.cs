using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// Lower-bound search primitives over sorted <see cref="ulong"/> keys: the plain reference, a branch-free binary
/// search, an exponential search and a SIMD linear count, each over a window <c>[lo, hi)</c>, plus the guard that
/// turns a model's window into an always-correct answer. "Lower bound of k" is the first position whose key is
/// ≥ k (the key count when every key is smaller); duplicates are allowed and the first of equal keys is returned.
/// </summary>
public static class LowerBound
{
    /// <summary>
    /// The reference: the textbook <c>std::lower_bound</c> loop over the whole span (one branch per step).
    /// Empty input gives 0. This is the definition every index is tested against.
    /// </summary>
    public static int Reference(ReadOnlySpan<ulong> keys, ulong key)
    {
        int lo = 0, hi = keys.Length;
        while (lo < hi)
        {
            int mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (keys[mid] < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>1 when <paramref name="a"/> &lt; <paramref name="b"/>, else 0, as a flag (setb), never a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Less(ulong a, ulong b) => Unsafe.BitCast<bool, byte>(a < b);

    /// <summary>
    /// Branch-free binary search over <c>[lo, hi)</c> of <paramref name="keys"/> in the literature's sense (Khuong &amp;
    /// Morin): the loop runs ⌈log2(hi − lo)⌉ times whatever the key. The .NET JIT compiles its step to a conditional
    /// jump, not a conditional move (read with DOTNET_JitDisasm); over a large array that is the faster form, since
    /// speculation fetches the next lines early. <see cref="Flagged"/> is the form with no data-dependent branch. Returns a position in
    /// <c>[lo, hi]</c>; the caller guarantees <c>0 ≤ lo ≤ hi ≤ keys.Length</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BranchFree(ref ulong keys, int lo, int hi, ulong key)
    {
        int n = hi - lo;
        if (n <= 0) return lo;
        ref ulong b = ref Unsafe.Add(ref keys, lo);
        int first = 0;
        while (n > 1)
        {
            int half = n >> 1;
            first = Unsafe.Add(ref b, first + half - 1) < key ? first + half : first;
            n -= half;
        }
        return lo + first + (Unsafe.Add(ref b, first) < key ? 1 : 0);
    }

    /// <summary>
    /// <see cref="BranchFree(ref ulong, int, int, ulong)"/> with the compare taken as a flag (<see cref="Less"/>), so the
    /// loop really has no data-dependent branch: the JIT does not turn the ternary into a conditional move inside a
    /// loop. Pays when the window is already in cache (a prefetched RMI window); over a large array the branchy form is
    /// faster, since its speculation fetches the next lines early.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Flagged(ref ulong keys, int lo, int hi, ulong key)
    {
        int n = hi - lo;
        if (n <= 0) return lo;
        ref ulong b = ref Unsafe.Add(ref keys, lo);
        int first = 0;
        while (n > 1)
        {
            int half = n >> 1;
            first += half & -Less(Unsafe.Add(ref b, first + half - 1), key);
            n -= half;
        }
        return lo + first + Less(Unsafe.Add(ref b, first), key);
    }

    /// <summary>Branch-free lower bound over a whole span (the fast binary-search baseline).</summary>
    public static int BranchFree(ReadOnlySpan<ulong> keys, ulong key) =>
        BranchFree(ref MemoryMarshal.GetReference(keys), 0, keys.Length, key);

    /// <summary>
    /// Counts the keys in <c>[lo, hi)</c> that are smaller than <paramref name="key"/> with 256-bit vector compares
    /// and returns <c>lo</c> plus that count — the lower bound, since the keys are sorted. Linear in the window, so
    /// use it only for small windows (a B+tree page tail, a tight model error).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LinearCount(ref ulong keys, int lo, int hi, ulong key)
    {
        int i = lo, count = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var k = Vector256.Create(key);
            for (; i + 4 <= hi; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref keys, (nuint)i);
                count += System.Numerics.BitOperations.PopCount(Vector256.LessThan(v, k).ExtractMostSignificantBits());
            }
        }
        for (; i < hi; i++) count += Unsafe.Add(ref keys, i) < key ? 1 : 0;
        return lo + count;
    }

    /// <summary>
    /// Hybrid for pages: branch-free halving until at most 32 keys are left, then a vector count. Same contract as
    /// <see cref="BranchFree(ref ulong, int, int, ulong)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Page(ref ulong keys, int lo, int hi, ulong key)
    {
        int n = hi - lo;
        while (n > 32)
        {
            int half = n >> 1;
            lo = Unsafe.Add(ref keys, lo + half - 1) < key ? lo + half : lo;
            n -= half;
        }
        return LinearCount(ref keys, lo, lo + n, key);
    }

    /// <summary>
    /// Exponential (galloping) search from a predicted position <paramref name="start"/> inside <c>[lo, hi)</c>:
    /// doubles the step away from the prediction until the key is bracketed, then searches the bracket branch-free.
    /// Cost grows with log2 of the actual error, not of the window. Returns a position in <c>[lo, hi]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Exponential(ref ulong keys, int lo, int hi, int start, ulong key)
    {
        if (hi <= lo) return lo;
        start = Math.Clamp(start, lo, hi - 1);
        if (Unsafe.Add(ref keys, start) < key)
        {
            // answer in (start, hi]
            int step = 1, left = start + 1;
            while (true)
            {
                int probe = start + step;
                if (probe >= hi) return BranchFree(ref keys, left, hi, key);
                if (Unsafe.Add(ref keys, probe) >= key) return BranchFree(ref keys, left, probe, key);
                left = probe + 1;
                step <<= 1;
            }
        }
        else
        {
            // answer in [lo, start]
            int step = 1, right = start;
            while (true)
            {
                int probe = start - step;
                if (probe < lo) return BranchFree(ref keys, lo, right, key);
                if (Unsafe.Add(ref keys, probe) < key) return BranchFree(ref keys, probe + 1, right, key);
                right = probe;
                step <<= 1;
            }
        }
    }

    /// <summary>
    /// Makes a windowed answer exact. <paramref name="found"/> is the lower bound of <paramref name="key"/> within
    /// <c>[lo, hi)</c>; when the true answer lies outside the window (an absent key the model misplaced, or an error
    /// bound that saturated), this gallops outward from the window's edge over the whole array. Costs two
    /// well-predicted compares when the window was right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Guard(ref ulong keys, int count, int lo, int hi, int found, ulong key)
    {
        if (found == lo && lo > 0 && Unsafe.Add(ref keys, lo - 1) >= key) return GallopLeft(ref keys, lo, key);
        if (found == hi && hi < count && Unsafe.Add(ref keys, hi) < key) return GallopRight(ref keys, count, hi, key);
        return found;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int GallopLeft(ref ulong keys, int lo, ulong key)
    {
        // keys[lo - 1] >= key: the answer is in [0, lo - 1].
        int step = 1, left;
        while (true)
        {
            int probe = lo - 1 - step;
            if (probe < 0) { left = 0; break; }
            if (Unsafe.Add(ref keys, probe) < key) { left = probe + 1; break; }
            step <<= 1;
        }
        return BranchFree(ref keys, left, lo - 1, key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int GallopRight(ref ulong keys, int count, int hi, ulong key)
    {
        // keys[hi] < key: the answer is in [hi + 1, count].
        int step = 1, right;
        while (true)
        {
            long probe = (long)hi + step;
            if (probe >= count) { right = count; break; }
            if (Unsafe.Add(ref keys, (int)probe) >= key) { right = (int)probe; break; }
            step <<= 1;
        }
        return BranchFree(ref keys, hi + 1, right, key);
    }
}
