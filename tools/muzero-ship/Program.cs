// Ships the MuZero tic-tac-toe checkpoint: trains the paper preset's main run at its first seed with our own code (or
// takes it from the run cache, runs/ or $WORKBENCH_RUNS), then copies its network to datasets/muzero/ with a sidecar
// giving the configuration, run hash, commit, date and how it was made. Usage, from the repository root:
//   dotnet run --project tools/muzero-ship -c Release [-- <output folder>]
using Workbench.Papers.MuZero;
using Workbench.Runs;

var experiment = new MuZeroExperiment();
var run = ShippedCheckpoint.Run(experiment);
string directory = args.Length > 0 ? args[0] : ShippedCheckpoint.DefaultDirectory;
Console.WriteLine($"training (or loading) run {Configs.Hash(experiment.Name, run)} of the paper preset, seed {run.Seed}");
var progress = new Progress<RunProgress>(p =>
{
    if (p.Done % 25 == 0) Console.WriteLine($"{p.Task} {p.Done}/{p.Total} {p.Detail}");
});
var record = experiment.TrainOne(run, RunStore.Default, progress);
var info = ShippedCheckpoint.Write(experiment, run, record, directory,
    "dotnet run --project tools/muzero-ship -c Release: the paper preset's main MuZero run (tic-tac-toe, first seed) trained "
    + "from scratch by MuZeroTraining on the CPU, its final network copied here");
Console.WriteLine($"wrote {Path.Combine(directory, ShippedCheckpoint.ModelFile)}: non-loss vs random {info.NonLossRandom:P1}, "
    + $"vs rule bot {info.NonLossRuleBot:P1}, draws vs minimax {info.DrawMinimax:P1}, trained in {info.TrainSeconds:0} s");
