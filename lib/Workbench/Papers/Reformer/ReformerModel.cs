using TorchSharp;
using Workbench.Kernels.Attention;
using Workbench.Torch;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using TorchSharp.Modules;

namespace Workbench.Papers.Reformer;

/// <summary>The attention of a Reformer layer.</summary>
public enum AttentionKind
{
    /// <summary>Full attention over shared query-keys (keys = normalised queries, self-mask): LSH attention's exact target.</summary>
    SharedQkFull,
    /// <summary>LSH attention over shared query-keys.</summary>
    Lsh,
    /// <summary>Standard full attention with separate query and key projections (the shared-QK ablation).</summary>
    SeparateQkFull,
}

/// <summary>The attention a model runs now: its kind and, for LSH, the hash rounds.</summary>
/// <param name="Kind">Full shared-QK, LSH or separate-QK full attention.</param>
/// <param name="Rounds">Hash rounds (LSH only).</param>
public readonly record struct AttentionMode(AttentionKind Kind, int Rounds = 1)
{
    /// <summary>"full", "LSH-4", "full (separate QK)".</summary>
    public override string ToString() => Kind switch
    {
        AttentionKind.Lsh => $"LSH-{Rounds}",
        AttentionKind.SeparateQkFull => "full (separate QK)",
        _ => "full",
    };
}

/// <summary>Dropout whose mask is drawn from a given seed, so a recomputation (reversible backward) draws the same mask.</summary>
public static class SeededDropout
{
    /// <summary>
    /// x · mask / (1 − p) with mask ~ Bernoulli(1 − p) from <paramref name="seed"/>; x itself when p = 0 or not training.
    /// </summary>
    public static Tensor Apply(Tensor x, double p, long seed, bool training)
    {
        if (!training || p <= 0) return x;
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        // Drawn on the CPU (the generator's device) and moved: the same mask from a seed on every device.
        var keep = rand(x.shape, x.dtype, generator: generator).ge(Scalars.Of(p)).to_type(x.dtype);
        if (x.device_type != DeviceType.CPU) keep = keep.to(x.device);
        return x.mul(keep).mul(Scalars.Of(1 / (1 - p))).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The attention branch F of a reversible layer: layer norm, shared query-key (or separate) and value projections per
/// head, full / LSH attention (kernels in <c>Workbench.Kernels.Attention</c>), output projection, seeded dropout. The
/// seed of a call fixes both the random rotations and the dropout mask.
/// </summary>
public sealed class AttentionBranch : Module
{
    private readonly LayerNorm norm;
    private readonly Linear qk;
    private readonly Linear? key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly int heads;
    private readonly int buckets;
    private readonly double dropout;

    /// <summary>Creates the branch (weights from torch's global generator: build under <see cref="TorchRandom"/>).</summary>
    public AttentionBranch(int dimension, int heads, int buckets, double dropout, bool separateKeys) : base(nameof(AttentionBranch))
    {
        this.heads = heads;
        this.buckets = buckets;
        this.dropout = dropout;
        norm = LayerNorm(dimension);
        qk = Linear(dimension, dimension, hasBias: false);
        key = separateKeys ? Linear(dimension, dimension, hasBias: false) : null;
        value = Linear(dimension, dimension, hasBias: false);
        output = Linear(dimension, dimension);
        RegisterComponents();
    }

    /// <summary>F(x) for x [B, L, d] with attention <paramref name="mode"/> and the call's <paramref name="seed"/>.</summary>
    public Tensor Apply(Tensor x, AttentionMode mode, long seed)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], length = x.shape[1], d = x.shape[2], dh = d / heads;
        Tensor Split(Tensor t) => t.reshape(b, length, heads, dh).permute(0, 2, 1, 3).reshape(b * heads, length, dh);
        var h = norm.forward(x);
        var queryKeys = Split(qk.forward(h));
        var values = Split(value.forward(h));
        Tensor attended;
        if (key is not null)
            attended = FullAttention.Standard(queryKeys, Split(key.forward(h)), values, causal: true);
        else if (mode.Kind == AttentionKind.Lsh)
        {
            using var rotations = LshAttention.Rotations(dh, buckets, mode.Rounds, seed, x.device);
            attended = LshAttention.Forward(queryKeys, values, rotations, buckets, causal: true);
        }
        else
            attended = FullAttention.SharedQk(queryKeys, values, causal: true);
        var merged = attended.reshape(b, heads, length, dh).permute(0, 2, 1, 3).reshape(b, length, d);
        return SeededDropout.Apply(output.forward(merged), dropout, seed ^ 0x5DEECE66DL, training).MoveToOuterDisposeScope();
    }

