using Workbench.Kernels.Attention;
using Workbench.Runs;
using Workbench.Torch;
using static TorchSharp.torch;

namespace Workbench.Papers.Reformer;

/// <summary>
/// The recall meter (on a trained model, the share of full shared-QK attention's probability mass that falls on the
/// pairs LSH attention computes, against buckets and rounds), the collision frequency of the trained query-keys against
/// their angle beside random-rotation hashing's collision probability, and the bucket picture of one sequence.
/// </summary>
public static class ReformerAnalysis
{
    /// <summary>Computes the recall run of a trained model whose weights are in <paramref name="trainDirectory"/>.</summary>
    public static ReformerRecallResult Analyze(ReformerRecallRun recall, ReformerTrainRun train, string trainDirectory, RunContext ctx)
    {
        TorchSetup.Initialize();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var model = ReformerTraining.Load(train, trainDirectory);
        var (inputs, _) = ReformerTraining.TestSet(train);
        inputs = inputs.narrow(0, 0, Math.Min(recall.Sequences, inputs.shape[0]));
        var attention = model.Layers[0].F;
        var x = model.Embed(inputs);
        int heads = train.Heads, length = train.Length;
        var queryKeys = Enumerable.Range(0, heads).Select(h => attention.QueryKeys(x, h)).ToList();

        // Full shared-QK attention probabilities of layer 1 (causal, self-masked), per head: [S, L, L].
        var probabilities = queryKeys.Select(qk =>
        {
            var dots = qk.matmul(AttentionMasks.SharedKeys(qk).transpose(1, 2));
            var pos = AttentionMasks.Positions(length);
            return AttentionMasks.Apply(dots, pos.unsqueeze(1), pos.unsqueeze(0), causal: true, maskSelf: true).softmax(-1);
        }).ToList();

        var grid = new List<RecallCell>();
        foreach (int buckets in recall.RecallBuckets)
            foreach (int rounds in recall.RecallRounds)
            {
                double sum = 0;
                for (int h = 0; h < heads; h++)
                {
                    using var cellScope = NewDisposeScope();
                    long dh = queryKeys[h].shape[2];
                    using var rotations = LshAttention.Rotations(dh, buckets, rounds, Seeds.Derive(buckets * 100 + rounds, $"recall:{h}"));
                    var pairs = LshAttention.AttendedPairs(queryKeys[h], rotations, buckets);
                    sum += probabilities[h].mul(pairs).sum(-1).mean().item<float>();
                }
                grid.Add(new RecallCell(buckets, rounds, sum / heads));
                ctx.Report(grid.Count, recall.RecallBuckets.Length * recall.RecallRounds.Length, "recall meter");
            }

        var collisions = Collisions(queryKeys, train.Buckets, draws: 8);
        double targetAngle = TargetAngle(queryKeys, length);
        var (bucketIds, sortedAttention) = Picture(queryKeys[0].narrow(0, 0, 1), train.Buckets, Math.Max(1, train.TrainRounds));
        return new ReformerRecallResult(grid, collisions, targetAngle, bucketIds, sortedAttention, train.Buckets);
    }

