using Workbench.Kernels.Gpu;

namespace Workbench.GpuCheck;

/// <summary>
/// The command line: <c>gpu-check list | all | &lt;family&gt; [options]</c>. <see cref="Run"/> is the whole program
/// (Program.cs only passes the console), so the tests go through exactly the path a user's run takes.
/// </summary>
public static class GpuCheckProgram
{
    /// <summary>Exit code when every case agrees.</summary>
    public const int ExitAgrees = 0;

    /// <summary>Exit code when at least one case disagrees or failed to run.</summary>
    public const int ExitMismatches = 1;

    /// <summary>Exit code for a bad command line or a device that cannot be opened (nothing was checked).</summary>
    public const int ExitUsage = 2;

    static readonly GpuCheckOption[] SharedOptions =
    [
        new("accelerator", Accelerators.AllowedNames.Replace(", ", "|"),
            "The device: auto (default) takes CUDA, else an OpenCL GPU, else ILGPU's CPU accelerator."),
        new("cpu", "", "Same as --accelerator cpu (kept from the first check programs).", GpuCheckValueKind.Flag),
        new("size", "tiny|default", "default: the measured sizes on a GPU, smaller on the CPU accelerator; tiny: seconds."),
    ];

    /// <summary>Parses <paramref name="args"/>, runs the checks, writes all to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            WriteUsage(output);
            return args.Length == 0 ? ExitUsage : ExitAgrees;
        }
        if (args[0] == "list")
        {
            WriteFamilies(output);
            return ExitAgrees;
        }

        IGpuCheckFamily? family = null;
        if (args[0] != "all" && (family = GpuCheckFamilies.Find(args[0])) is null)
        {
            output.WriteLine($"gpu-check: '{args[0]}' is not a command; use list, all or one of "
                + $"{string.Join(", ", GpuCheckFamilies.All.Select(f => f.Name))} (gpu-check help shows the options).");
            return ExitUsage;
        }

        AcceleratorChoice choice;
        GpuCheckSize size;
        Dictionary<string, string> values;
        try
        {
            (choice, size, values) = ParseOptions(args[1..], family);
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"gpu-check: {e.Message}");
            return ExitUsage;
        }

        OwnedAccelerator device;
        try
        {
            device = Accelerators.Open(choice);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            output.WriteLine($"gpu-check: {e.Message}");
            return ExitUsage;
        }
        using (device)
        {
            output.WriteLine($"gpu-check {args[0]}: device {device.Description}; {Environment.ProcessorCount} CPU cores; size "
                + size.ToString().ToLowerInvariant());
            IReadOnlyList<GpuCheckRequest> requests = family is null
                ? [.. GpuCheckFamilies.All.Select(f => new GpuCheckRequest(f, new Dictionary<string, string>()))]
                : [new GpuCheckRequest(family, values)];
            var summary = GpuCheckRunner.Run(requests, device, size, output);
            return summary.Mismatches == 0 ? ExitAgrees : ExitMismatches;
        }
    }

    /// <summary>Shared options anywhere after the command; <paramref name="family"/>'s by name or position (none for all).</summary>
    static (AcceleratorChoice, GpuCheckSize, Dictionary<string, string>) ParseOptions(string[] args, IGpuCheckFamily? family)
    {
        var choice = AcceleratorChoice.Auto;
        var size = GpuCheckSize.Default;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var familyOptions = family?.Options ?? [];
        var positional = new Queue<GpuCheckOption>(familyOptions.Where(option => option.Positional));
        string command = family?.Name ?? "all";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                while (positional.TryPeek(out var given) && values.ContainsKey(given.Name)) positional.Dequeue();
                if (!positional.TryDequeue(out var next))
                    throw new ArgumentException($"'{arg}' is not an option of {command}; {Allowed(familyOptions)}.");
                next.Check(arg);
                values[next.Name] = arg;
                continue;
            }
            string name = arg[2..];
            string? inlineValue = null;
            if (name.IndexOf('=') is int equals and >= 0) (name, inlineValue) = (name[..equals], name[(equals + 1)..]);
            string Value() => inlineValue ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{name} needs a value."));
            switch (name)
            {
                case "cpu": choice = AcceleratorChoice.Cpu; break;
                case "accelerator": choice = Accelerators.Parse(Value()); break;
                case "size":
                    string sizeName = Value();
                    size = Enum.TryParse<GpuCheckSize>(sizeName, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                        ? parsed
                        : throw new ArgumentException($"--size is '{sizeName}'; choose tiny or default.");
                    break;
                default:
                    var option = familyOptions.FirstOrDefault(o => o.Name == name)
                        ?? throw new ArgumentException($"--{name} is not an option of {command}; {Allowed(familyOptions)}.");
                    string value = option.Kind == GpuCheckValueKind.Flag ? "" : Value();
                    option.Check(value);
                    values[option.Name] = value;
                    break;
            }
        }
        return (choice, size, values);
    }

    static string Allowed(IReadOnlyList<GpuCheckOption> familyOptions) =>
        "it takes " + string.Join(", ", familyOptions.Concat(SharedOptions).Select(o => "--" + o.Name))
        + (familyOptions.Count == 0 ? " (all runs every family at its default size)" : "");

    static void WriteUsage(TextWriter output)
    {
        output.WriteLine("gpu-check: checks the workbench's ILGPU kernels against their CPU paths and times both.");
        output.WriteLine("usage: gpu-check list | all | <family> [options]");
        output.WriteLine("shared options:");
        WriteOptions(output, SharedOptions);
        WriteFamilies(output);
        output.WriteLine("output: a correctness table, a speed table, then the last line 'N cases, M mismatches';");
        output.WriteLine("exit code 0 when M = 0, 1 when a case disagrees or fails, 2 for a bad command line or device.");
    }

    static void WriteFamilies(TextWriter output)
    {
        foreach (var family in GpuCheckFamilies.All)
        {
            output.WriteLine($"{family.Name}: {family.Description}");
            WriteOptions(output, family.Options);
        }
    }

    static void WriteOptions(TextWriter output, IEnumerable<GpuCheckOption> options)
    {
        foreach (var option in options)
        {
            // A positional option reads "--keys N | N": the value may also come bare, in the options' order.
            string usage = $"--{option.Name}{(option.Value.Length > 0 ? " " + option.Value : "")}"
                + (option.Positional ? $" | {option.Value}" : "");
            output.WriteLine($"  {usage,-32} {option.Help}");
        }
    }
}
