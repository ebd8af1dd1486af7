using System.Diagnostics;
using Workbench.Papers.MuZero;
using Workbench.Runs;
using Xunit.Abstractions;

namespace Workbench.Tests.Papers.MuZero;

public sealed class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var sets = Environment.GetEnvironmentVariable("PROBE") ?? "";
        var config = Configs.With(new MuZeroConfig(), Configs.SplitAssignments(sets));
        using var tmp = new TempFolder();
        var run = config.TrainRun(config.Seed, trueModel: Environment.GetEnvironmentVariable("PROBE_AZ") == "1");
        if (Environment.GetEnvironmentVariable("PROBE_K") is { Length: > 0 } k) run = run with { UnrollSteps = int.Parse(k) };
        var ctx = new RunContext(tmp.Path, "probe", null, CancellationToken.None, []);
        var clock = Stopwatch.StartNew();
        var metrics = new List<Metric>();
        ctx = new RunContext(tmp.Path, "probe", null, CancellationToken.None, metrics);
        var result = MuZeroTraining.Train(run, ctx);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {result}");
        using var net = MuZeroTraining.Load(run, tmp.Path);
        var audit = ModelAudit.Run(net, 5, 0);
        output.WriteLine($"audit: value mae {audit.ValueMae:0.000} agree {audit.ValueSignAgreement:0.000} policy {audit.PolicyOptimal:0.000}");
        output.WriteLine($"audit k: mae {string.Join(" ", audit.RolloutValueMae.Select(v => v.ToString("0.000")))}");
        output.WriteLine($"audit k: agree {string.Join(" ", audit.RolloutValueAgreement.Select(v => v.ToString("0.000")))}");
        output.WriteLine($"audit k: reward {string.Join(" ", audit.RolloutRewardAccuracy.Select(v => v.ToString("0.000")))}");
        output.WriteLine($"audit k: policy {string.Join(" ", audit.RolloutPolicyOptimal.Select(v => v.ToString("0.000")))}");
        foreach (var tm in new[] { false, true })
            foreach (var kind in new[] { Workbench.Kernels.Mcts.SearchKind.Gumbel, Workbench.Kernels.Mcts.SearchKind.Puct })
                foreach (int sims in new[] { 1, 2, 8, 32 })
                {
                    var sc = Arena.Play(new Planner(net, tm), Opponent.Random, 300, run.EvalOptions(kind, sims), new Random(1));
                    var sr = Arena.Play(new Planner(net, tm), Opponent.RuleBot, 300, run.EvalOptions(kind, sims), new Random(1));
                    output.WriteLine($"true={tm} {kind} {sims}: random {sc.NonLoss:0.000} rule {sr.NonLoss:0.000}");
                }
        foreach (var m in metrics.Where(m => m.Name.Contains("loss") || m.Name.StartsWith("draw_minimax") || m.Name.StartsWith("loss_")))
            output.WriteLine($"{m.Step} {m.Name} {m.Value:0.000}");
    }
}
