using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Papers.LearnedIndex;

namespace Workbench.Benchmarks;

/// <summary>
/// Same-run A/B of batched RMI search variants on lognormal keys (issue 12, benchmarks/README.md "Follow-up 3"): the
/// index's <c>FindMany</c> (AVX2 and scalar rounds), and experimental variants kept here for the record: AVX2 rounds
/// over windows widened to a power of two, software pipelining of the next group's model, a vector model; each checked
/// against <c>Find</c>. "hot" cases draw their probes from 512 keys, so they time the instructions alone. A probe, not
/// a benchmark: <c>dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- probe-rmi [keys | sizes]</c>
/// (<c>sizes</c>: the pointer chase and gather over arrays of 1–160 MB; <c>loop20k</c>: <c>FindMany</c>'s loop strategy against a
/// loop of <c>Find</c> on lognormal-20k).
/// </summary>
public static unsafe class RmiVariantProbe
{
    public static void Run(string[] args)
    {
        if (args.Length > 1 && args[1] == "sizes")
        {
            foreach (int mb in new[] { 1, 4, 8, 16, 24, 32, 48, 80, 160 })
            {
                var (dep, ind) = MemoryLimits.Measure(mb * (1 << 20) / 8, 200_000, 5);
                Console.WriteLine($"  {mb,4} MB: chase {dep,6:0.0} ns, gather {ind,5:0.0} ns");
            }
            return;
        }
        if (args.Length > 1 && args[1] == "loop20k")
        {
            // FindMany's loop strategy against a loop of Find through the interface, as in LearnedIndexLookups.
            var small = LearnedIndexBench.Keys("lognormal-20k");
            var smallProbes = LearnedIndexBench.Probes(small, 200_000);
            var buffer = new int[smallProbes.Length];
            foreach (ISortedIndex index in new ISortedIndex[]
            {
                RmiChoice.BestRoot(small, Math.Max(1024, small.Length / 32)),
                RmiChoice.BestRoot(small, RmiChoice.TenthOfBPlusTreeLeaves(small)),
            })
            {
                double single = double.MaxValue, batched = double.MaxValue;
                long sink = 0;
                for (int r = 0; r < 15; r++)
                {
                    var watch = Stopwatch.StartNew();
                    for (int i = 0; i < smallProbes.Length; i++) sink += index.Find(smallProbes[i]);
                    single = Math.Min(single, watch.Elapsed.TotalNanoseconds / smallProbes.Length);
                    watch.Restart();
                    index.FindMany(smallProbes, buffer);
                    batched = Math.Min(batched, watch.Elapsed.TotalNanoseconds / smallProbes.Length);
                }
                Console.WriteLine($"  {index.Name} ({index.Strategy}): loop of Find {single:0.0} ns, " +
                    $"FindMany {batched:0.0} ns ({sink % 10})");
            }
            return;
        }
        int size = args.Length > 1 ? int.Parse(args[1]) : 10_000_000;
        int leavesArg = args.Length > 2 ? int.Parse(args[2]) : 0;
        const int batch = 200_000;
        var keys = KeySets.Lognormal(size, 0);
        var probes = LearnedIndexBench.Probes(keys, batch);
        var rmi = leavesArg > 0
            ? new RecursiveModelIndex(keys, new RmiOptions { Leaves = leavesArg, Root = RootModelKind.LogLinear })
            : RmiChoice.BestRoot(keys, RmiChoice.TenthOfBPlusTreeLeaves(keys));
        var bs = new BinarySearchIndex(keys);
        var chase = MemoryLimits.ChaseArray(keys.Length);
        var gather = MemoryLimits.GatherPositions(chase.Length, batch);
        var output = new int[batch];
        var expect = new int[batch];
        var leaves = GC.AllocateArray<RmiLeaf>(rmi.LeafCount, pinned: true);
        rmi.LeavesCopy().CopyTo(leaves, 0);
        var v = new Variants(rmi, leaves);
        for (int i = 0; i < batch; i++) expect[i] = rmi.Find(probes[i]);
        double misses = CacheMissModel.MissesPerLookup(rmi, probes, MemoryLimits.LastLevelCacheBytes());
        Console.WriteLine($"{size:N0} keys: {rmi.Name}, {rmi.SizeBytes / 1024.0:0.0} KB, AvgLg2 {rmi.AvgLg2:0.00}, misses {misses:0.00}");
        var rng = new Random(5);
        var pool = probes.Take(512).ToArray();
        var hot = new ulong[batch];
        for (int i = 0; i < batch; i++) hot[i] = pool[rng.Next(pool.Length)];
        Console.WriteLine($"  lines per lookup (no cache): {CacheMissModel.MissesPerLookup(rmi, probes, 64 * 16):0.00}");
        // The key positions each lookup's lock-step bisection reads, as one flat list of independent reads.
        var trace = new List<int>();
        foreach (var key in probes)
        {
            var (leaf, lo, hi) = rmi.Window(key);
            if (leaf < 0) continue;
            int first = lo, length = hi - lo;
            while (length > 1)
            {
                int half = length >> 1;
                trace.Add(first + half - 1);
                first = keys[first + half - 1] < key ? first + half : first;
                length -= half;
            }
            trace.Add(first);
        }
        var traceArr = trace.ToArray();
        var lineSet = 0;
        { int prev = -1; foreach (var t in traceArr) { if (t >> 3 != prev) lineSet++; prev = t >> 3; } }
        Console.WriteLine($"  trace: {traceArr.Length / (double)batch:0.00} reads, {lineSet / (double)batch:0.00} line changes per lookup");
        ulong TraceGather() { ulong sum = 0; foreach (int t in traceArr) sum += keys[t]; return sum; }
        var shuffledTrace = traceArr.OrderBy(_ => rng.Next()).ToArray();
        var cases = new (string Name, Action Body, bool Check)[]
        {
            ("trace gather (per lookup)", () => TraceGather(), false),
            ("hot: current FindMany", () => rmi.FindMany(hot, output, BatchStrategy.Interleaved), false),
            ("hot: FindMany forced scalar", () => Scalar(() => rmi.FindMany(hot, output, BatchStrategy.Interleaved)), false),
            ("hot: avx2 exact g64 pf", () => v.VectorExact(hot, output, 64, true), false),
            ("hot: model only", () => v.ModelOnly(hot, output), false),
            ("hot: vector model+rounds", () => v.VectorFull(hot, output), false),
            ("hot: pipe 2-stage", () => v.VectorPipe2(hot, output, 0), false),
            ("gather", () => MemoryLimits.Gather(chase, gather), false),
            ("current FindMany", () => rmi.FindMany(probes, output, BatchStrategy.Interleaved), true),
            ("FindMany forced scalar", () => Scalar(() => rmi.FindMany(probes, output, BatchStrategy.Interleaved)), true),
            ("model phases only", () => v.ModelOnly(probes, output), false),
            ("avx2 exact g64 pf", () => v.VectorExact(probes, output, 64, true), true),
            ("vector model+rounds", () => v.VectorFull(probes, output), true),
            ("pipe 2-stage", () => v.VectorPipe2(probes, output, 0), true),
            ("pipe 1/step", () => v.VectorPipe2(probes, output, 1), true),
            ("avx2 exact g128 pf", () => v.VectorExact(probes, output, 128, true), true),
            ("binary search batched", () => bs.FindMany(probes, output, BatchStrategy.Interleaved), false),
        };
        int rounds = 7;
        var best = new double[cases.Length];
        var all = new List<double>[cases.Length];
        for (int c = 0; c < cases.Length; c++) { best[c] = double.MaxValue; all[c] = []; }
        for (int r = 0; r < rounds; r++)
            for (int c = 0; c < cases.Length; c++)
            {
                Array.Clear(output);
                var watch = Stopwatch.StartNew();
                cases[c].Body();
                double ns = watch.Elapsed.TotalNanoseconds / batch;
                best[c] = Math.Min(best[c], ns);
                all[c].Add(ns);
                if (cases[c].Check && r == 0)
                    for (int i = 0; i < batch; i++)
                        if (output[i] != expect[i])
                        {
                            Console.WriteLine($"  {cases[c].Name}: MISMATCH at {i}: {output[i]} vs {expect[i]}");
                            break;
                        }
            }
        for (int c = 0; c < cases.Length; c++)
        {
            if (cases[c].Name.StartsWith("model vector check")) continue;
            all[c].Sort();
            Console.WriteLine($"  {cases[c].Name,-28} min {best[c],7:0.0}  median {all[c][rounds / 2],7:0.0} ns");
        }
    }

