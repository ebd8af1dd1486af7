using TorchSharp;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Kernels.Attention;

/// <summary>How LSH attention laid out one batch: the buckets and the sorted order (for pictures and recall).</summary>
/// <param name="Buckets">[N, rounds, L] bucket ids, offset by round (round r uses ids r·b … r·b + b − 1).</param>
/// <param name="SortedPositions">[N, rounds·L] original position of each slot in the sorted order (all rounds).</param>
/// <param name="ChunkLength">Queries per chunk (2L / b, rounded up).</param>
/// <param name="PaddedLength">The length after padding to a multiple of the chunk length (equal to L when none).</param>
public sealed record LshLayout(Tensor Buckets, Tensor SortedPositions, int ChunkLength, long PaddedLength) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Buckets.Dispose();
        SortedPositions.Dispose();
    }
}

/// <summary>
/// LSH attention (Kitaev, Kaiser &amp; Levskaya, ICLR 2020, Sec. 2; trax <c>LSHSelfAttention</c>), over shared
/// query-keys, for a batch of independent sequences (fold heads into the batch):
/// <list type="number">
/// <item>hash: h(x) = argmax [xR; −xR] with a fresh random R (d × b/2, standard normal) per round, so the bucket count
/// b is even; ids offset by round (r·b);</item>
/// <item>sort all rounds' slots by (bucket, position), rounds one after another, and undo with the inverse
/// permutation;</item>
/// <item>cut the sorted sequence into chunks of m = 2L / b; each chunk attends to itself and the previous chunk,
/// wrapping around (the first chunk sees the last);</item>
/// <item>keys are the queries normalised to unit length (<see cref="AttentionMasks.SharedKeys"/>), no further 1/√d;
/// masks compare original positions: causal −1e9, self −1e5 (finite), padding −1e9;</item>
/// <item>rounds are combined with weights softmax over rounds of each round's log-sum-exp.</item>
/// </list>
/// Memory per round is O(L·m) (chunks of m queries × 2m keys) instead of O(L²). A sequence whose length is not a
/// multiple of m is padded with masked positions (<see cref="PaddingNote"/> says so in one sentence).
/// </summary>
public static class LshAttention
{
    /// <summary>Queries per chunk: m = ⌈2L / b⌉ (the paper's m = 2l / n_buckets).</summary>
    /// <exception cref="ArgumentException">Bad bucket count or length (see <see cref="Check"/>).</exception>
    public static int ChunkLength(long length, int buckets)
    {
        Check(length, buckets, 1);
        return (int)Math.Max(1, (2 * length + buckets - 1) / buckets);
    }

    /// <summary>The length after padding to a multiple of the chunk length.</summary>
    public static long PaddedLength(long length, int buckets)
    {
        long m = ChunkLength(length, buckets);
        return (length + m - 1) / m * m;
    }

    /// <summary>One sentence when <paramref name="length"/> needs padding, null otherwise.</summary>
    public static string? PaddingNote(long length, int buckets)
    {
        long padded = PaddedLength(length, buckets);
        return padded == length ? null
            : $"Sequence length {length} is not divisible by the chunk length {ChunkLength(length, buckets)} (= 2L / {buckets} buckets, " +
              $"rounded up): it is padded to {padded} with masked positions.";
    }

    /// <summary>Checks the arguments; each bad one is one sentence naming the value and the allowed range.</summary>
    /// <exception cref="ArgumentException">An odd or non-positive bucket count, rounds below 1, or an empty sequence.</exception>
    public static void Check(long length, int buckets, int rounds)
    {
        if (buckets < 2 || buckets % 2 != 0)
            throw new ArgumentException(
                $"buckets = {buckets}: the bucket count must be even and at least 2, since argmax over [xR; −xR] " +
                    "gives 2 × (columns of R) buckets.");
        if (rounds < 1)
            throw new ArgumentException($"rounds = {rounds}: LSH attention needs at least 1 hash round.");
        if (length < 1)
            throw new ArgumentException($"sequence length = {length}: it must be at least 1.");
    }

