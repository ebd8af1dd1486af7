using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workbench.Kernels.LearnedIndex;

/// <summary>
/// The two-stage recursive model index of Kraska et al. (SIGMOD 2018, §3.3). Stage 1 (the root) estimates the
/// key's CDF and picks one of B leaves; stage 2 is a linear model per leaf, fitted in closed form by least squares
/// on the keys the root sends it (eq. "pos ≈ a + b·key"), storing its largest over- and undershoot. A lookup is:
/// predict, then search the window [p − errLo, p + errHi] of the sorted keys. Absent keys (which the error bounds
/// do not cover) are made exact by <see cref="LowerBound.Guard"/>.
/// </summary>
public sealed class RecursiveModelIndex : ISortedIndex
{
    readonly RmiLeaf[] _leafStore;   // pinned; _leaves points at its first 64-byte-aligned element
    readonly unsafe RmiLeaf* _leaves;
    readonly RootModel _root;
    readonly int _n, _leafCount;
    readonly ulong _minKey, _maxKey;
    readonly LastMileSearch _search;

    /// <summary>Builds the index; keys must be sorted (checked, first out-of-order position named) and non-empty.</summary>
    public RecursiveModelIndex(ulong[] keys, RmiOptions? options = null, bool validate = true)
    {
        options ??= new RmiOptions();
        if (options.Leaves <= 0)
            throw new ArgumentOutOfRangeException(null,
                $"RMI branching (leaf count) {options.Leaves} is out of range: it must be ≥ 1 (the paper uses 10^4 … 2·10^5).");
        if (options.RootSample < 2)
            throw new ArgumentOutOfRangeException(null, $"RMI root sample {options.RootSample} is out of range: it must be ≥ 2 keys.");
        IndexInput.Check(keys, "The RMI", allowEmpty: false, checkSorted: validate);
        Keys = keys;
        Options = options;
        _n = keys.Length;
        _leafCount = options.Leaves;
        _search = options.Search;
        _minKey = keys[0];
        _maxKey = keys[^1];
        double range = _maxKey - _minKey;

        // Stage 1 on an evenly strided sample; targets are lower-bound positions / n (duplicates map to their first).
        int sampleSize = Math.Min(options.RootSample, _n);
        var sx = new double[sampleSize];
        var sy = new double[sampleSize];
        for (int s = 0; s < sampleSize; s++)
        {
            int i = sampleSize == 1 ? 0 : (int)((long)s * (_n - 1) / (sampleSize - 1));
            sx[s] = keys[i] - _minKey;
            sy[s] = (double)LowerBound.BranchFree(keys, keys[i]) / _n;
        }
        _root = RootModel.Fit(options.Root, sx, sy, range, options.MlpHidden, options.MlpSteps, options.Seed);

        unsafe
        {
            _leafStore = GC.AllocateArray<RmiLeaf>(_leafCount + 4, pinned: true);
            fixed (RmiLeaf* p = _leafStore)
            {
                nint address = (nint)p;
                nint aligned = (address + 63) & ~(nint)63;
                _leaves = (RmiLeaf*)aligned;
            }
        }
        FitLeaves(keys);
        long bytes = (long)_n * sizeof(ulong);
        Strategy = bytes <= BatchedSearch.CacheResidentBytes || (bytes <= LoopBytes && AvgLg2 <= 8)
            ? BatchStrategy.Loop : BatchStrategy.Interleaved;
        LockStepWindow = Math.Clamp(1 << Math.Min(30, (int)Math.Ceiling(AvgLg2) + 2), 256, 4096);
    }

    /// <summary>
    /// <see cref="BatchStrategy.Loop"/> while the keys fit in 1 MB (<see cref="BatchedSearch.CacheResidentBytes"/>), and
    /// up to <see cref="LoopBytes"/> while AvgLg2 ≤ 8 (a single lookup then prefetches its whole window from the
    /// last-level cache and wins); else <see cref="BatchStrategy.Interleaved"/>, whose lock-step bisection or per-probe
    /// galloping is chosen by the model's error (see <see cref="FindMany(ReadOnlySpan{ulong}, Span{int}, BatchStrategy)"/>).
    /// Measured (benchmarks/README.md, issue 12): normal 270k keys, 2.1 MB, AvgLg2 6.56: 67 ns looped vs 78 interleaved;
    /// geoip, 3.1 MB, AvgLg2 11.25: 158 vs 133; lognormal 270k, AvgLg2 8.87: 112 vs 51.
    /// </summary>
    public BatchStrategy Strategy { get; }