    static void Scalar(Action body)
    {
        RecursiveModelIndex.ForceScalarLockStep = true;
        try { body(); }
        finally { RecursiveModelIndex.ForceScalarLockStep = false; }
    }

    sealed class Variants(RecursiveModelIndex rmi, RmiLeaf[] leafArray)
    {
        readonly ulong[] _keys = rmi.Keys;
        readonly RootModel _root = rmi.Root;
        readonly int _leafCount = rmi.LeafCount, _n = rmi.Keys.Length;
        readonly ulong _min = rmi.Keys[0], _max = rmi.Keys[^1];

        int LeafOf(double x) => (int)Math.Clamp((long)(_root.Cdf(x) * _leafCount), 0, _leafCount - 1);

        public void ModelOnly(ReadOnlySpan<ulong> probes, Span<int> output)
        {
            fixed (RmiLeaf* leaves = leafArray)
                for (int i = 0; i < probes.Length; i++)
                {
                    ulong key = probes[i];
                    if (key <= _min || key > _max) { output[i] = 0; continue; }
                    double x = key - _min;
                    RmiLeaf* leaf = leaves + LeafOf(x);
                    int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, _n - 1);
                    output[i] = Math.Max(p - leaf->ErrLo, 0);
                }
        }

        /// <summary>Phase 0/1 for a group: windows [lo, hi) per probe, or lo = hi = answer outside [min, max].</summary>
        public bool _prefetchInModel = false;
        ulong* k0 => (ulong*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _keys[0]);

