using Workbench.Runs;

namespace Workbench.Papers.FixMatch;

/// <summary>A finished run with what varied between runs.</summary>
/// <param name="Run">The run's config.</param>
/// <param name="Record">Its cached record (result and metrics).</param>
/// <param name="Arm">A short name of what the run tests, e.g. "fixmatch" or "τ = 0.5".</param>
public sealed record FixMatchTrial(FixMatchRun Run, RunRecord<FixMatchResult> Record, string Arm);

/// <summary>
/// FixMatch (Sohn et al., NeurIPS 2020) on Fashion-MNIST and the MNIST digits: FixMatch against supervised-only at each
/// label count over seeds, 100 labels on digits, ablations (τ, soft pseudo-labels, no Cutout, weak/weak, RandAugment
/// apply probability), the pseudo-label audit and the "which labels?" study. Every run is a cached run.
/// </summary>
public sealed class FixMatchExperiment : Experiment<FixMatchConfig>
{
    /// <inheritdoc/>
    protected override FixMatchConfig Smoke => new()
    {
        LabelCounts = [40], DigitLabels = 100, Steps = 60, BatchSize = 16, Mu = 2, EvalEvery = 20, Seeds = 2, AblationSteps = 20,
        AblationThresholds = [0.5, 0.95], SelectionSeeds = 1, TestImages = 200, ValidationImages = 100, AuditImages = 100,
        LastEvaluations = 2, CheckpointEvery = 30, Width = 4, EmaDecay = 0.9,
    };

    /// <inheritdoc/>
    protected override FixMatchConfig Paper => new()
    {
        LabelCounts = [40, 250, 4_000], Steps = 1 << 20, LearningRate = 0.03, BatchSize = 64, Mu = 7, EmaDecay = 0.999,
        Network = NetworkKind.WideResNet, Width = 32,
            EvalEvery = 1 << 14,
        TestImages = 10_000, ValidationImages = 5_000, AuditImages = 2_000, Seeds = 5, AblationSteps = 1 << 16, LastEvaluations = 20,
        CheckpointEvery = 1 << 13,
    };

    /// <summary>Trains (or loads) one run.</summary>
    public FixMatchTrial Trial(FixMatchConfig config, FixMatchRun run, string arm, RunStore store, IProgress<RunProgress>? progress = null,
        CancellationToken cancellation = default) =>
        new(run, store.GetOrCompute(Name, run, ctx => FixMatchTraining.Train(run, ctx, config.CheckpointEvery), progress, cancellation),
            arm);