    /// <summary>Key arrays up to this many bytes (a quarter of the last-level cache here) loop when AvgLg2 ≤ 8.</summary>
    public const long LoopBytes = 8L << 20;

    /// <summary>The options it was built with.</summary>
    public RmiOptions Options { get; }

    /// <summary>The stage-1 model.</summary>
    public RootModel Root => _root;

    /// <summary>Number of leaves (B).</summary>
    public int LeafCount => _leafCount;

    /// <inheritdoc/>
    public ulong[] Keys { get; }

    /// <inheritdoc/>
    public string Name => $"RMI {RootName(_root.Kind)} {_leafCount}";

    /// <summary>"linear", "log-linear", "cubic", "mlp".</summary>
    public static string RootName(RootModelKind kind) => kind switch
    {
        RootModelKind.LogLinear => "log-linear",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <inheritdoc/>
    public long SizeBytes => (long)_leafCount * Unsafe.SizeOf<RmiLeaf>() + _root.SizeBytes + 32;

    /// <summary>Mean over keys of log2 of the search window their leaf gives (errLo + errHi + 1): the deterministic cost
    /// of the last mile.</summary>
    public double AvgLg2 { get; private set; }

    /// <summary>Largest log2 window over non-empty leaves.</summary>
    public double MaxLg2 { get; private set; }

    /// <summary>Mean absolute prediction error over distinct keys, in positions.</summary>
    public double MeanAbsError { get; private set; }

    /// <summary>Leaves whose error bound saturated at 65,535 (their lookups still answer exactly, via the guard).</summary>
    public int SaturatedLeaves { get; private set; }

    /// <summary>Leaves that received no key.</summary>
    public int EmptyLeaves { get; private set; }

    /// <summary>A copy of the leaves (for the GPU kernel and inspection).</summary>
    public unsafe RmiLeaf[] LeavesCopy() => new ReadOnlySpan<RmiLeaf>(_leaves, _leafCount).ToArray();

    /// <summary>The leaf the root picks for x = key − smallest key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int LeafOf(double x)
    {
        long leaf = (long)(_root.Cdf(x) * _leafCount);
        return (int)Math.Clamp(leaf, 0, _leafCount - 1);
    }

    /// <summary>The leaf's integer prediction, clamped to [0, n − 1]: identical at build and lookup time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int PredictIn(in RmiLeaf leaf, double x, int n) =>
        (int)Math.Clamp((long)(leaf.Intercept + leaf.Slope * x), 0, n - 1);

    /// <summary>The model's position estimate for a key (no search): the learned CDF × n. Used by the learned hash.</summary>
    public unsafe double Predict(ulong key)
    {
        if (key <= _minKey) return 0;
        if (key > _maxKey) return _n;
        double x = key - _minKey;
        ref RmiLeaf leaf = ref _leaves[LeafOf(x)];
        return Math.Clamp(leaf.Intercept + leaf.Slope * x, 0, _n);
    }

    /// <inheritdoc/>
    public unsafe int Find(ulong key)
    {
        if (key <= _minKey) return 0;
        if (key > _maxKey) return _n;
        double x = key - _minKey;
        RmiLeaf* leaf = _leaves + LeafOf(x);
        int p = PredictIn(*leaf, x, _n);
        int lo = Math.Max(p - leaf->ErrLo, 0), hi = Math.Min(p + leaf->ErrHi + 1, _n);
        ref ulong keys = ref MemoryMarshal.GetArrayDataReference(Keys);
        bool prefetched = _search == LastMileSearch.Binary && hi - lo <= PrefetchLimit;
        if (prefetched) PrefetchWindow(ref keys, lo, hi);
        // A prefetched window is searched with the compare as a flag (no mispredictions); a wider one keeps the branchy
        // form, whose speculation fetches its next lines early.
        int found = _search switch
        {
            LastMileSearch.Binary => prefetched ? LowerBound.Flagged(ref keys, lo, hi, key) : LowerBound.BranchFree(ref keys, lo, hi, key),
            LastMileSearch.Exponential => LowerBound.Exponential(ref keys, lo, hi, p, key),
            _ => LowerBound.LinearCount(ref keys, lo, hi, key),
        };
        return LowerBound.Guard(ref keys, _n, lo, hi, found, key);
    }

    /// <summary>True when the interleaved path bisects the windows in lock step (binary last mile, AvgLg2 ≤ 12), false
    /// when it gallops from each prediction.</summary>
    public bool BisectsInLockStep => _search == LastMileSearch.Binary && AvgLg2 <= 12;

    /// <summary>
    /// Windows of at most this many keys are bisected in lock step; wider ones gallop from the prediction. A group runs
    /// ⌈log2⌉ of its widest window rounds, so one rare wide window would drag 31 narrow ones through extra rounds: the
    /// limit is 4 × 2^⌈AvgLg2⌉, between 256 and 4,096 keys. (With a fixed 256, 1M lognormal keys, 381 leaves, 21 % of
    /// windows wider: 75 ns; with 4,096: 57 ns.)
    /// </summary>
    public int LockStepWindow { get; }

    /// <summary>The leaf and search window [lo, hi) of a key, or leaf −1 for keys outside [min, max] (answered without
    /// reading the keys). For <see cref="CacheMissModel"/>.</summary>
    internal unsafe (int Leaf, int Lo, int Hi) Window(ulong key)
    {
        if (key <= _minKey || key > _maxKey) return (-1, 0, 0);
        double x = key - _minKey;
        int index = LeafOf(x);
        RmiLeaf* leaf = _leaves + index;
        int p = PredictIn(*leaf, x, _n);
        return (index, Math.Max(p - leaf->ErrLo, 0), Math.Min(p + leaf->ErrHi + 1, _n));
    }

    /// <summary>Windows of at most this many keys (32 cache lines) are prefetched whole before <see cref="Find"/>'s
    /// binary last mile.</summary>
    public const int PrefetchLimit = 256;

    /// <summary>
    /// Requests every cache line of a small window at once: the misses overlap (memory-level parallelism), so the
    /// binary search that follows pays about one memory latency instead of one per halving step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void PrefetchWindow(ref ulong keys, int lo, int hi)
    {
        byte* start = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref keys, lo));
        byte* end = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref keys, hi));
        for (byte* line = (byte*)((nint)start & ~(nint)63); line < end; line += 64) BatchedSearch.Prefetch(line);
    }

    /// <inheritdoc/>
    public void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions) => FindMany(probes, positions, Strategy);

    /// <summary>
    /// Lower bounds of many probes with a forced strategy. <see cref="BatchStrategy.Loop"/> calls <see cref="Find"/>.
    /// <see cref="BatchStrategy.Interleaved"/> takes 32 probes at a time (16 when galloping): first every probe's root
    /// runs and prefetches its leaf, then every probe's leaf model runs and prefetches its window's middle, then the
    /// group bisects its windows in lock step — one step of every probe per round, ⌈log2⌉ of the group's widest window
    /// rounds, each step prefetching the line its next step reads, the compare taken as a flag so that no step
    /// branches — so the group's misses overlap instead of queueing one behind another. Windows over
    /// <see cref="LockStepWindow"/> keys, indexes whose AvgLg2 exceeds 12, and the exponential and linear last miles
    /// instead prefetch around the prediction and search from it probe by probe. Answers equal <see cref="Find"/>.
    /// </summary>
    public unsafe void FindMany(ReadOnlySpan<ulong> probes, Span<int> positions, BatchStrategy strategy)
    {
        IndexInput.CheckBatch(probes, positions);
        if (strategy == BatchStrategy.Loop)
        {
            for (int i = 0; i < probes.Length; i++) positions[i] = Find(probes[i]);
            return;
        }
        bool lockStep = BisectsInLockStep;
        int group = lockStep ? LockStepGroup : BatchedSearch.Group;
        int* state = stackalloc int[5 * MaxGroup + 3 * MaxGroup * 2 + 8]; // ints, then 3 vectors per 4 probes
        fixed (ulong* q = probes)
        fixed (int* output = positions)
        {
            for (int s = 0; s < probes.Length; s += group)
                Group(q + s, output + s, Math.Min(group, probes.Length - s), lockStep, state);
        }
    }

    /// <summary>Probes per lock-step group (state for <see cref="MaxGroup"/>).</summary>
    const int LockStepGroup = 64, MaxGroup = 64;

    /// <summary>One group of at most <see cref="MaxGroup"/> probes of
    /// <see cref="FindMany(ReadOnlySpan{ulong}, Span{int}, BatchStrategy)"/>.</summary>
    // Compiled fully optimised at once: tier-0 vector code is many times slower, and a short batch (the profile's
    // five passes of 12 ms) can finish before tiering promotes the method.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    unsafe void Group(ulong* q, int* output, int g, bool lockStep, int* state)
    {
        int* firsts = state, lengths = state + MaxGroup, los = state + 2 * MaxGroup, his = state + 3 * MaxGroup;
        int* ps = state + 4 * MaxGroup;
        int n = _n, window = LockStepWindow;
        bool vector = lockStep && UsesVectorLockStep;
        ulong minKey = _minKey, maxKey = _maxKey;
        fixed (ulong* k = Keys)
        {
            // Phase 0: run the roots; prefetch each probe's leaf (a miss of its own when the leaves outgrow L2).
            for (int j = 0; j < g; j++)
            {
                ulong key = q[j];
                int leafIndex = key <= minKey || key > maxKey ? 0 : LeafOf(key - minKey);
                ps[j] = leafIndex;
                BatchedSearch.Prefetch(_leaves + leafIndex);
            }
            // Phase 1: run the leaf models; prefetch the first line each search will read. Keys outside [min, max]
            // get an empty window at their answer; windows over the prefetch limit (and every window when the index
            // gallops) get length 1, so the lock-step rounds leave them alone.
            int longest = 1;
            for (int j = 0; j < g; j++)
            {
                ulong key = q[j];
                if (key <= minKey || key > maxKey)
                {
                    int answer = key <= minKey ? 0 : n;
                    los[j] = his[j] = firsts[j] = answer;
                    lengths[j] = 1;
                    continue;
                }
                double x = key - minKey;
                RmiLeaf* leaf = _leaves + ps[j];
                int p = PredictIn(*leaf, x, n);
                int lo = Math.Max(p - leaf->ErrLo, 0), hi = Math.Min(p + leaf->ErrHi + 1, n);
                los[j] = lo; his[j] = hi; ps[j] = p;
                firsts[j] = lo;
                int length = hi - lo;
                if (!lockStep || length > window)
                {
                    lengths[j] = 1;
                    BatchedSearch.Prefetch(k + p);
                    BatchedSearch.Prefetch(k + Math.Max(p - 8, 0));
                    BatchedSearch.Prefetch(k + Math.Min(p + 8, n - 1));
                    continue;
                }
                lengths[j] = Math.Max(length, 1);
                longest = Math.Max(longest, length);
                // The vector rounds prefetch these lines after the group's models (measured faster: the model's leaf
                // reads then do not queue behind 64 key misses).
                if (!vector) BatchedSearch.Prefetch(k + lo + (length >> 1) - 1 + (length == 1 ? 1 : 0));
            }
            if (vector)
            {
                VectorRounds(k, q, g, longest, firsts, lengths, (Vector256<long>*)(state + 5 * MaxGroup));
            }
            else
            {
                // Phase 2: branch-free bisection, one step of every probe per round, ⌈log2(longest)⌉ rounds; a finished
                // probe (length 1) adds 0. The compare becomes a flag, not a branch (the JIT does not if-convert inside
                // loops, and a mispredicted branch on a missing line discards the other probes' work behind it).
                int rounds = longest > 1 ? 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                for (int r = 0; r < rounds; r++)
                {
                    for (int j = 0; j < g; j++)
                    {
                        int first = firsts[j], length = lengths[j], half = length >> 1;
                        int at = first + half - 1;
                        at &= ~(at >> 31); // a finished probe at position 0 reads position 0, not −1
                        first += half & -LowerBound.Less(k[at], q[j]);
                        length -= half;
                        firsts[j] = first; lengths[j] = length;
                        BatchedSearch.Prefetch(k + first + (length >> 1) - 1);
                    }
                }
                if (lockStep)
                    for (int j = 0; j < g; j++)
                        if (firsts[j] < n) firsts[j] += LowerBound.Less(k[firsts[j]], q[j]);
            }
            // Phase 3: the bisections' answers (firsts) through the guard; the other probes search around their
            // prefetched predictions.
            for (int j = 0; j < g; j++)
            {
                ulong key = q[j];
                int lo = los[j], hi = his[j];
                if (lo == hi) { output[j] = lo; continue; }
                int found = lockStep && hi - lo <= window ? firsts[j] : Gallop(lo, hi, ps[j], key);
                output[j] = LowerBound.Guard(ref Unsafe.AsRef<ulong>(k), n, lo, hi, found, key);
            }
        }
    }

    /// <summary>
    /// True when the lock-step rounds run four probes per AVX2 vector (<see cref="VectorRounds"/>), false for the
    /// scalar rounds (no AVX2, or forced by tests through <see cref="ForceScalarLockStep"/>).
    /// </summary>
    internal static bool UsesVectorLockStep => Avx2.IsSupported && !ForceScalarLockStep;

    /// <summary>Tests set this (per thread) to run the scalar lock-step rounds on a machine with AVX2.</summary>
    internal static bool ForceScalarLockStep { get => t_forceScalar; set => t_forceScalar = value; }

    [ThreadStatic] static bool t_forceScalar;

    /// <summary>
    /// The lock-step rounds four probes per vector: the same steps as the scalar rounds (position = first + half − 1,
    /// clamped at 0; first += half where that key is below the probe; one prefetch per probe of the line its next step
    /// reads), so the same lines are read in the same order per probe, with the load as an AVX2 gather and the unsigned
    /// compare as a signed one on sign-flipped keys. Ends with the final compare, so <paramref name="firsts"/> holds
    /// each bisected probe's lower bound within its window. Measured on 10M lognormal keys (benchmarks/README.md,
    /// issue 12): a third fewer instructions per lookup than the scalar rounds.
    /// </summary>
    // Compiled fully optimised at once: tier-0 vector code is many times slower, and a short batch (the profile's
    // five passes of 12 ms) can finish before tiering promotes the method.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    unsafe void VectorRounds(ulong* k, ulong* q, int g, int longest, int* firsts, int* lengths, Vector256<long>* lanes)
    {
        int vectors = (g + 3) >> 2, n = _n;
        for (int j = g; j < vectors << 2; j++) { firsts[j] = 0; lengths[j] = 1; }
        var sign = Vector256.Create(long.MinValue);
        var one = Vector256<long>.One;
        var zero = Vector256<long>.Zero;
        // lanes[3v], [3v + 1], [3v + 2]: first, length, sign-flipped probe of vector v (one 96-byte block per vector).
        for (int v = 0; v < vectors; v++)
        {
            Vector256<long>* lane = lanes + 3 * v;
            lane[0] = Avx2.ConvertToVector256Int64(Sse2.LoadVector128(firsts + 4 * v));
            lane[1] = Avx2.ConvertToVector256Int64(Sse2.LoadVector128(lengths + 4 * v));
            var probe = Vector256.Create(q[Math.Min(4 * v, g - 1)], q[Math.Min(4 * v + 1, g - 1)],
                q[Math.Min(4 * v + 2, g - 1)], q[Math.Min(4 * v + 3, g - 1)]);
            lane[2] = probe.AsInt64() ^ sign;
            var length = lane[1];
            var middle = lane[0] + (length >>> 1) - one + (Vector256.Equals(length, one) & one);
            BatchedSearch.Prefetch(k + middle.GetElement(0));
            BatchedSearch.Prefetch(k + middle.GetElement(1));
            BatchedSearch.Prefetch(k + middle.GetElement(2));
            BatchedSearch.Prefetch(k + middle.GetElement(3));
        }
        int rounds = longest > 1 ? 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int v = 0; v < vectors; v++)
            {
                Vector256<long>* lane = lanes + 3 * v;
                var first = lane[0];
                var length = lane[1];
                var half = length >>> 1;
                var at = Vector256.Max(first + half - one, zero);
                var keys = Avx2.GatherVector256((long*)k, at, 8) ^ sign;
                first += half & Vector256.GreaterThan(lane[2], keys);
                length -= half;
                lane[0] = first;
                lane[1] = length;
                var next = first + (length >>> 1) - one;
                BatchedSearch.Prefetch(k + next.GetElement(0));
                BatchedSearch.Prefetch(k + next.GetElement(1));
                BatchedSearch.Prefetch(k + next.GetElement(2));
                BatchedSearch.Prefetch(k + next.GetElement(3));
            }
        }
        var last = Vector256.Create((long)n - 1);
        for (int v = 0; v < vectors; v++)
        {
            Vector256<long>* lane = lanes + 3 * v;
            var first = lane[0];
            // Keys outside [min, max] sit at n (their answer; ignored later): read position n − 1 instead.
            var keys = Avx2.GatherVector256((long*)k, Vector256.Min(first, last), 8) ^ sign;
            var found = first - Vector256.GreaterThan(lane[2], keys); // true is −1
            firsts[4 * v] = (int)found.GetElement(0);
            firsts[4 * v + 1] = (int)found.GetElement(1);
            firsts[4 * v + 2] = (int)found.GetElement(2);
            firsts[4 * v + 3] = (int)found.GetElement(3);
        }
    }

    /// <summary>The exponential or linear last mile of one probe around its prediction (kept out of the group loop).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    int Gallop(int lo, int hi, int p, ulong key)
    {
        ref ulong keys = ref MemoryMarshal.GetArrayDataReference(Keys);
        return _search == LastMileSearch.Linear ? LowerBound.LinearCount(ref keys, lo, hi, key)
            : LowerBound.Exponential(ref keys, lo, hi, p, key);
    }

    unsafe void FitLeaves(ulong[] keys)
    {
        // Pass 1: Welford's online mean/covariance per leaf over (x, lower-bound position): numerically stable for
        // keys near 2^64, and correct for any root (a non-monotone root may send a leaf non-contiguous keys).
        var count = new long[_leafCount];
        var meanX = new double[_leafCount];
        var meanY = new double[_leafCount];
        var cxy = new double[_leafCount];
        var m2x = new double[_leafCount];
        var firstPos = new int[_leafCount];
        Array.Fill(firstPos, -1);
        int y = 0;
        for (int i = 0; i < _n; i++)
        {
            if (i > 0 && keys[i] != keys[i - 1]) y = i;
            double x = keys[i] - _minKey;
            int leaf = LeafOf(x);
            long c = ++count[leaf];
            if (firstPos[leaf] < 0) firstPos[leaf] = y;
            double dx = x - meanX[leaf];
            meanX[leaf] += dx / c;
            meanY[leaf] += (y - meanY[leaf]) / c;
            cxy[leaf] += dx * (y - meanY[leaf]);
            m2x[leaf] += dx * (x - meanX[leaf]);
        }
        int nextStart = _n;
        for (int leaf = _leafCount - 1; leaf >= 0; leaf--)
        {
            ref RmiLeaf l = ref _leaves[leaf];
            if (count[leaf] == 0)
            {
                // No key: predict where the next leaf's keys start (a monotone root sends absent keys here only
                // when they fall between two leaves' keys); the guard fixes anything else.
                l.Intercept = Math.Min(nextStart, _n - 1);
                l.Slope = 0;
                EmptyLeaves++;
                continue;
            }
            nextStart = firstPos[leaf];
            float slope = m2x[leaf] > 0 ? (float)(cxy[leaf] / m2x[leaf]) : 0f;
            if (!float.IsFinite(slope) || slope < 0) slope = 0;
            l.Slope = slope;
            l.Intercept = meanY[leaf] - (double)slope * meanX[leaf];
        }

        // Pass 2: the error bounds, over distinct keys, with the exact arithmetic the lookup uses.
        var errLo = new int[_leafCount];
        var errHi = new int[_leafCount];
        double absSum = 0;
        long distinct = 0;
        for (int i = 0; i < _n; i++)
        {
            if (i > 0 && keys[i] == keys[i - 1]) continue;
            double x = keys[i] - _minKey;
            int leaf = LeafOf(x);
            int p = PredictIn(_leaves[leaf], x, _n);
            int d = i - p;
            if (d > errHi[leaf]) errHi[leaf] = d;
            if (-d > errLo[leaf]) errLo[leaf] = -d;
            absSum += Math.Abs(d);
            distinct++;
        }
        double lg2Sum = 0, maxLg2 = 0;
        for (int leaf = 0; leaf < _leafCount; leaf++)
        {
            ref RmiLeaf l = ref _leaves[leaf];
            if (errLo[leaf] > ushort.MaxValue || errHi[leaf] > ushort.MaxValue) SaturatedLeaves++;
            l.ErrLo = (ushort)Math.Min(errLo[leaf], ushort.MaxValue);
            l.ErrHi = (ushort)Math.Min(errHi[leaf], ushort.MaxValue);
            if (count[leaf] == 0) continue;
            double lg2 = Math.Log2(errLo[leaf] + errHi[leaf] + 1.0);
            lg2Sum += lg2 * count[leaf];
            maxLg2 = Math.Max(maxLg2, lg2);
        }
        AvgLg2 = lg2Sum / _n;
        MaxLg2 = maxLg2;
        MeanAbsError = distinct > 0 ? absSum / distinct : 0;
    }
}