        int Windows(ulong* q, int g, RmiLeaf* leaves, int* los, int* his)
        {
            int* leafIdx = his;
            for (int j = 0; j < g; j++)
            {
                ulong key = q[j];
                int li = key <= _min || key > _max ? 0 : LeafOf(key - _min);
                leafIdx[j] = li;
                BatchedSearch.Prefetch(leaves + li);
            }
            int longest = 1;
            for (int j = 0; j < g; j++)
            {
                ulong key = q[j];
                if (key <= _min || key > _max) { los[j] = his[j] = key <= _min ? 0 : _n; continue; }
                double x = key - _min;
                RmiLeaf* leaf = leaves + leafIdx[j];
                int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, _n - 1);
                int lo = Math.Max(p - leaf->ErrLo, 0), hi = Math.Min(p + leaf->ErrHi + 1, _n);
                los[j] = lo; his[j] = hi;
                longest = Math.Max(longest, hi - lo);
                if (_prefetchInModel) BatchedSearch.Prefetch(k0 + lo + ((hi - lo) >> 1) - 1);
            }
            return longest;
        }

        public void ScalarPow2(ReadOnlySpan<ulong> probes, Span<int> output, int group)
        {
            int* los = stackalloc int[64], his = stackalloc int[64], firsts = stackalloc int[64];
            int n = _n;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                for (int s = 0; s < probes.Length; s += group)
                {
                    int g = Math.Min(group, probes.Length - s);
                    ulong* q = qa + s;
                    int longest = Windows(q, g, leaves, los, his);
                    int m = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    int length = 1 << m;
                    if (length > n) { Fallback(q, oa + s, g); continue; }
                    for (int j = 0; j < g; j++)
                    {
                        int f = Math.Max(Math.Min(los[j], n - length), 0);
                        firsts[j] = f;
                        BatchedSearch.Prefetch(k + f + (length >> 1) - 1);
                    }
                    for (int half = length >> 1; half >= 1; half >>= 1)
                    {
                        int next = (half >> 1) - 1;
                        for (int j = 0; j < g; j++)
                        {
                            int f = firsts[j];
                            f += half & -LowerBound.Less(k[f + half - 1], q[j]);
                            firsts[j] = f;
                            BatchedSearch.Prefetch(k + f + next);
                        }
                    }
                    for (int j = 0; j < g; j++)
                    {
                        int lo = los[j], hi = his[j];
                        if (lo == hi) { oa[s + j] = lo; continue; }
                        int f = firsts[j], start = Math.Max(Math.Min(lo, n - length), 0);
                        int found = f + LowerBound.Less(k[f], q[j]);
                        oa[s + j] = LowerBound.Guard(ref *k, n, start, Math.Min(start + length, n), found, q[j]);
                    }
                }
            }
        }

        public void VectorPow2(ReadOnlySpan<ulong> probes, Span<int> output, int group, bool prefetch)
        {
            int* los = stackalloc int[256], his = stackalloc int[256];
            var firsts = stackalloc Vector256<long>[64];
            var qs = stackalloc Vector256<long>[64];
            int n = _n;
            var sign = Vector256.Create(long.MinValue);
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                int s = 0;
                for (; s + group <= probes.Length; s += group)
                {
                    ulong* q = qa + s;
                    int longest = Windows(q, group, leaves, los, his);
                    int m = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    int length = 1 << m;
                    if (length > n) { Fallback(qa + s, oa + s, group); continue; }
                    int vecs = group / 4;
                    for (int v = 0; v < vecs; v++)
                    {
                        int* l = los + 4 * v;
                        var f = Vector256.Create(
                            (long)Math.Max(Math.Min(l[0], n - length), 0), Math.Max(Math.Min(l[1], n - length), 0),
                            Math.Max(Math.Min(l[2], n - length), 0), Math.Max(Math.Min(l[3], n - length), 0));
                        firsts[v] = f;
                        qs[v] = Vector256.Load((long*)q + 4 * v) ^ sign;
                        if (prefetch)
                        {
                            long off = (length >> 1) - 1;
                            BatchedSearch.Prefetch(k + f.GetElement(0) + off);
                            BatchedSearch.Prefetch(k + f.GetElement(1) + off);
                            BatchedSearch.Prefetch(k + f.GetElement(2) + off);
                            BatchedSearch.Prefetch(k + f.GetElement(3) + off);
                        }
                    }
                    for (int half = length >> 1; half >= 1; half >>= 1)
                    {
                        var h = Vector256.Create((long)half);
                        var h1 = Vector256.Create((long)half - 1);
                        long next = (half >> 1) - 1;
                        for (int v = 0; v < vecs; v++)
                        {
                            var f = firsts[v];
                            var vals = Avx2.GatherVector256((long*)k, f + h1, 8) ^ sign;
                            var less = Vector256.GreaterThan(qs[v], vals);
                            f += h & less;
                            firsts[v] = f;
                            if (prefetch && half > 1)
                            {
                                BatchedSearch.Prefetch(k + f.GetElement(0) + next);
                                BatchedSearch.Prefetch(k + f.GetElement(1) + next);
                                BatchedSearch.Prefetch(k + f.GetElement(2) + next);
                                BatchedSearch.Prefetch(k + f.GetElement(3) + next);
                            }
                        }
                    }
                    for (int v = 0; v < vecs; v++)
                    {
                        var f = firsts[v];
                        var vals = Avx2.GatherVector256((long*)k, f, 8) ^ sign;
                        var found = f - Vector256.GreaterThan(qs[v], vals); // less is all-ones = −1
                        for (int e = 0; e < 4; e++)
                        {
                            int j = 4 * v + e;
                            int lo = los[j], hi = his[j];
                            if (lo == hi) { oa[s + j] = lo; continue; }
                            int start = Math.Max(Math.Min(lo, n - length), 0);
                            oa[s + j] = LowerBound.Guard(ref *k, n, start, start + length, (int)found.GetElement(e), q[j]);
                        }
                    }
                }
                if (s < probes.Length) Fallback(qa + s, oa + s, probes.Length - s);
            }
        }

        /// <summary>Model of probe j into slot arrays; returns the window length (≥ 1 for a search, 0 when answered).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        int Model(ulong key, RmiLeaf* leaves, ulong* k, int* firsts, int* lengths, int* los, int* his, int j)
        {
            if (key <= _min || key > _max)
            {
                int answer = key <= _min ? 0 : _n;
                los[j] = his[j] = firsts[j] = answer;
                lengths[j] = 1;
                return 1;
            }
            double x = key - _min;
            RmiLeaf* leaf = leaves + LeafOf(x);
            int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, _n - 1);
            int lo = Math.Max(p - leaf->ErrLo, 0), hi = Math.Min(p + leaf->ErrHi + 1, _n);
            los[j] = lo; his[j] = hi; firsts[j] = lo;
            int length = Math.Max(hi - lo, 1);
            lengths[j] = length;
            BatchedSearch.Prefetch(k + lo + (length >> 1) - 1 + (length == 1 ? 1 : 0));
            return length;
        }

        public void Pipelined(ReadOnlySpan<ulong> probes, Span<int> output, int group)
        {
            int* state = stackalloc int[8 * 64];
            int n = _n;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                int total = probes.Length;
                int cur = 0;
                int* F(int slot) => state + slot * 4 * 64;
                // model group 0
                int g0 = Math.Min(group, total);
                int longest = 1;
                {
                    int* b = F(0);
                    for (int j = 0; j < g0; j++) longest = Math.Max(longest, Model(qa[j], leaves, k, b, b + 64, b + 128, b + 192, j));
                }
                for (int s = 0; s < total; s += group)
                {
                    int g = Math.Min(group, total - s);
                    int* b = F(cur), nb = F(cur ^ 1);
                    int* firsts = b, lengths = b + 64, los = b + 128, his = b + 192;
                    ulong* q = qa + s;
                    int s2 = s + group, g2 = Math.Max(0, Math.Min(group, total - s2));
                    ulong* q2 = qa + s2;
                    int modelled = 0, nextLongest = 1;
                    int rounds = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    int perRound = rounds > 0 ? (g2 + rounds - 1) / rounds : 0;
                    for (int r = 0; r < rounds; r++)
                    {
                        int acc = 0;
                        for (int j = 0; j < g; j++)
                        {
                            int first = firsts[j], length = lengths[j], half = length >> 1;
                            int at = first + half - 1;
                            at &= ~(at >> 31);
                            first += half & -LowerBound.Less(k[at], q[j]);
                            length -= half;
                            firsts[j] = first; lengths[j] = length;
                            BatchedSearch.Prefetch(k + first + (length >> 1) - 1);
                            acc += perRound;
                            if (acc >= g && modelled < g2)
                            {
                                acc -= g;
                                int modelLength = Model(q2[modelled], leaves, k, nb, nb + 64, nb + 128, nb + 192, modelled);
                                nextLongest = Math.Max(nextLongest, modelLength);
                                modelled++;
                            }
                        }
                    }
                    for (; modelled < g2; modelled++)
                        nextLongest = Math.Max(nextLongest, Model(q2[modelled], leaves, k, nb, nb + 64, nb + 128, nb + 192, modelled));
                    for (int j = 0; j < g; j++)
                    {
                        ulong key = q[j];
                        int lo = los[j], hi = his[j];
                        if (lo == hi) { oa[s + j] = lo; continue; }
                        int found = firsts[j] + LowerBound.Less(k[firsts[j]], key);
                        oa[s + j] = LowerBound.Guard(ref *k, n, lo, hi, found, key);
                    }
                    longest = nextLongest;
                    cur ^= 1;
                }
            }
        }

        public void VectorExact(ReadOnlySpan<ulong> probes, Span<int> output, int group, bool prefetch)
        {
            int* los = stackalloc int[256], his = stackalloc int[256];
            var firsts = stackalloc Vector256<long>[64];
            var lengths = stackalloc Vector256<long>[64];
            var qs = stackalloc Vector256<long>[64];
            int n = _n;
            var sign = Vector256.Create(long.MinValue);
            var one = Vector256<long>.One;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                int s = 0;
                for (; s + group <= probes.Length; s += group)
                {
                    ulong* q = qa + s;
                    int longest = Windows(q, group, leaves, los, his);
                    int vecs = group / 4;
                    for (int v = 0; v < vecs; v++)
                    {
                        int* l = los + 4 * v, h = his + 4 * v;
                        var lo = Vector256.Create((long)l[0], l[1], l[2], l[3]);
                        var len = Vector256.Max(Vector256.Create((long)h[0], h[1], h[2], h[3]) - lo, one);
                        firsts[v] = lo;
                        lengths[v] = len;
                        qs[v] = Vector256.Load((long*)q + 4 * v) ^ sign;
                        var mid = lo + (len >>> 1) - one + (Vector256.Equals(len, one) & one);
                        BatchedSearch.Prefetch(k + mid.GetElement(0));
                        BatchedSearch.Prefetch(k + mid.GetElement(1));
                        BatchedSearch.Prefetch(k + mid.GetElement(2));
                        BatchedSearch.Prefetch(k + mid.GetElement(3));
                    }
                    int rounds = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    for (int r = 0; r < rounds; r++)
                    {
                        for (int v = 0; v < vecs; v++)
                        {
                            var f = firsts[v];
                            var len = lengths[v];
                            var half = len >>> 1;
                            var at = f + Vector256.Max(half - one, Vector256<long>.Zero);
                            var vals = Avx2.GatherVector256((long*)k, at, 8) ^ sign;
                            f += half & Vector256.GreaterThan(qs[v], vals);
                            len -= half;
                            firsts[v] = f;
                            lengths[v] = len;
                            if (prefetch)
                            {
                                var nx = f + (len >>> 1) - one;
                                BatchedSearch.Prefetch(k + nx.GetElement(0));
                                BatchedSearch.Prefetch(k + nx.GetElement(1));
                                BatchedSearch.Prefetch(k + nx.GetElement(2));
                                BatchedSearch.Prefetch(k + nx.GetElement(3));
                            }
                        }
                    }
                    for (int v = 0; v < vecs; v++)
                    {
                        var f = firsts[v];
                        var vals = Avx2.GatherVector256((long*)k, f, 8) ^ sign;
                        var found = f - Vector256.GreaterThan(qs[v], vals);
                        for (int e = 0; e < 4; e++)
                        {
                            int j = 4 * v + e;
                            int lo = los[j], hi = his[j];
                            oa[s + j] = lo == hi ? lo : LowerBound.Guard(ref *k, n, lo, hi, (int)found.GetElement(e), q[j]);
                        }
                    }
                }
                if (s < probes.Length) Fallback(qa + s, oa + s, probes.Length - s);
            }
        }

        /// <summary>Models 4 probes (one vector) into slot arrays; prefetches each window's first line; returns the longest
        /// window.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        int ModelVector(ulong* q, RmiLeaf* leaves, ulong* k, Vector256<long>* firsts, Vector256<long>* lengths,
            Vector256<long>* qs, int* los, int* his)
        {
            int n = _n;
            ulong min = _min, max = _max;
            int longest = 1;
            for (int e = 0; e < 4; e++)
            {
                ulong key = q[e];
                int lo, hi;
                if (key <= min || key > max) lo = hi = key <= min ? 0 : n;
                else
                {
                    double x = key - min;
                    RmiLeaf* leaf = leaves + LeafOf(x);
                    int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, n - 1);
                    lo = Math.Max(p - leaf->ErrLo, 0); hi = Math.Min(p + leaf->ErrHi + 1, n);
                }
                los[e] = lo; his[e] = hi;
                int len = Math.Max(hi - lo, 1);
                longest = Math.Max(longest, len);
                BatchedSearch.Prefetch(k + lo + (len >> 1) - 1 + (len == 1 ? 1 : 0));
            }
            var lov = Vector256.Create((long)los[0], los[1], los[2], los[3]);
            *firsts = lov;
            *lengths = Vector256.Max(Vector256.Create((long)his[0], his[1], his[2], his[3]) - lov, Vector256<long>.One);
            *qs = Vector256.Load((long*)q) ^ Vector256.Create(long.MinValue);
            return longest;
        }

        public void VectorPipelined(ReadOnlySpan<ulong> probes, Span<int> output, int group)
        {
            int* losA = stackalloc int[2 * 256], hisA = stackalloc int[2 * 256];
            var firstsA = stackalloc Vector256<long>[2 * 64];
            var lengthsA = stackalloc Vector256<long>[2 * 64];
            var qsA = stackalloc Vector256<long>[2 * 64];
            int n = _n;
            var sign = Vector256.Create(long.MinValue);
            var one = Vector256<long>.One;
            int total = probes.Length - probes.Length % group;
            int vecs = group / 4;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                int cur = 0, longest = 1;
                if (total > 0)
                    for (int v = 0; v < vecs; v++)
                        longest = Math.Max(longest,
                            ModelVector(qa + 4 * v, leaves, k, firstsA + v, lengthsA + v, qsA + v, losA + 4 * v, hisA + 4 * v));
                for (int s = 0; s < total; s += group)
                {
                    Vector256<long>* firsts = firstsA + cur * 64, lengths = lengthsA + cur * 64, qs = qsA + cur * 64;
                    int* los = losA + cur * 256, his = hisA + cur * 256;
                    int nx = cur ^ 1;
                    bool more = s + group < total;
                    int nextV = 0, nextLongest = 1, nextVecs = more ? vecs : 0;
                    ulong* q2 = qa + s + group;
                    int rounds = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    int chunk = rounds > 0 ? (nextVecs + rounds - 1) / rounds : 0;
                    for (int r = 0; r < rounds; r++)
                    {
                        for (int v = 0; v < vecs; v++)
                        {
                            var f = firsts[v];
                            var len = lengths[v];
                            var half = len >>> 1;
                            var at = f + Vector256.Max(half - one, Vector256<long>.Zero);
                            var vals = Avx2.GatherVector256((long*)k, at, 8) ^ sign;
                            f += half & Vector256.GreaterThan(qs[v], vals);
                            len -= half;
                            firsts[v] = f;
                            lengths[v] = len;
                            var nxt = f + (len >>> 1) - one;
                            BatchedSearch.Prefetch(k + nxt.GetElement(0));
                            BatchedSearch.Prefetch(k + nxt.GetElement(1));
                            BatchedSearch.Prefetch(k + nxt.GetElement(2));
                            BatchedSearch.Prefetch(k + nxt.GetElement(3));
                        }
                        for (int c = 0; c < chunk && nextV < nextVecs; c++, nextV++)
                            nextLongest = Math.Max(nextLongest, ModelVector(q2 + 4 * nextV, leaves, k, firstsA + nx * 64 + nextV,
                                lengthsA + nx * 64 + nextV, qsA + nx * 64 + nextV, losA + nx * 256 + 4 * nextV,
                                hisA + nx * 256 + 4 * nextV));
                    }
                    for (; nextV < nextVecs; nextV++)
                        nextLongest = Math.Max(nextLongest, ModelVector(q2 + 4 * nextV, leaves, k, firstsA + nx * 64 + nextV,
                            lengthsA + nx * 64 + nextV, qsA + nx * 64 + nextV, losA + nx * 256 + 4 * nextV, hisA + nx * 256 + 4 * nextV));
                    ulong* q = qa + s;
                    for (int v = 0; v < vecs; v++)
                    {
                        var f = firsts[v];
                        var vals = Avx2.GatherVector256((long*)k, f, 8) ^ sign;
                        var found = f - Vector256.GreaterThan(qs[v], vals);
                        for (int e = 0; e < 4; e++)
                        {
                            int j = 4 * v + e;
                            int lo = los[j], hi = his[j];
                            oa[s + j] = lo == hi ? lo : LowerBound.Guard(ref *k, n, lo, hi, (int)found.GetElement(e), q[j]);
                        }
                    }
                    longest = nextLongest;
                    cur = nx;
                }
                if (total < probes.Length) Fallback(qa + total, oa + total, probes.Length - total);
            }
        }

        public int Mismatches;
        public void ModelOnlyVector(ReadOnlySpan<ulong> probes, Span<int> output)
        {
            double c0 = _root.Coefficients[0], c1 = _root.Coefficients[1];
            var vc0 = Vector256.Create(c0 * _leafCount); var vc1 = Vector256.Create(c1 * _leafCount);
            var vmin = Vector256.Create(_min);
            var oneD = Vector256<double>.One;
            var maxLeaf = Vector256.Create((double)(_leafCount - 1));
            int mism = 0;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* qa = probes)
                for (int i = 0; i + 4 <= probes.Length; i += 4)
                {
                    var key = Vector256.Load(qa + i);
                    var x = Vector256.ConvertToDouble(key - vmin);
                    var y = vc0 + vc1 * Vector256.Log(oneD + x);
                    var leafD = Vector256.Min(Vector256.Max(Vector256.Floor(y), Vector256<double>.Zero), maxLeaf);
                    var leafI = Vector256.ConvertToInt64(leafD);
                    for (int e = 0; e < 4; e++)
                    {
                        ulong kk = qa[i + e];
                        if (kk <= _min || kk > _max) { output[i + e] = 0; continue; }
                        double xe = kk - _min;
                        RmiLeaf* leaf = leaves + leafI.GetElement(e);
                        int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * xe), 0, _n - 1);
                        output[i + e] = Math.Max(p - leaf->ErrLo, 0);
                        if (CheckLeaves && leafI.GetElement(e) != LeafOf(xe)) mism++;
                    }
                }
            Mismatches = mism;
        }
        public bool CheckLeaves = false;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        int ModelOne(ulong key, RmiLeaf* leaves, ulong* k, int* ints, int j)
        {
            int lo, hi;
            if (key <= _min || key > _max) lo = hi = key <= _min ? 0 : _n;
            else
            {
                double x = key - _min;
                RmiLeaf* leaf = leaves + LeafOf(x);
                int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, _n - 1);
                lo = Math.Max(p - leaf->ErrLo, 0); hi = Math.Min(p + leaf->ErrHi + 1, _n);
            }
            int len = Math.Max(hi - lo, 1);
            ints[j] = lo; ints[64 + j] = len; ints[128 + j] = lo; ints[192 + j] = hi;
            BatchedSearch.Prefetch(k + lo + (len >> 1) - 1 + (len == 1 ? 1 : 0));
            return len;
        }

        const int Delay = 8;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        void StageA(ulong key, RmiLeaf* leaves, int* leafIdx, int j)
        {
            int li = key <= _min || key > _max ? 0 : LeafOf(key - _min);
            leafIdx[j] = li;
            BatchedSearch.Prefetch(leaves + li);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        int StageB(ulong key, RmiLeaf* leaves, ulong* k, int* ints, int* leafIdx, int j)
        {
            int lo, hi;
            if (key <= _min || key > _max) lo = hi = key <= _min ? 0 : _n;
            else
            {
                double x = key - _min;
                RmiLeaf* leaf = leaves + leafIdx[j];
                int p = (int)Math.Clamp((long)(leaf->Intercept + leaf->Slope * x), 0, _n - 1);
                lo = Math.Max(p - leaf->ErrLo, 0); hi = Math.Min(p + leaf->ErrHi + 1, _n);
            }
            int len = Math.Max(hi - lo, 1);
            ints[j] = lo; ints[64 + j] = len; ints[128 + j] = lo; ints[192 + j] = hi;
            BatchedSearch.Prefetch(k + lo + (len >> 1) - 1 + (len == 1 ? 1 : 0));
            return len;
        }

        public void VectorPipe2(ReadOnlySpan<ulong> probes, Span<int> output, int perStep)
        {
            const int group = 64;
            int* intsA = stackalloc int[2 * 256];
            int* leafIdx = stackalloc int[64];
            var lanes = stackalloc Vector256<long>[48];
            int n = _n;
            var sign = Vector256.Create(long.MinValue);
            var one = Vector256<long>.One;
            var zero = Vector256<long>.Zero;
            int total = probes.Length - probes.Length % group;
            const int vecs = group / 4;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                int cur = 0, longest = 1;
                if (total > 0)
                    for (int j = 0; j < group; j++) longest = Math.Max(longest, ModelOne(qa[j], leaves, k, intsA, j));
                for (int s = 0; s < total; s += group)
                {
                    int* ints = intsA + cur * 256, nints = intsA + (cur ^ 1) * 256;
                    ulong* q = qa + s, q2 = q + group;
                    int g2 = s + group < total ? group : 0, m = 0, nextLongest = 1;
                    for (int v = 0; v < vecs; v++)
                    {
                        Vector256<long>* lane = lanes + 3 * v;
                        lane[0] = Avx2.ConvertToVector256Int64(Sse2.LoadVector128(ints + 4 * v));
                        lane[1] = Avx2.ConvertToVector256Int64(Sse2.LoadVector128(ints + 64 + 4 * v));
                        lane[2] = Vector256.Load((long*)q + 4 * v) ^ sign;
                    }
                    int rounds = longest > 1 ? 32 - BitOperations.LeadingZeroCount((uint)(longest - 1)) : 0;
                    for (int r = 0; r < rounds; r++)
                    {
                        for (int v = 0; v < vecs; v++)
                        {
                            Vector256<long>* lane = lanes + 3 * v;
                            var f = lane[0];
                            var len = lane[1];
                            var half = len >>> 1;
                            var at = Vector256.Max(f + half - one, zero);
                            var vals = Avx2.GatherVector256((long*)k, at, 8) ^ sign;
                            f += half & Vector256.GreaterThan(lane[2], vals);
                            len -= half;
                            lane[0] = f;
                            lane[1] = len;
                            var nxt = f + (len >>> 1) - one;
                            BatchedSearch.Prefetch(k + nxt.GetElement(0));
                            BatchedSearch.Prefetch(k + nxt.GetElement(1));
                            BatchedSearch.Prefetch(k + nxt.GetElement(2));
                            BatchedSearch.Prefetch(k + nxt.GetElement(3));
                            if (perStep == 0)
                            {
                                if (m < g2 + Delay)
                                {
                                    if (m < g2) StageA(q2[m], leaves, leafIdx, m);
                                    int b = m - Delay;
                                    if (b >= 0) nextLongest = Math.Max(nextLongest, StageB(q2[b], leaves, k, nints, leafIdx, b));
                                    m++;
                                }
                            }
                            else
                                for (int c = 0; c < perStep && m < g2; c++, m++)
                                    nextLongest = Math.Max(nextLongest, ModelOne(q2[m], leaves, k, nints, m));
                        }
                    }
                    if (perStep == 0)
                        for (; m < g2 + Delay; m++)
                        {
                            if (m < g2) StageA(q2[m], leaves, leafIdx, m);
                            int b = m - Delay;
                            if (b >= 0) nextLongest = Math.Max(nextLongest, StageB(q2[b], leaves, k, nints, leafIdx, b));
                        }
                    else
                        for (; m < g2; m++) nextLongest = Math.Max(nextLongest, ModelOne(q2[m], leaves, k, nints, m));
                    var last = Vector256.Create((long)n - 1);
                    for (int v = 0; v < vecs; v++)
                    {
                        Vector256<long>* lane = lanes + 3 * v;
                        var f = lane[0];
                        var vals = Avx2.GatherVector256((long*)k, Vector256.Min(f, last), 8) ^ sign;
                        var found = f - Vector256.GreaterThan(lane[2], vals);
                        for (int e = 0; e < 4; e++)
                        {
                            int j = 4 * v + e;
                            int lo = ints[128 + j], hi = ints[192 + j];
                            oa[s + j] = lo == hi ? lo : LowerBound.Guard(ref *k, n, lo, hi, (int)found.GetElement(e), q[j]);
                        }
                    }
                    longest = nextLongest;
                    cur ^= 1;
                }
                if (total < probes.Length) Fallback(qa + total, oa + total, probes.Length - total);
            }
        }

        /// <summary>Vector model for 4 probes (log-linear root): writes lo/hi ints and the lanes; prefetch none.</summary>
        public void VectorFull(ReadOnlySpan<ulong> probes, Span<int> output)
        {
            const int group = 64, vecs = 16;
            int* los = stackalloc int[group], his = stackalloc int[group];
            var lanes = stackalloc Vector256<long>[48];
            int n = _n;
            var sign = Vector256.Create(long.MinValue);
            var one = Vector256<long>.One;
            var zero = Vector256<long>.Zero;
            double c0 = _root.Coefficients[0] * _leafCount, c1 = _root.Coefficients[1] * _leafCount;
            var vc0 = Vector256.Create(c0); var vc1 = Vector256.Create(c1);
            var vminU = Vector256.Create(_min);
            var vminS = Vector256.Create((long)(_min ^ 0x8000000000000000UL));
            var vmaxS = Vector256.Create((long)(_max ^ 0x8000000000000000UL));
            var maxLeaf = Vector256.Create((double)(_leafCount - 1));
            var lastPos = Vector256.Create((double)(n - 1));
            var vn = Vector256.Create((long)n);
            var oneD = Vector256<double>.One;
            var zeroD = Vector256<double>.Zero;
            int total = probes.Length - probes.Length % group;
            fixed (RmiLeaf* leaves = leafArray)
            fixed (ulong* k = _keys)
            fixed (ulong* qa = probes)
            fixed (int* oa = output)
            {
                for (int s = 0; s < total; s += group)
                {
                    ulong* q = qa + s;
                    var longestV = one;
                    for (int v = 0; v < vecs; v++)
                    {
                        var key = Vector256.Load(q + 4 * v);
                        var keyS = key.AsInt64() ^ sign;
                        var below = ~Vector256.GreaterThan(keyS, vminS);     // key <= min
                        var above = Vector256.GreaterThan(keyS, vmaxS);       // key > max
                        var x = Vector256.ConvertToDouble(key - vminU);
                        var y = vc0 + vc1 * Vector256.Log(oneD + x);
                        var leafD = Vector256.Min(Vector256.Max(y, zeroD), maxLeaf);
                        var leafI = Avx.ConvertToVector128Int32WithTruncation(leafD);
                        var idx2 = leafI + leafI;
                        var intercept = Avx2.GatherVector256((double*)leaves, idx2, 8);
                        var rest = Avx2.GatherVector256((long*)leaves + 1, idx2, 8);
                        var low = Avx2.PermuteVar8x32(rest.AsInt32(), Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0));
                        var slope = Avx.ConvertToVector256Double(low.GetLower().AsSingle());
                        var pD = Vector256.Min(Vector256.Max(intercept + slope * x, zeroD), lastPos);
                        var p = Avx2.ConvertToVector256Int64(Avx.ConvertToVector128Int32WithTruncation(pD));
                        var errLo = (rest >>> 32) & Vector256.Create(0xFFFFL);
                        var errHi = rest >>> 48;
                        var lo = Vector256.Max(p - errLo, zero);
                        var hi = Vector256.Min(p + errHi + one, vn);
                        var outside = below | above;
                        var answer = above & vn;
                        lo = Vector256.ConditionalSelect(outside, answer, lo);
                        hi = Vector256.ConditionalSelect(outside, answer, hi);
                        var len = Vector256.Max(hi - lo, one);
                        longestV = Vector256.Max(longestV, len);
                        Vector256<long>* lane = lanes + 3 * v;
                        lane[0] = lo; lane[1] = len; lane[2] = keyS;
                        for (int e = 0; e < 4; e++) { los[4 * v + e] = (int)lo.GetElement(e); his[4 * v + e] = (int)hi.GetElement(e); }
                    }
                    for (int v = 0; v < vecs; v++)
                    {
                        Vector256<long>* lane = lanes + 3 * v;
                        var length = lane[1];
                        var middle = lane[0] + (length >>> 1) - one + (Vector256.Equals(length, one) & one);
                        BatchedSearch.Prefetch(k + middle.GetElement(0));
                        BatchedSearch.Prefetch(k + middle.GetElement(1));
                        BatchedSearch.Prefetch(k + middle.GetElement(2));
                        BatchedSearch.Prefetch(k + middle.GetElement(3));
                    }
                    long longest = Math.Max(Math.Max(longestV.GetElement(0), longestV.GetElement(1)),
                        Math.Max(longestV.GetElement(2), longestV.GetElement(3)));
                    int rounds = longest > 1 ? 64 - BitOperations.LeadingZeroCount((ulong)(longest - 1)) : 0;
                    for (int r = 0; r < rounds; r++)
                        for (int v = 0; v < vecs; v++)
                        {
                            Vector256<long>* lane = lanes + 3 * v;
                            var f = lane[0];
                            var len = lane[1];
                            var half = len >>> 1;
                            var at = Vector256.Max(f + half - one, zero);
                            var vals = Avx2.GatherVector256((long*)k, at, 8) ^ sign;
                            f += half & Vector256.GreaterThan(lane[2], vals);
                            len -= half;
                            lane[0] = f;
                            lane[1] = len;
                            var nxt = f + (len >>> 1) - one;
                            BatchedSearch.Prefetch(k + nxt.GetElement(0));
                            BatchedSearch.Prefetch(k + nxt.GetElement(1));
                            BatchedSearch.Prefetch(k + nxt.GetElement(2));
                            BatchedSearch.Prefetch(k + nxt.GetElement(3));
                        }
                    var last = Vector256.Create((long)n - 1);
                    for (int v = 0; v < vecs; v++)
                    {
                        Vector256<long>* lane = lanes + 3 * v;
                        var f = lane[0];
                        var vals = Avx2.GatherVector256((long*)k, Vector256.Min(f, last), 8) ^ sign;
                        var found = f - Vector256.GreaterThan(lane[2], vals);
                        for (int e = 0; e < 4; e++)
                        {
                            int j = 4 * v + e;
                            int lo = los[j], hi = his[j];
                            oa[s + j] = lo == hi ? lo : LowerBound.Guard(ref *k, n, lo, hi, (int)found.GetElement(e), q[j]);
                        }
                    }
                }
                if (total < probes.Length) Fallback(qa + total, oa + total, probes.Length - total);
            }
        }

        void Fallback(ulong* q, int* o, int count)
        {
            for (int i = 0; i < count; i++) o[i] = rmi.Find(q[i]);
        }
    }
}