    /// <inheritdoc/>
    protected override ExperimentReport Execute(FixMatchConfig config, RunStore store, IProgress<RunProgress>? progress,
        CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seeds = Enumerable.Range(config.Seed, config.Seeds).ToList();
        var methods = new[] { TrainingMethod.FixMatch, TrainingMethod.Supervised };

        // The headline: FixMatch and supervised-only at each label count, the split and the init seeded alike.
        var headline = (from labels in config.LabelCounts from method in methods from seed in seeds
                        select (config.TrainingRun(method, FixMatchDataset.FashionMnist, labels, seed), Arms.Of(method))).ToList();
        var digits = config.DigitLabels == 0 ? [] : (from method in methods from seed in seeds
            select (config.TrainingRun(method, FixMatchDataset.MnistDigits, config.DigitLabels, seed), Arms.Of(method))).ToList();

        // Ablations at a shorter budget, one seed: each changes one thing of the base run.
        var ablations = new List<(FixMatchRun, string)>();
        var selection = new List<(FixMatchRun, string)>();
        if (config.AblationSteps > 0)
        {
            var b = config.TrainingRun(TrainingMethod.FixMatch, FixMatchDataset.FashionMnist, config.AblationLabels, config.Seed,
                config.AblationSteps);
            ablations.Add((b, Arms.Base));
            ablations.Add((b with { Method = TrainingMethod.Supervised }, Arms.Supervised));
            foreach (var tau in config.AblationThresholds.Where(t => t != b.Threshold))
                ablations.Add((b with { Threshold = tau }, Arms.Threshold(tau)));
            ablations.Add((b with { PseudoLabels = PseudoLabels.Sharpened }, Arms.Sharpened));
            ablations.Add((b with { Cutout = 0 }, Arms.NoCutout));
            ablations.Add((b with { StrongView = StrongView.Weak }, Arms.WeakWeak));
            ablations.Add((b with { ApplyProbability = b.ApplyProbability == 1 ? 0.5 : 1 }, Arms.OtherProbability(b.ApplyProbability)));

            // "Which labels?": the split varied with the init fixed, the init varied with the split fixed, and two
            // deterministic choices of the same count.
            for (int k = 0; k < config.SelectionSeeds; k++)
            {
                selection.Add((b with { SplitSeed = config.Seed + k }, Arms.SplitVaries));
                selection.Add((b with { Seed = config.Seed + k }, Arms.InitVaries));
            }
            if (config.SelectionSeeds > 0)
            {
                selection.Add((b with { Selection = LabelSelection.Prototypes, SplitSeed = 0 }, Arms.Prototypes));
                selection.Add((b with { Selection = LabelSelection.Atypical, SplitSeed = 0 }, Arms.Atypical));
            }
        }

        // Every run is independent: side by side (ParallelRuns), each computed once even where two lists share it.
        var all = headline.Concat(digits).Concat(ablations).Concat(selection).Select(r => r.Item1)
            .DistinctBy(r => Configs.Canonical(r))
            .OrderByDescending(r => r.Steps * (r.Method == TrainingMethod.FixMatch ? 1 + 2 * r.Mu : 1))
            .ToList();
        var done = ParallelRuns.Map(all, run => Trial(config, run, "", store, progress, cancellation).Record, cancellation)
            .ToDictionary(r => r.Hash);
        store.AllRunsRequested();
        List<FixMatchTrial> Trials(List<(FixMatchRun Run, string Arm)> runs) =>
            [.. runs.Select(r => new FixMatchTrial(r.Run, done[Configs.Hash(Name, r.Run)], r.Arm))];
        var grid = FixMatchSamples.Grid(FixMatchDataset.FashionMnist, config, seed: config.Seed);
        return FixMatchReport.Build(Name, config, Trials(headline), Trials(digits), Trials(ablations), Trials(selection), grid,
            watch.Elapsed);
    }
}

/// <summary>The names of the runs' arms, in one place (tables and figures use them).</summary>
public static class Arms
{
    /// <summary>FixMatch.</summary>
    public const string FixMatch = "FixMatch";

    /// <summary>Supervised-only.</summary>
    public const string Supervised = "supervised only";

    /// <summary>The ablations' base run.</summary>
    public const string Base = "FixMatch (base)";

    /// <summary>Sharpened soft pseudo-labels.</summary>
    public const string Sharpened = "sharpened soft labels";

    /// <summary>No Cutout.</summary>
    public const string NoCutout = "no Cutout";

    /// <summary>Weak/weak consistency.</summary>
    public const string WeakWeak = "weak/weak";

    /// <summary>Split seed varies, init fixed.</summary>
    public const string SplitVaries = "split varies";

    /// <summary>Init seed varies, split fixed.</summary>
    public const string InitVaries = "init varies";

    /// <summary>Prototype labels.</summary>
    public const string Prototypes = "prototypes";

    /// <summary>Atypical labels.</summary>
    public const string Atypical = "atypical";

    /// <summary>The arm of a method.</summary>
    public static string Of(TrainingMethod method) => method == TrainingMethod.FixMatch ? FixMatch : Supervised;

    /// <summary>"τ = 0.5".</summary>
    public static string Threshold(double tau) => FormattableString.Invariant($"τ = {tau}");

    /// <summary>"RandAugment p = 0.5" for the probability other than the base's.</summary>
    public static string OtherProbability(double baseProbability) =>
        FormattableString.Invariant($"RandAugment p = {(baseProbability == 1 ? 0.5 : 1)}");
}
