using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Runs;
using TorchSharp;
using Workbench.Torch;

namespace Workbench.Papers.MuZero;

/// <summary>
/// The tic-tac-toe network shipped with the repository (<c>datasets/muzero/</c>): trained by our own code with the paper
/// preset's main run at its first seed (<c>dotnet run --project tools/muzero-ship -c Release</c>), with a JSON sidecar
/// giving the run's configuration, run hash, commit, date and how it was made. It is flagged stale when the hash the
/// current code gives that run differs from the recorded one (a knob, a default or the training revision changed).
/// </summary>
public static class ShippedCheckpoint
{
    /// <summary>The network's file name.</summary>
    public const string ModelFile = "tictactoe-paper.bin";

    /// <summary>The sidecar's file name.</summary>
    public const string SidecarFile = "tictactoe-paper.json";

    /// <summary>The folder the checkpoint is shipped in: <c>datasets/muzero</c> at the repository root.</summary>
    public static string DefaultDirectory => Path.Combine(Repository.Root ?? Environment.CurrentDirectory, "datasets", "muzero");

    /// <summary>The training run the checkpoint comes from: the paper preset's main run at its first seed.</summary>
    public static MuZeroTrainRun Run(MuZeroExperiment experiment)
    {
        var config = experiment.Preset("paper");
        return config.TrainRun(config.Seed);
    }

    /// <summary>The hash the current code gives <see cref="Run"/>.</summary>
    public static string ExpectedHash(MuZeroExperiment experiment) => Configs.Hash(experiment.Name, Run(experiment));

    /// <summary>What the sidecar records.</summary>
    /// <param name="Experiment">The experiment ("muzero").</param>
    /// <param name="Preset">The preset the run comes from.</param>
    /// <param name="RunHash">The run's hash when it was trained.</param>
    /// <param name="Commit">The commit of the code that trained it.</param>
    /// <param name="Date">When it was written (UTC, ISO 8601).</param>
    /// <param name="HowMade">How to make it again.</param>
    /// <param name="Config">The run's knobs (snake_case names).</param>
    /// <param name="NonLossRandom">Final non-loss rate against the random player.</param>
    /// <param name="NonLossRuleBot">Final non-loss rate against the rule bot.</param>
    /// <param name="DrawMinimax">Final draw rate against perfect play.</param>
    /// <param name="TrainSeconds">Training wall time.</param>
    public sealed record Info(string Experiment, string Preset, string RunHash, string Commit, string Date, string HowMade,
        JsonObject Config, double NonLossRandom, double NonLossRuleBot, double DrawMinimax, double TrainSeconds);

    /// <summary>A loaded checkpoint: the network (dispose it), its sidecar, and whether it is stale.</summary>
    /// <param name="Network">The network, in evaluation mode.</param>
    /// <param name="Sidecar">The sidecar.</param>
    /// <param name="Stale">True when the current code gives the run another hash than the sidecar records.</param>
    public sealed record Loaded(MuZeroNetwork Network, Info Sidecar, bool Stale) : IDisposable
    {
        /// <summary>One line for the play cell: where the network comes from, and the stale warning if any.</summary>
        public string Describe() => $"shipped checkpoint: {Sidecar.Preset} preset, run {Sidecar.RunHash}, commit {Sidecar.Commit}, "
            + $"{Sidecar.Date}; final non-loss vs random {Sidecar.NonLossRandom:P1}, vs rule bot {Sidecar.NonLossRuleBot:P1}"
            + (Stale ? "\nSTALE: the code now gives this run another hash (its training changed); ship it again with "
                + "`dotnet run --project tools/muzero-ship -c Release`." : "");

        /// <inheritdoc/>
        public void Dispose() => Network.Dispose();
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Copies a finished run's network into <paramref name="directory"/> and writes its sidecar.</summary>
    public static Info Write(MuZeroExperiment experiment, MuZeroTrainRun run, RunRecord<MuZeroTrainResult> record, string directory,
        string howMade)
    {
        // The commit is read before the copy: the new network file itself would otherwise mark the tree "+dirty".
        string commit = Repository.Commit;
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(record.Directory, MuZeroTraining.ModelFile), Path.Combine(directory, ModelFile), overwrite: true);
        var r = record.Result;
        var info = new Info(experiment.Name, "paper", record.Hash, commit,
            DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), howMade,
            JsonNode.Parse(Configs.ToJson(run))!.AsObject(), r.Random.NonLoss, r.RuleBot.NonLoss, r.Minimax.DrawRate, r.TrainSeconds);
        File.WriteAllText(Path.Combine(directory, SidecarFile), JsonSerializer.Serialize(info, Json) + "\n");
        return info;
    }

    /// <summary>Reads a sidecar.</summary>
    /// <exception cref="ConfigException">The file is not a sidecar (one sentence).</exception>
    public static Info ReadSidecar(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Info>(File.ReadAllText(path), Json)
                ?? throw new ConfigException($"{path} is empty: expected the sidecar of a shipped MuZero checkpoint.");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path} is not a shipped-checkpoint sidecar ({e.Message}).");
        }
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/> (the network's shape from the sidecar's configuration), or
    /// returns null when none is shipped there.
    /// </summary>
    public static Loaded? TryLoad(MuZeroExperiment experiment, string? directory = null)
    {
        directory ??= DefaultDirectory;
        string model = Path.Combine(directory, ModelFile), sidecar = Path.Combine(directory, SidecarFile);
        if (!File.Exists(model) || !File.Exists(sidecar)) return null;
        TorchSetup.Initialize();
        var info = ReadSidecar(sidecar);
        int Knob(string name) => info.Config[name]?.GetValue<int>() ?? 0;
        var net = TorchRandom.Build(0, "init", () => new MuZeroNetwork(TicTacToe.ObservationSize, TicTacToe.Cells, Knob("hidden_size"),
            Knob("width"), Knob("reward_width"))).to(TorchSetup.Device);
        net.load(model);
        net.eval();
        return new Loaded(net, info, info.RunHash != ExpectedHash(experiment));
    }
}
