using System.Reflection;
using Spectre.Console.Cli;
using Workbench.Papers;
using Workbench.Runs;

namespace Workbench.Cli;

/// <summary>
/// Rejects what a command does not understand before it runs. Spectre.Console.Cli parses non-strictly and hands
/// unknown options (with their values) to <see cref="CommandContext.Remaining"/>; this interceptor turns the first
/// one into a <see cref="ConfigException"/> (exit code 2) whose one sentence names the closest valid form.
/// </summary>
public sealed class RejectUnknownArguments : ICommandInterceptor
{
    /// <inheritdoc/>
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        foreach (var option in context.Remaining.Parsed)
            throw new ConfigException(UnknownArguments.UnknownOption(context.Name, settings, option.Key, option.LastOrDefault()));
        if (context.Remaining.Raw.Count > 0)
            throw new ConfigException(UnknownArguments.StrayArgument(context.Name, settings, context.Remaining.Raw[0]));
    }
}

/// <summary>The sentences for unknown options and stray arguments, with the closest valid form.</summary>
public static class UnknownArguments
{
    /// <summary>
    /// "unknown option --seeds 5; did you mean --set seeds=5?" when the name is (close to) a knob of the paper,
    /// else the closest option of the command by edit distance, else the options the command takes.
    /// </summary>
    public static string UnknownOption(string command, CommandSettings settings, string option, string? value)
    {
        string name = option.TrimStart('-');
        string shown = (option.StartsWith('-') ? option : (name.Length == 1 ? "-" : "--") + name) + (value is null ? "" : " " + value);
        var options = Options(settings.GetType());
        string knobName = name.Replace('-', '_').ToLowerInvariant();
        var knobs = KnobsOf(settings);
        var (closestKnob, knobDistance) = Closest(knobName, knobs);
        var (closestOption, optionDistance) = Closest(name, options.Where(o => o.Length > 1));
        if (closestKnob is not null && knobDistance <= Tolerance(knobName) && knobDistance <= optionDistance)
            return $"unknown option {shown}; did you mean --set {closestKnob}={value ?? "<value>"}?";
        if (closestOption is not null && optionDistance <= Tolerance(name))
            return $"unknown option {shown}; did you mean --{closestOption}{(value is null ? "" : " " + value)}?";
        return $"unknown option {shown}; `workbench {command}` takes {Describe(options)}" +
            (knobs.Count > 0 ? " (knobs go through --set name=value, see `workbench list <paper>`)." : ".");
    }

    /// <summary>"unexpected argument 'x'; `workbench run` takes &lt;paper&gt; and the options --preset, --set, --runs."</summary>
    public static string StrayArgument(string command, CommandSettings settings, string argument) =>
        $"unexpected argument '{argument}'; `workbench {command}` takes {Arguments(settings.GetType())}" +
        $"{(Options(settings.GetType()).Count > 0 ? " and the options " + Describe(Options(settings.GetType())) : "")}.";

    /// <summary>
    /// The message for a parse error Spectre raises itself (a stray argument it could not match, a missing value):
    /// a stray argument gets the same sentence as from the interceptor; anything else keeps Spectre's own sentence.
    /// </summary>
    public static string Explain(CommandAppException error, IReadOnlyList<string> args)
    {
        const string prefix = "Could not match '";
        if (error.Message.StartsWith(prefix, StringComparison.Ordinal) && args.Count > 0)
        {
            string argument = error.Message[prefix.Length..].Split('\'')[0];
            var (command, settings) = args[0] switch
            {
                "list" => ("list", (Type?)typeof(ListSettings)),
                "run" => ("run", typeof(ExperimentSettings)),
                "figures" => ("figures", typeof(ExperimentSettings)),
                "notebook" => ("notebook run", typeof(NotebookRunSettings)),
                _ => ("", null),
            };
            if (settings is not null)
                return $"unexpected argument '{argument}'; `workbench {command}` takes {Arguments(settings)}" +
                    $"{(Options(settings).Count > 0 ? " and the options " + Describe(Options(settings)) : "")}.";
        }
        return error.Message;
    }

    // Knob names of the paper the command is about: the run/figures paper, or the paper whose notebook is run.
    static IReadOnlyList<string> KnobsOf(CommandSettings settings)
    {
        Catalogue.Entry? entry = settings switch
        {
            ExperimentSettings e => Catalogue.Entries.FirstOrDefault(c => c.Slug == e.Paper),
            NotebookRunSettings n => Catalogue.Entries.FirstOrDefault(c => n.Notebooks.Any(p => Path.GetFileName(p) == c.Notebook)),
            _ => null,
        };
        return entry?.Experiment is { } experiment ? [.. Configs.Knobs(experiment.ConfigType).Select(k => k.Name)] : [];
    }

    static List<string> Options(Type settings) =>
    [
        .. settings.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).OfType<CommandOptionAttribute>()
            .SelectMany(o => o.LongNames),
    ];

    static string Arguments(Type settings)
    {
        var arguments = settings.GetProperties().Select(p => p.GetCustomAttribute<CommandArgumentAttribute>())
            .OfType<CommandArgumentAttribute>().OrderBy(a => a.Position)
            .Select(a => a.IsRequired ? $"<{a.ValueName}>" : $"[{a.ValueName}]").ToList();
        return arguments.Count == 0 ? "no arguments" : string.Join(" ", arguments);
    }

    static string Describe(IReadOnlyList<string> options) =>
        options.Count == 0 ? "no options" : string.Join(", ", options.Select(o => "--" + o));

    // Close enough to be a typo: about one edit in three characters, at least one.
    static int Tolerance(string name) => Math.Max(1, name.Length / 3);

    static (string? Closest, int Distance) Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // A shortened or lengthened name (--output for --out, --pre for --preset) counts as one edit away.
            bool prefix = Math.Min(name.Length, candidate.Length) >= 3
                && (name.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)
                    || candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase));
            int d = EditDistance(name, candidate);
            if (prefix) d = Math.Min(d, 1);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return (best, bestDistance);
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions), case-insensitive.</summary>
    internal static int EditDistance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
