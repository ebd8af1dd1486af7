using Workbench.Kernels.Attention;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Tests.Kernels.Attention;

public class LshAttentionTests
{
    static Tensor Random(Generator g, params long[] shape) => randn(shape, ScalarType.Float32, generator: g);

    static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        double diff = expected.sub(actual).abs().max().item<float>();
        Assert.True(diff <= tolerance, $"{what}: max |difference| = {diff}");
    }

    [Fact]
    public void Hash_is_the_argmax_over_xR_and_minus_xR_with_ids_offset_by_round()
    {
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        int length = 24, d = 6, buckets = 8, rounds = 3;
        var qk = Random(g, 1, length, d);
        var rotations = LshAttention.Rotations(d, buckets, rounds, seed);
        var ids = LshAttention.Hash(qk, rotations);
        var expected = LshAttentionReference.Hash(qk.data<float>().ToArray(), rotations.contiguous().data<float>().ToArray(),
            length, d, buckets, rounds);
        for (int r = 0; r < rounds; r++)
            for (int t = 0; t < length; t++)
            {
                long id = ids[0, r, t].item<long>();
                Assert.Equal(expected[r, t], id);
                Assert.InRange(id, r * buckets, (r + 1) * buckets - 1);
            }
    }

    [Fact]
    public void A_sequence_longer_than_the_hash_block_is_hashed_in_blocks_with_the_same_ids()
    {
        // Quarter-integer inputs make every dot product exact in float32, so the blocked tensor path and the plain
        // reference must agree bit for bit (ties included: both take the first maximum).
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        int length = 2 * LshAttention.HashBlock + 37, d = 8, buckets = 16, rounds = 2;
        var qk = Random(g, 1, length, d).mul(Scalars.Of(4.0)).round().div(Scalars.Of(4.0));
        var rotations = LshAttention.Rotations(d, buckets, rounds, seed).mul(Scalars.Of(4.0)).round().div(Scalars.Of(4.0));
        var ids = LshAttention.Hash(qk, rotations).data<long>().ToArray();
        var expected = LshAttentionReference.Hash(qk.data<float>().ToArray(), rotations.contiguous().data<float>().ToArray(),
            length, d, buckets, rounds);
        for (int r = 0; r < rounds; r++)
            for (int t = 0; t < length; t++)
                Assert.True(expected[r, t] == ids[r * length + t], $"seed {seed}, round {r}, position {t}");
    }

    [Fact]
    public void Each_round_draws_a_fresh_rotation_and_an_odd_bucket_count_or_zero_rounds_is_refused()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        var rotations = LshAttention.Rotations(8, 4, 2, seed: 1);
        Assert.Equal([8L, 2, 2], rotations.shape);
        Assert.False(rotations.select(1, 0).allclose(rotations.select(1, 1)), "both rounds drew the same rotation");
        var odd = Assert.Throws<ArgumentException>(() => LshAttention.Rotations(8, 5, 1, 1));
        Assert.StartsWith("buckets = 5", odd.Message);
        var zero = Assert.Throws<ArgumentException>(() => LshAttention.Rotations(8, 4, 0, 1));
        Assert.StartsWith("rounds = 0", zero.Message);
    }

    [Fact]
    public void Sorts_by_bucket_then_position()
    {
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        int length = 32, buckets = 8, rounds = 2;
        var qk = Random(g, 2, length, 4);
        using var layout = LshAttention.Layout(qk, LshAttention.Rotations(4, buckets, rounds, seed),
            LshAttention.ChunkLength(length, buckets));
        for (int n = 0; n < 2; n++)
        {
            long previousBucket = -1, previousPosition = -1;
            var seen = new HashSet<(long, long)>();
            for (int s = 0; s < rounds * length; s++)
            {
                long t = layout.SortedPositions[n, s].item<long>();
                long bucket = layout.Buckets[n, s / length, t].item<long>();
                Assert.True(bucket > previousBucket || (bucket == previousBucket && t > previousPosition),
                    $"seed {seed}: slot {s} (bucket {bucket}, position {t}) after (bucket {previousBucket}, position {previousPosition})");
                Assert.True(seen.Add((s / length, t)), $"seed {seed}: position {t} twice in round {s / length}");
                (previousBucket, previousPosition) = (bucket, t);
            }
        }
    }

    [Theory]
    [InlineData(16, 4, 1, true)]
    [InlineData(16, 4, 3, true)]
    [InlineData(24, 8, 2, false)]
    [InlineData(32, 16, 4, true)]
    public void Tensor_path_matches_the_plain_reference(int length, int buckets, int rounds, bool causal)
    {
        // Covers the sort and inverse permutation, chunks with the previous chunk wrapping around, unit-length keys,
        // the masks on original positions and the log-sum-exp combination of rounds.
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        int d = 5, dv = 3;
        var qk = Random(g, 1, length, d);
        var v = Random(g, 1, length, dv);
        var rotations = LshAttention.Rotations(d, buckets, rounds, seed);
        var fast = LshAttention.Forward(qk, v, rotations, buckets, causal);
        var reference = LshAttentionReference.Forward(qk.data<float>().ToArray(), v.data<float>().ToArray(),
            rotations.contiguous().data<float>().ToArray(), length, d, dv, buckets, rounds, causal);
        var actual = fast.data<float>().ToArray();
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(actual[i] - reference[i]) < 1e-4, $"seed {seed}: output {i}: {actual[i]} vs {reference[i]}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Equals_full_shared_qk_attention_when_one_chunk_covers_the_sequence(bool causal)
    {
        // Two buckets give chunk length 2L/2 = L: every query sees every key (its own chunk, and itself again as the
        // previous chunk, which leaves the softmax unchanged), whatever the hash says.
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var qk = Random(g, 3, 20, 8);
        var v = Random(g, 3, 20, 4);
        foreach (int rounds in new[] { 1, 3 })
        {
            var lsh = LshAttention.Forward(qk, v, LshAttention.Rotations(8, 2, rounds, seed), 2, causal);
            AssertClose(FullAttention.SharedQk(qk, v, causal), lsh, 1e-5, $"seed {seed}, {rounds} rounds");
        }
    }

    [Fact]
    public void Chunked_attention_equals_full_attention_and_LSH_where_the_definitions_coincide()
    {
        TorchSetup.Initialize();
        int seed = TestPaths.FreshSeed();
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        var qk = Random(g, 2, 37, 8);
        var v = Random(g, 2, 37, 5);
        var keys = AttentionMasks.SharedKeys(qk);
        foreach (bool causal in new[] { true, false })
        {
            var (full, _) = FullAttention.Forward(qk, keys, v, causal, maskSelf: true);
            foreach (int chunk in new[] { 1, 5, 16, 37, 64 })
                AssertClose(full, ChunkedAttention.Forward(qk, keys, v, causal, maskSelf: true, chunk), 1e-5,
                    $"seed {seed}, chunk {chunk}, causal {causal}");
            AssertClose(full, LshAttention.Forward(qk, v, LshAttention.Rotations(8, 2, 1, seed), 2, causal), 1e-5,
                $"seed {seed}: LSH with one chunk, causal {causal}");
        }
    }

    [Fact]
    public void Keys_are_unit_length_queries_with_no_further_scaling()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var qk = Random(g, 2, 9, 16).mul(Scalars.Of(3.0));
        var keys = AttentionMasks.SharedKeys(qk);
        AssertClose(ones(2, 9), keys.norm(-1), 1e-5, "key lengths");
        // Dots are q·k̂ exactly: scaling the queries sharpens the softmax, scaling the keys does not change it.
        var v = Random(g, 2, 9, 4);
        var (expected, _) = FullAttention.Forward(qk, keys, v, causal: false, maskSelf: true);
        AssertClose(expected, FullAttention.SharedQk(qk, v, causal: false), 1e-6, "shared-QK attention");
        AssertClose(keys, AttentionMasks.SharedKeys(qk.mul(Scalars.Of(10.0))), 1e-5, "keys of scaled queries");
    }

    [Fact]
    public void A_token_attends_to_itself_only_when_nothing_else_is_available()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var qk = Random(g, 1, 16, 8);
        var v = eye(16).unsqueeze(0); // value of position t is the one-hot e_t: outputs are the attention weights
        var weights = LshAttention.Forward(qk, v, LshAttention.Rotations(8, 4, 2, 3), 4, causal: true);
        Assert.False(weights.isnan().any().item<bool>(), "NaN in LSH attention");
        // The first token has only itself: the finite self-mask (−1e5, above the causal −1e9) lets it attend there.
        Assert.True(weights[0, 0, 0].item<float>() > 0.999f, "the first token does not attend to itself");
        // Later tokens put (almost) no weight on themselves when another earlier token is in their window.
        var full = FullAttention.SharedQk(qk, v, causal: true);
        for (int t = 1; t < 16; t++) Assert.True(full[0, t, t].item<float>() < 1e-6, $"token {t} attends to itself");
        // Causal on original positions: no weight on later tokens.
        Assert.True(weights.triu(1).abs().max().item<float>() < 1e-6, "weight on a later position");
        // An infinite self-mask would leave the first row without a finite entry: NaN.
        var infinite = FullAttention.Forward(qk, AttentionMasks.SharedKeys(qk), v, causal: true, maskSelf: false).Output;
        Assert.False(infinite.isnan().any().item<bool>());
    }

    [Fact]
    public void A_length_not_divisible_by_the_chunk_length_is_padded_and_said_so()
    {
        TorchSetup.Initialize();
        Assert.Equal(8, LshAttention.ChunkLength(32, 8));
        Assert.Null(LshAttention.PaddingNote(32, 8));
        string note = LshAttention.PaddingNote(30, 8)!;
        Assert.Equal("Sequence length 30 is not divisible by the chunk length 8 (= 2L / 8 buckets, rounded up): it is " +
            "padded to 32 with masked positions.", note);
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var qk = Random(g, 1, 30, 4);
        var v = Random(g, 1, 30, 3);
        var output = LshAttention.Forward(qk, v, LshAttention.Rotations(4, 8, 2, 9), 8, causal: false);
        Assert.Equal([1L, 30, 3], output.shape);
        Assert.False(output.isnan().any().item<bool>());
        // With one chunk (2 buckets) the padded keys must carry no weight: equal to full attention over the 30 tokens.
        AssertClose(FullAttention.SharedQk(qk, v, causal: false),
            LshAttention.Forward(qk, v, LshAttention.Rotations(4, 2, 1, 9), 2, causal: false), 1e-5, "padded LSH");
    }

    [Fact]
    public void Two_bucket_collision_probability_is_one_minus_angle_over_pi()
    {
        double[] angles = [0, 0.5, 1.0, 2.0, 3.0];
        var estimate = LshCollision.Estimate(angles, 2, 16, 20_000, seed: 4);
        for (int i = 0; i < angles.Length; i++)
            Assert.True(Math.Abs(estimate[i] - LshCollision.TwoBuckets(angles[i])) < 0.02, $"angle {angles[i]}: {estimate[i]}");
        // More buckets collide less at every angle above 0.
        var eight = LshCollision.Estimate(angles, 8, 16, 20_000, seed: 4);
        Assert.Equal(1.0, eight[0], 6);
        for (int i = 1; i < angles.Length; i++) Assert.True(eight[i] < estimate[i]);
    }

    [Fact]
    public void Attended_pairs_always_include_the_query_itself_and_match_the_window_size()
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var g = new Generator(13);
        var qk = Random(g, 2, 32, 6);
        var pairs = LshAttention.AttendedPairs(qk, LshAttention.Rotations(6, 8, 1, 2), 8);
        AssertClose(ones(2, 32), pairs.diagonal(0, 1, 2), 0, "self pairs");
        // One round: each query sees its chunk and the previous one, 2m = 16 distinct keys.
        AssertClose(full(2, 32, 16f), pairs.sum(-1), 0, "keys per query");
    }
}
