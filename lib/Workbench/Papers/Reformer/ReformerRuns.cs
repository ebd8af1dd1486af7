using Workbench.Runs;

namespace Workbench.Papers.Reformer;

/// <summary>One training run of the duplication task: only what changes its weights and its evaluation.</summary>
public sealed record ReformerTrainRun : RunConfig
{
    /// <summary>Attention while training.</summary>
    public AttentionKind Attention { get; init; } = AttentionKind.Lsh;

    /// <summary>Hash rounds while training (LSH only; 0 otherwise).</summary>
    public int TrainRounds { get; init; }

    /// <summary>Sequence length.</summary>
    public int Length { get; init; } = 128;

    /// <summary>Vocabulary size.</summary>
    public int Vocabulary { get; init; } = 64;

    /// <summary>d_model.</summary>
    public int ModelDim { get; init; } = 128;

    /// <summary>Heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 256;

    /// <summary>Feed-forward chunks.</summary>
    public int FeedForwardChunks { get; init; } = 4;

    /// <summary>LSH buckets.</summary>
    public int Buckets { get; init; } = 16;

    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Sequences per step.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Dropout.</summary>
    public double Dropout { get; init; }

    /// <summary>Training sequences.</summary>
    public int TrainSequences { get; init; } = 12_800;

    /// <summary>Test sequences.</summary>
    public int TestSequences { get; init; } = 128;

    /// <summary>Hash rounds of the LSH evaluations (full attention is always evaluated).</summary>
    public int[] EvalRounds { get; init; } = [];

    /// <summary>Seed of the data, the initialisation, the rotations and dropout.</summary>
    public int Seed { get; init; }

    /// <summary>Revision of the training code's numbers (raised when they change).</summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/>.</summary>
    public const int CurrentRevision = 1;

    /// <summary>The attention while training.</summary>
    public AttentionMode Mode => new(Attention, Math.Max(1, TrainRounds));
}

/// <summary>Accuracy of a trained model under one attention.</summary>
/// <param name="Attention">"full", "LSH-1", …</param>
/// <param name="Rounds">Hash rounds (0 for full attention).</param>
/// <param name="Accuracy">Share of the second copy of w predicted exactly, in [0, 1].</param>
public sealed record ReformerEvaluation(string Attention, int Rounds, double Accuracy);

/// <summary>Result of a training run.</summary>
/// <param name="FinalLoss">Test cross-entropy under the training attention after training (nats per scored token).</param>
/// <param name="Evaluations">Test accuracy under full attention and each evaluated LSH round count.</param>
/// <param name="TrainSeconds">Wall time of training (a resumed run counts only its last part).</param>
/// <param name="Note">Padding note (null when none).</param>
public sealed record ReformerTrainResult(double FinalLoss, IReadOnlyList<ReformerEvaluation> Evaluations, double TrainSeconds,
    string? Note);

/// <summary>The recall meter and the bucket picture of one trained model (the parent run).</summary>
public sealed record ReformerRecallRun : RunConfig
{
    /// <summary>Hash of the training run.</summary>
    public string Parent { get; init; } = "";

    /// <summary>Bucket counts.</summary>
    public int[] RecallBuckets { get; init; } = [];

    /// <summary>Round counts.</summary>
    public int[] RecallRounds { get; init; } = [];

    /// <summary>Test sequences used.</summary>
    public int Sequences { get; init; } = 32;

    /// <summary>Revision of the analysis code.</summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/>.</summary>
    public const int CurrentRevision = 1;
}

/// <summary>One cell of the recall grid.</summary>
/// <param name="Buckets">b.</param>
/// <param name="Rounds">Hash rounds.</param>
/// <param name="Recall">Share of full attention's probability mass on the pairs LSH computes (mean over sequences and heads).</param>
public sealed record RecallCell(int Buckets, int Rounds, double Recall);

/// <summary>Collision frequency of trained query-key pairs in one angle bin, beside the random-rotation prediction.</summary>
/// <param name="Angle">Bin centre, radians.</param>
/// <param name="Observed">Share of pairs in the bin hashed to the same bucket (one round, the model's bucket count).</param>
/// <param name="Predicted">Monte Carlo collision probability at that angle.</param>
/// <param name="Pairs">Pairs in the bin.</param>
public sealed record CollisionBin(double Angle, double Observed, double Predicted, int Pairs);