    /// <summary>The shared query-keys of one head, [B, L, d/heads], for pictures and the recall meter.</summary>
    public Tensor QueryKeys(Tensor x, int head)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], length = x.shape[1], d = x.shape[2], dh = d / heads;
        var all = qk.forward(norm.forward(x)).reshape(b, length, heads, dh);
        return all.select(2, head).contiguous().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The feed-forward branch G of a reversible layer, applied in chunks along the sequence (Reformer Sec. 3, "chunking"):
/// it is position-wise, so each chunk is computed (and, in the reversible backward pass, recomputed) on its own and the
/// d_ff-wide hidden activations of only one chunk exist at a time.
/// </summary>
public sealed class FeedForwardBranch : Module
{
    private readonly LayerNorm norm;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly double dropout;

    /// <summary>Number of chunks along the sequence.</summary>
    public int Chunks { get; }

    /// <summary>Creates the branch.</summary>
    public FeedForwardBranch(int dimension, int feedForward, int chunks, double dropout) : base(nameof(FeedForwardBranch))
    {
        Chunks = chunks;
        this.dropout = dropout;
        norm = LayerNorm(dimension);
        hidden = Linear(dimension, feedForward);
        output = Linear(feedForward, dimension);
        RegisterComponents();
    }

    /// <summary>The chunk boundaries [start, length) along a sequence of <paramref name="length"/>.</summary>
    public IEnumerable<(long Start, long Length)> ChunkRanges(long length)
    {
        long size = (length + Chunks - 1) / Chunks;
        for (long start = 0; start < length; start += size) yield return (start, Math.Min(size, length - start));
    }

    /// <summary>G of one chunk (dropout seeded by the call's seed and the chunk's start).</summary>
    public Tensor ApplyChunk(Tensor chunk, long seed, long start)
    {
        using var scope = NewDisposeScope();
        var y = output.forward(nn.functional.gelu(hidden.forward(norm.forward(chunk))));
        return SeededDropout.Apply(y, dropout, seed * 31 + start, training).MoveToOuterDisposeScope();
    }

