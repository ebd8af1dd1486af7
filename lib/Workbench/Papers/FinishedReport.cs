using Workbench.Runs;

namespace Workbench.Papers;

/// <summary>
/// A report built from the runs that have finished, while the rest of a plan still computes elsewhere (a cluster, a
/// second notebook): what a notebook's report cells show while a submitted plan runs (issue #18).
/// </summary>
/// <param name="Report">
/// The report of <see cref="ReportedConfig"/>, every run of which is finished; null when not even the smallest
/// configuration the paper allows has all its runs finished.
/// </param>
/// <param name="RequestedConfig">The configuration asked for.</param>
/// <param name="ReportedConfig">
/// The configuration the report shows: the requested one when its plan is finished, else the largest smaller one (fewer
/// seeds, fewer rounds) whose runs are all finished; its figures' captions name the knobs that differ.
/// </param>
/// <param name="Plan">The requested configuration's plan: where each of its runs stands.</param>
public sealed record FinishedReport(ExperimentReport? Report, RunConfig RequestedConfig, RunConfig? ReportedConfig, RunPlan Plan)
{
    /// <summary>True when every run of the requested configuration is finished: the report is the whole one.</summary>
    public bool IsComplete => Plan.IsFinished;

    /// <summary>
    /// One sentence for the notebook: complete, partial (which knobs it shows fewer of) or nothing yet, with the counts of
    /// the plan's runs by status.
    /// </summary>
    public string Summary
    {
        get
        {
            int finished = Plan.Runs.Count(r => r.Status == RunStatus.Finished);
            string counts = $"{finished} of {Plan.Runs.Count} runs finished ({Plan.Summary})";
            if (IsComplete) return $"Every run of {Plan.Experiment} is finished: the full report ({counts}).";
            if (Report is null || ReportedConfig is null)
                return $"No report of {Plan.Experiment} yet: even its smallest configuration still waits for runs; {counts}.";
            var smaller = Configs.Knobs(RequestedConfig.GetType())
                .Select(k => (k.Name, asked: Configs.FormatValue(Configs.Get(RequestedConfig, k.Name)),
                    shown: Configs.FormatValue(Configs.Get(ReportedConfig, k.Name))))
                .Where(k => k.asked != k.shown).Select(k => $"{k.Name}={k.shown} of {k.asked}");
            return $"Partial report of {Plan.Experiment} ({string.Join(", ", smaller)}): {counts}; run this cell again for more.";
        }
    }
}