/// <summary>Result of the recall run.</summary>
/// <param name="Grid">Recall against buckets and rounds.</param>
/// <param name="Collisions">Observed vs predicted collision probability against angle.</param>
/// <param name="TargetAngle">Mean angle between a query of the second copy and the key it must attend to (radians).</param>
/// <param name="BucketIds">Bucket id per round and position for one sequence (round-local ids, 0 … b − 1).</param>
/// <param name="SortedAttention">Round 0's attention probabilities of that sequence in sorted order, L × L (row = query).</param>
/// <param name="Buckets">The model's bucket count.</param>
public sealed record ReformerRecallResult(IReadOnlyList<RecallCell> Grid, IReadOnlyList<CollisionBin> Collisions, double TargetAngle,
    int[][] BucketIds, double[][] SortedAttention, int Buckets);

/// <summary>The time and peak-memory sweep of full, LSH and chunked attention against L.</summary>
public sealed record ReformerSweepRun : RunConfig
{
    /// <summary>Shortest L.</summary>
    public int MinLength { get; init; } = 64;

    /// <summary>Longest L.</summary>
    public int MaxLength { get; init; } = 65_536;

    /// <summary>Head width.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Chunk length.</summary>
    public int Chunk { get; init; } = 64;

    /// <summary>Time limit per point.</summary>
    public double SecondsLimit { get; init; } = 1;

    /// <summary>Memory budget, MiB: the out-of-memory point is the first length whose measured peak exceeds it.</summary>
    public int MemoryBudget { get; init; } = 2048;

    /// <summary>Revision of the measuring code.</summary>
    public int Revision { get; init; }

    /// <summary>
    /// The current <see cref="Revision"/> (2: the out-of-memory point is the first length whose measured peak exceeds the
    /// budget, run for real; hashing in blocks keeps LSH's memory O(L) at long lengths; 3: calls under 50 ms are timed
    /// as the fastest of up to five; 4: LSH with 4 hash rounds is swept too).
    /// </summary>
    public const int CurrentRevision = 4;
}

/// <summary>One measurement of the sweep.</summary>
/// <param name="Method">"full", "LSH-1", "chunked".</param>
/// <param name="Pass">"forward" (no autograd) or "forward+backward".</param>
/// <param name="Length">L.</param>
/// <param name="Seconds">Wall time (NaN when not run).</param>
/// <param name="PeakMiB">Peak resident memory above the start, MiB (NaN when not run).</param>
/// <param name="Status"><see cref="ReformerMeasurements.Ok"/>, <see cref="ReformerMeasurements.OverBudget"/> (measured, the
/// out-of-memory point), or "not run: …" with the reason (past the out-of-memory point, over the time limit, not enough free
/// memory on this machine).</param>
public sealed record SweepPoint(string Method, string Pass, int Length, double Seconds, double PeakMiB, string Status);

/// <summary>Result of the sweep.</summary>
/// <param name="Points">Every measurement, including the lengths not run and why.</param>
/// <param name="MeasuredAt">UTC time of the measurement (timings depend on the machine and its load).</param>
public sealed record ReformerSweepResult(IReadOnlyList<SweepPoint> Points, DateTime MeasuredAt);

/// <summary>Activation memory of one training step against depth, reversible vs standard.</summary>
public sealed record ReformerDepthRun : RunConfig
{
    /// <summary>Layer counts.</summary>
    public int[] Layers { get; init; } = [];

    /// <summary>Sequence length.</summary>
    public int Length { get; init; } = 2048;

    /// <summary>d_model.</summary>
    public int ModelDim { get; init; } = 128;

    /// <summary>Heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 256;

    /// <summary>Feed-forward chunks.</summary>
    public int FeedForwardChunks { get; init; } = 4;

    /// <summary>LSH buckets.</summary>
    public int Buckets { get; init; } = 64;

    /// <summary>Revision of the measuring code.</summary>
    public int Revision { get; init; }

    /// <summary>The current <see cref="Revision"/> (2: the reversible backward releases each layer's temporaries).</summary>
    public const int CurrentRevision = 2;
}

/// <summary>One depth measurement.</summary>
/// <param name="Layers">Layer count.</param>
/// <param name="Reversible">Reversible (recompute) or standard (autograd stores activations).</param>
/// <param name="PeakMiB">Peak resident memory of one forward + backward above the start, MiB.</param>
/// <param name="Seconds">Wall time of that step.</param>
public sealed record DepthPoint(int Layers, bool Reversible, double PeakMiB, double Seconds);

/// <summary>Result of the depth run.</summary>
/// <param name="Points">Every measurement.</param>
/// <param name="MeasuredAt">UTC time of the measurement.</param>
public sealed record ReformerDepthResult(IReadOnlyList<DepthPoint> Points, DateTime MeasuredAt);