    /// <summary>G(x) for x [B, L, d], chunk by chunk.</summary>
    public Tensor Apply(Tensor x, long seed)
    {
        using var scope = NewDisposeScope();
        var parts = ChunkRanges(x.shape[1]).Select(c => ApplyChunk(x.narrow(1, c.Start, c.Length), seed, c.Start)).ToList();
        return (parts.Count == 1 ? parts[0] : cat(parts, 1)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A small Reformer language model: token and learned position embeddings, <c>layers</c> reversible layers
/// y₁ = x₁ + F(x₂), y₂ = x₂ + G(y₁) (F attention, G chunked feed-forward; both streams start as the embedding), the
/// mean of the two streams, layer norm and a linear read-out to the vocabulary. With <see cref="Reversible"/> on, the
/// layers run through <see cref="ReversibleSequence"/>: no activation is stored inside the stack, the backward pass
/// recomputes them; off, plain autograd stores them (the same function, the same gradients).
/// </summary>
public sealed class ReformerLM : Module<Tensor, Tensor>
{
    private readonly Embedding tokens;
    private readonly Embedding positions;
    private readonly ModuleList<AttentionBranch> attention;
    private readonly ModuleList<FeedForwardBranch> feedForward;
    private readonly LayerNorm norm;
    private readonly Linear readout;
    private readonly Tensor calls;
    private readonly long seed;

    /// <summary>Creates the model; build it under <see cref="TorchRandom.Build{T}"/>.</summary>
    /// <param name="vocabulary">Token ids 0 … vocabulary − 1.</param>
    /// <param name="maxLength">Longest sequence (size of the position table).</param>
    /// <param name="dimension">d_model (divisible by <paramref name="heads"/>).</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="layers">Reversible layers.</param>
    /// <param name="feedForward">Hidden width of the feed-forward branch.</param>
    /// <param name="chunks">Feed-forward chunks along the sequence.</param>
    /// <param name="buckets">LSH buckets (even).</param>
    /// <param name="dropout">Dropout on each branch's output.</param>
    /// <param name="mode">Attention used while training (and until changed).</param>
    /// <param name="seed">Seed of the per-call rotations and dropout masks.</param>
    public ReformerLM(int vocabulary, int maxLength, int dimension, int heads, int layers, int feedForward, int chunks, int buckets,
        double dropout, AttentionMode mode, long seed) : base(nameof(ReformerLM))
    {
        MaxLength = maxLength;
        Mode = mode;
        this.seed = seed;
        tokens = Embedding(vocabulary, dimension);
        positions = Embedding(maxLength, dimension);
        attention = new ModuleList<AttentionBranch>(Enumerable.Range(0, layers)
            .Select(_ => new AttentionBranch(dimension, heads, buckets, dropout, mode.Kind == AttentionKind.SeparateQkFull)).ToArray());
        this.feedForward = new ModuleList<FeedForwardBranch>(Enumerable.Range(0, layers)
            .Select(_ => new FeedForwardBranch(dimension, feedForward, chunks, dropout)).ToArray());
        norm = LayerNorm(dimension);
        readout = Linear(dimension, vocabulary);
        calls = zeros(1, ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>The longest sequence the position table covers.</summary>
    public int MaxLength { get; }

    /// <summary>The attention used by the next forward pass (change it to evaluate with other rounds).</summary>
    public AttentionMode Mode { get; set; }

    /// <summary>Run the layers reversibly (recompute in backward) or with plain autograd.</summary>
    public bool Reversible { get; set; } = true;

    /// <summary>Seed of the rotations and dropout of the next forward pass in evaluation mode.</summary>
    public long EvaluationSeed { get; set; }

    /// <summary>The layers as (F, G) pairs.</summary>
    public IReadOnlyList<(AttentionBranch F, FeedForwardBranch G)> Layers => attention.Zip(this.feedForward).ToList();

    /// <summary>
    /// Logits [B, L, vocabulary] on the model's device for token ids [B, L] (L ≤ <see cref="MaxLength"/>) on any device
    /// (moved to the model's).
    /// </summary>
    /// <exception cref="ArgumentException">The sequence is longer than the position table.</exception>
    public override Tensor forward(Tensor input)
    {
        long length = input.shape[1];
        if (length > MaxLength)
            throw new ArgumentException(
                $"The sequence has {length} tokens but the model's maximum length is {MaxLength} (the knob length): " +
                    "shorten it or train with a larger length.");
        using var scope = NewDisposeScope();
        var device = tokens.weight!.device;
        if (input.device_type != device.type || input.device_index != device.index) input = input.to(device);
        long callSeed = EvaluationSeed;
        if (training)
        {
            callSeed = calls.cpu().item<long>();
            using var noGrad = no_grad();
            calls.add_(Scalars.One, Scalars.One);
        }
        var seeds = Enumerable.Range(0, attention.Count).Select(l => MixSeed(seed, callSeed, l)).ToArray();
        var x = Embed(input);
        var (y1, y2) = Reversible
            ? ReversibleSequence.Apply(x, x, Layers, Mode, seeds)
            : ReversibleSequence.Plain(x, x, Layers, Mode, seeds);
        var h = norm.forward(y1.add(y2, Scalars.One).mul(Scalars.Of(0.5)));
        return readout.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>Token plus position embedding, [B, L, d].</summary>
    public Tensor Embed(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pos = AttentionMasks.Positions(input.shape[1], input.device);
        return tokens.forward(input).add(positions.forward(pos).unsqueeze(0), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>A seed per (model seed, call, layer), spread by a 64-bit mix so nearby calls get unrelated draws.</summary>
    public static long MixSeed(long seed, long call, int layer)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)call * 0xBF58476D1CE4E5B9UL ^ (ulong)(layer + 1) * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFUL);
    }
}