    /// <summary>Standard-normal random rotations [d, rounds, b/2] from <paramref name="seed"/> (one fresh R per round).</summary>
    public static Tensor Rotations(long dimension, int buckets, int rounds, long seed, Device? device = null)
    {
        Check(1, buckets, rounds);
        // Drawn on the CPU (the generator's device) and moved, so every device gets the same rotations from a seed.
        using var generator = new Generator((ulong)seed);
        var cpu = randn([dimension, rounds, buckets / 2], ScalarType.Float32, generator: generator);
        if (device is null || device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }

    /// <summary>
    /// Positions hashed at a time. The rotated vectors xR of a block are [block, rounds, b/2]; since the bucket count
    /// grows with L (b = 2L / m), hashing the whole sequence at once would hold an L × b/2 = L² / m matrix. In blocks,
    /// hashing memory stays O(L) per round. Sequences up to this length are hashed in one piece.
    /// </summary>
    public const int HashBlock = 4096;

    /// <summary>Bucket ids [N, rounds, L]: argmax over [xR; −xR] per round, plus r·b for round r.</summary>
    /// <param name="queryKeys">[N, L, d].</param>
    /// <param name="rotations">[d, rounds, b/2] (<see cref="Rotations"/>).</param>
    public static Tensor Hash(Tensor queryKeys, Tensor rotations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = queryKeys.shape[0], length = queryKeys.shape[1], d = queryKeys.shape[2];
        long rounds = rotations.shape[1], half = rotations.shape[2];
        var flat = rotations.reshape(d, rounds * half);
        Tensor Block(Tensor x)
        {
            using var blockScope = NewDisposeScope();
            long l = x.shape[1];
            var rotated = x.matmul(flat).reshape(n, l, rounds, half).permute(0, 2, 1, 3);
            return cat([rotated, rotated.neg()], -1).argmax(-1).MoveToOuterDisposeScope();
        }
        var ids = length <= HashBlock ? Block(queryKeys)
            : cat(Enumerable.Range(0, (int)((length + HashBlock - 1) / HashBlock))
                .Select(i => Block(queryKeys.narrow(1, (long)i * HashBlock, Math.Min(HashBlock, length - (long)i * HashBlock))))
                .ToList(), 2);
        var offsets = AttentionMasks.Positions(rounds, queryKeys.device).mul(Scalars.Of(2 * half)).reshape(1, rounds, 1);
        return ids.add(offsets, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The layout of one call: bucket ids and the sorted order of all rounds' slots by (bucket, position). The keys
    /// L·bucket + position are distinct, so the order is the same on every machine.
    /// </summary>
    /// <param name="queryKeys">[N, L, d] (already padded, if padding was needed).</param>
    /// <param name="rotations">[d, rounds, b/2].</param>
    /// <param name="chunkLength">m, for the record.</param>
    public static LshLayout Layout(Tensor queryKeys, Tensor rotations, int chunkLength)
    {
        using var scope = NewDisposeScope();
        long length = queryKeys.shape[1];
        var buckets = Hash(queryKeys, rotations);
        long n = buckets.shape[0], rounds = buckets.shape[1];
        var positions = AttentionMasks.Positions(length, queryKeys.device).reshape(1, 1, length);
        var keys = buckets.mul(Scalars.Of(length)).add(positions, Scalars.One).reshape(n, rounds * length);
        var order = keys.argsort(-1);
        var sortedPositions = order.remainder(Scalars.Of(length));
        return new LshLayout(buckets.MoveToOuterDisposeScope(), sortedPositions.MoveToOuterDisposeScope(), chunkLength, length);
    }

    /// <summary>
    /// LSH attention of <paramref name="queryKeys"/> over <paramref name="values"/> with <paramref name="buckets"/> buckets
    /// and as many rounds as <paramref name="rotations"/> has. Differentiable in the query-keys and values (the hash and
    /// the sort are not).
    /// </summary>
    /// <param name="queryKeys">[N, L, d] shared query-keys.</param>
    /// <param name="values">[N, L, dv].</param>
    /// <param name="rotations">[d, rounds, b/2] (<see cref="Rotations"/>; the same tensor gives the same buckets).</param>
    /// <param name="buckets">b, even.</param>
    /// <param name="causal">Causal masking on original positions.</param>
    /// <returns>Output [N, L, dv].</returns>
    /// <exception cref="ArgumentException">Bad bucket count, or rotations that do not match.</exception>
    public static Tensor Forward(Tensor queryKeys, Tensor values, Tensor rotations, int buckets, bool causal)
    {
        long n = queryKeys.shape[0], length = queryKeys.shape[1], d = queryKeys.shape[2], dv = values.shape[2];
        int rounds = (int)rotations.shape[1];
        Check(length, buckets, rounds);
        if (rotations.shape[0] != d || rotations.shape[2] != buckets / 2)
            throw new ArgumentException(
                $"rotations have shape [{string.Join(", ", rotations.shape)}] but [{d}, rounds, {buckets / 2}] is needed " +
                $"for d = {d} and {buckets} buckets.");
        using var scope = NewDisposeScope();
        int m = ChunkLength(length, buckets);
        long padded = PaddedLength(length, buckets);
        var qk = queryKeys;
        var v = values;
        if (padded != length)
        {
            qk = nn.functional.pad(qk, [0, 0, 0, padded - length]);
            v = nn.functional.pad(v, [0, 0, 0, padded - length]);
        }
        using var layout = Layout(qk, rotations, m);
        long slots = rounds * padded, chunks = slots / m;
        var st = layout.SortedPositions;                                   // [N, R·L'] original positions, sorted
        // The inverse permutation of the sort over all rounds. Round ids are offset, so the first L' slots are round 0's,
        // the next L' round 1's, …: slot s holds (r = s / L', t = st[s]), and undo maps r·L' + t back to its slot.
        var roundOf = AttentionMasks.Positions(slots, qk.device).div(Scalars.Of(padded), rounding_mode: RoundingMode.floor);
        var flatKey = roundOf.unsqueeze(0).mul(Scalars.Of(padded)).add(st, Scalars.One); // r·L' + t, unique per slot
        var undo = flatKey.argsort(-1);
        var sq = qk.gather(1, st.unsqueeze(-1).expand(n, slots, d)).reshape(n, chunks, m, d);
        var sv = v.gather(1, st.unsqueeze(-1).expand(n, slots, dv)).reshape(n, chunks, m, dv);
        var sk = AttentionMasks.SharedKeys(sq);
        var qPos = st.reshape(n, chunks, m);
        // Each chunk attends to itself and the previous chunk (roll by one chunk wraps the first onto the last).
        var kAdj = cat([sk, sk.roll(1, 1)], 2);
        var vAdj = cat([sv, sv.roll(1, 1)], 2);
        var kPos = cat([qPos, qPos.roll(1, 1)], 2);
        var dots = sq.matmul(kAdj.transpose(2, 3));                        // [N, C, m, 2m]
        dots = AttentionMasks.Apply(dots, qPos.unsqueeze(-1), kPos.unsqueeze(-2), causal, maskSelf: true,
            padded != length ? length : long.MaxValue);
        // Softmax relative to the row maximum: a row whose only candidate is the token itself (−1e5 in float32) keeps
        // weights that sum to exactly 1; log-sum-exp = max + log Σ is kept for combining the rounds.
        var max = dots.amax([-1], keepdim: true);
        var weights = dots.sub(max).exp();
        var sum = weights.sum([-1], keepdim: true);
        var so = weights.div(sum).matmul(vAdj).reshape(n, slots, dv);
        var slse = max.add(sum.log(), Scalars.One).reshape(n, slots);
        var o = so.gather(1, undo.unsqueeze(-1).expand(n, slots, dv)).reshape(n, rounds, padded, dv);
        var logits = slse.gather(1, undo).reshape(n, rounds, padded, 1);
        var output = rounds == 1 ? o.squeeze(1) : o.mul(logits.softmax(1)).sum(1);
        if (padded != length) output = output.narrow(1, 0, length);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Which (query, key) pairs LSH attention computes a score for, in any round: [N, L, L] with 1 where key k lies in
    /// query q's chunk or the previous chunk of the sorted order (masked pairs included; the caller's full-attention
    /// probabilities are already zero there).
    /// </summary>
    /// <param name="queryKeys">[N, L, d], L a multiple of the chunk length.</param>
    /// <param name="rotations">[d, rounds, b/2].</param>
    /// <param name="buckets">b.</param>
    public static Tensor AttendedPairs(Tensor queryKeys, Tensor rotations, int buckets)
    {
        long n = queryKeys.shape[0], length = queryKeys.shape[1];
        int m = ChunkLength(length, buckets);
        if (PaddedLength(length, buckets) != length)
            throw new ArgumentException(PaddingNote(length, buckets) + " Pass a sequence that needs no padding.");
        using var scope = NewDisposeScope();
        using var layout = Layout(queryKeys, rotations, m);
        long chunks = layout.SortedPositions.shape[1] / m;
        var qPos = layout.SortedPositions.reshape(n, chunks, m);
        var kPos = cat([qPos, qPos.roll(1, 1)], 2);
        var flat = qPos.unsqueeze(-1).mul(Scalars.Of(length)).add(kPos.unsqueeze(-2), Scalars.One).reshape(n, -1);
        var pairs = zeros([n, length * length], ScalarType.Float32, queryKeys.device);
        pairs.scatter_(1, flat, ones_like(flat, ScalarType.Float32));
        return pairs.reshape(n, length, length).MoveToOuterDisposeScope();
    }
}
