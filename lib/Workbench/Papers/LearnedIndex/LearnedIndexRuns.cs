using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>The main sweeps on the main key set: every index family's size vs lookup time, and the last-mile ablation.</summary>
public sealed record MainRun : RunConfig
{
    /// <summary>Key set specification.</summary>
    public string Keys { get; init; } = "lognormal";

    /// <summary>Keys drawn (generators) or read (files).</summary>
    public int KeyCount { get; init; } = 10_000_000;

    /// <summary>Root model of the last-mile ablation.</summary>
    public string Root { get; init; } = "log-linear";

    /// <summary>Leaves of the last-mile ablation's RMI.</summary>
    public int Leaves { get; init; } = 4096;

    /// <summary>Last-mile search of the sweeps' RMIs.</summary>
    public string Search { get; init; } = "binary";

    /// <summary>RMI leaf counts swept.</summary>
    public int[] Branching { get; init; } = [64, 256, 1024, 4096, 16384, 65536, 262144];

    /// <summary>RMI root models swept.</summary>
    public string[] Roots { get; init; } = ["linear", "log-linear", "cubic", "mlp"];

    /// <summary>B+tree page sizes swept.</summary>
    public int[] PageSizes { get; init; } = [16, 32, 64, 128, 256, 1024, 4096];

    /// <summary>PGM error bounds swept.</summary>
    public int[] Epsilons { get; init; } = [16, 64, 256, 1024];

    /// <summary>Lookups timed per index.</summary>
    public int Probes { get; init; } = 1_000_000;

    /// <summary>Hidden units of the MLP root.</summary>
    public int MlpHidden { get; init; } = 16;

    /// <summary>Adam steps of the MLP root.</summary>
    public int MlpSteps { get; init; } = 300;

    /// <summary>Seed of keys, probes and the MLP root.</summary>
    public int Seed { get; init; }
}

/// <summary>One comparison key set: its CDF and the RMI's fit, the root-model ablation and the learned hash.</summary>
public sealed record KeySetRun : RunConfig
{
    /// <summary>Key set specification.</summary>
    public string Keys { get; init; } = "lognormal";

    /// <summary>Keys drawn or read.</summary>
    public int KeyCount { get; init; } = 1_000_000;

    /// <summary>Root model of the RMI whose fit is drawn.</summary>
    public string Root { get; init; } = "log-linear";

    /// <summary>RMI leaves.</summary>
    public int Leaves { get; init; } = 4096;

    /// <summary>Root models compared.</summary>
    public string[] Roots { get; init; } = ["linear", "log-linear", "cubic", "mlp"];

    /// <summary>Lookups timed per index.</summary>
    public int Probes { get; init; } = 1_000_000;

    /// <summary>Hidden units of the MLP root.</summary>
    public int MlpHidden { get; init; } = 16;

    /// <summary>Adam steps of the MLP root.</summary>
    public int MlpSteps { get; init; } = 300;

    /// <summary>Learned-hash slots per key.</summary>
    public double HashSlotsPerKey { get; init; } = 1.0;

    /// <summary>Learned-hash leaves (0 = one per 16 keys).</summary>
    public int HashLeaves { get; init; }

    /// <summary>Seed of keys, probes, the MLP root and the random hash.</summary>
    public int Seed { get; init; }
}

/// <summary>The learned Bloom filter against a plain one on generated URL strings.</summary>
public sealed record BloomRun : RunConfig
{
    /// <summary>Keys (suspicious URLs) and non-keys per split.</summary>
    public int BloomKeys { get; init; } = 50_000;

    /// <summary>Memory budgets, in bits per key.</summary>
    public double[] BloomBitsPerKey { get; init; } = [2, 3, 4, 6, 8, 10, 12];

    /// <summary>Hashed n-gram features of the classifier.</summary>
    public int BloomFeatures { get; init; } = 2048;

    /// <summary>Seed of the strings and the classifier.</summary>
    public int Seed { get; init; }
}
