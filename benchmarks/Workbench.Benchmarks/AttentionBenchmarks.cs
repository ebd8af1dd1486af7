using BenchmarkDotNet.Attributes;
using Workbench.Kernels.Attention;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Benchmarks;

/// <summary>
/// Reformer's attentions on one causal sequence, one head, d = 64, forward without autograd: full shared-QK attention
/// (the baseline: the L × L score matrix), exact chunked attention (online softmax, blocks of 64) and LSH attention with
/// one and four hash rounds (chunk length 64, buckets 2L/64). Ratios are to full attention at the same L in the same
/// run. Peak memory of native tensors is not visible to BenchmarkDotNet's managed-memory diagnoser: the notebook's
/// sweep measures it (resident high-water mark) and benchmarks/README.md quotes both.
/// </summary>
public class AttentionBenchmarks
{
    Tensor? _qk, _v, _keys, _rotations1, _rotations4;
    int _buckets;

    /// <summary>Sequence length.</summary>
    [Params(512, 2_048, 4_096)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        using var g = new Generator(1);
        _qk = randn([1, Length, 64], ScalarType.Float32, generator: g);
        _v = randn([1, Length, 64], ScalarType.Float32, generator: g);
        _keys = AttentionMasks.SharedKeys(_qk);
        _buckets = 2 * Length / 64;
        _rotations1 = LshAttention.Rotations(64, _buckets, 1, 3);
        _rotations4 = LshAttention.Rotations(64, _buckets, 4, 3);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _qk, _v, _keys, _rotations1, _rotations4 }) t?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "full shared-QK attention")]
    public float Full() => Run(() => FullAttention.SharedQk(_qk!, _v!, causal: true));

    [Benchmark(Description = "exact chunked attention (online softmax, blocks of 64)")]
    public float Chunked() => Run(() => ChunkedAttention.Forward(_qk!, _keys!, _v!, causal: true, maskSelf: true, 64));

    [Benchmark(Description = "LSH attention, 1 round")]
    public float Lsh1() => Run(() => LshAttention.Forward(_qk!, _v!, _rotations1!, _buckets, causal: true));

    [Benchmark(Description = "LSH attention, 4 rounds")]
    public float Lsh4() => Run(() => LshAttention.Forward(_qk!, _v!, _rotations4!, _buckets, causal: true));

    static float Run(Func<Tensor> attention)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return attention()[0, 0, 0].item<float>();
    }
}