    /// <summary>Observed one-round collision share of all causal pairs per angle bin, beside the Monte Carlo prediction.</summary>
    static List<CollisionBin> Collisions(IReadOnlyList<Tensor> queryKeys, int buckets, int draws)
    {
        const int Bins = 18;
        var same = new double[Bins];
        var count = new int[Bins];
        for (int h = 0; h < queryKeys.Count; h++)
        {
            using var scope = NewDisposeScope();
            var qk = queryKeys[h];
            long length = qk.shape[1];
            var unit = AttentionMasks.SharedKeys(qk);
            var angles = unit.matmul(unit.transpose(1, 2)).clamp(Scalars.Of(-1.0), Scalars.Of(1.0)).acos();
            var collide = zeros_like(angles);
            for (int r = 0; r < draws; r++)
            {
                using var rotations = LshAttention.Rotations(qk.shape[2], buckets, 1, Seeds.Derive(r, $"collision:{h}"));
                var ids = LshAttention.Hash(qk, rotations).select(1, 0);
                collide.add_(ids.unsqueeze(2).eq(ids.unsqueeze(1)).to_type(ScalarType.Float32).div(Scalars.Of((double)draws)), Scalars.One);
            }
            var lower = ones(length, length).tril(-1).to_type(ScalarType.Bool).unsqueeze(0).expand_as(angles);
            var a = angles.masked_select(lower).data<float>().ToArray();
            var c = collide.masked_select(lower).data<float>().ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                int bin = Math.Min(Bins - 1, (int)(a[i] / Math.PI * Bins));
                same[bin] += c[i];
                count[bin]++;
            }
        }
        var centres = Enumerable.Range(0, Bins).Select(b => (b + 0.5) * Math.PI / Bins).ToArray();
        var predicted = LshCollision.Estimate(centres, buckets, (int)queryKeys[0].shape[2], 4_000, seed: 1);
        return [.. Enumerable.Range(0, Bins).Where(b => count[b] > 0)
            .Select(b => new CollisionBin(centres[b], same[b] / count[b], predicted[b], count[b]))];
    }

    /// <summary>Mean angle between a query of the second copy and the key it must attend to (L/2 − 1 positions back).</summary>
    static double TargetAngle(IReadOnlyList<Tensor> queryKeys, int length)
    {
        int offset = length / 2 - 1;
        double sum = 0;
        foreach (var qk in queryKeys)
        {
            using var scope = NewDisposeScope();
            var unit = AttentionMasks.SharedKeys(qk);
            var queries = unit.narrow(1, length / 2 + 1, length - length / 2 - 1);
            var keys = unit.narrow(1, length / 2 + 1 - offset, length - length / 2 - 1);
            sum += queries.mul(keys).sum(-1).clamp(Scalars.Of(-1.0), Scalars.Of(1.0)).acos().mean().item<float>();
        }
        return sum / queryKeys.Count;
    }

    /// <summary>Bucket ids per round (round-local) and round 0's LSH attention in sorted order for one sequence.</summary>
    static (int[][] Buckets, double[][] Sorted) Picture(Tensor qk, int buckets, int rounds)
    {
        using var scope = NewDisposeScope();
        long length = qk.shape[1];
        using var rotations = LshAttention.Rotations(qk.shape[2], buckets, rounds, Seeds.Derive(0, "picture"));
        var ids = LshAttention.Hash(qk, rotations);
        var bucketIds = Enumerable.Range(0, rounds)
            .Select(r => ids[0, r].data<long>().Select(b => (int)(b - r * buckets)).ToArray()).ToArray();
        using var first = rotations.narrow(1, 0, 1).contiguous();
        var pairs = LshAttention.AttendedPairs(qk, first, buckets);
        using var layout = LshAttention.Layout(qk, first, LshAttention.ChunkLength(length, buckets));
        var dots = qk.matmul(AttentionMasks.SharedKeys(qk).transpose(1, 2));
        var pos = AttentionMasks.Positions(length);
        dots = AttentionMasks.Apply(dots, pos.unsqueeze(1), pos.unsqueeze(0), causal: true, maskSelf: true);
        var lsh = dots.masked_fill(pairs.eq(Scalars.Of(0.0)), Scalars.Of(double.NegativeInfinity)).softmax(-1)[0];
        var order = layout.SortedPositions[0];
        var sorted = lsh.index_select(0, order).index_select(1, order).to_type(ScalarType.Float64);
        var values = sorted.data<double>().ToArray();
        return (bucketIds, Enumerable.Range(0, (int)length).Select(i => values.AsSpan(i * (int)length, (int)length).ToArray()).ToArray());
    }
}
