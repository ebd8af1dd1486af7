namespace Workbench.Runs;

/// <summary>
/// Describes one hyperparameter of a config record: what it means, its unit and its allowed range.
/// The description and range are shown in parameter tables and used in error messages.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KnobAttribute(string description) : Attribute
{
    /// <summary>What the knob controls, in a few words.</summary>
    public string Description { get; } = description;

    /// <summary>Unit of the value ("steps", "%", "keys"); empty when unitless.</summary>
    public string Unit { get; init; } = "";

    /// <summary>Smallest allowed value (numbers only); NaN when unbounded.</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>Largest allowed value (numbers only); NaN when unbounded.</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>True when <see cref="Min"/> itself is not allowed (an open interval, e.g. a rate in (0, 1)).</summary>
    public bool MinExclusive { get; init; }

    /// <summary>True when <see cref="Max"/> itself is not allowed.</summary>
    public bool MaxExclusive { get; init; }

    /// <summary>For strings: the allowed values separated by '|'; empty when any string is allowed.</summary>
    public string Choices { get; init; } = "";

    /// <summary>The range in interval notation, e.g. "(0, 1)" or "[1, 100000]"; empty when unbounded.</summary>
    public string RangeText
    {
        get
        {
            if (Choices.Length > 0) return "one of " + string.Join(", ", Choices.Split('|'));
            if (double.IsNaN(Min) && double.IsNaN(Max)) return "";
            string lo = double.IsNaN(Min) ? "(-inf" : (MinExclusive ? "(" : "[") + Format(Min);
            string hi = double.IsNaN(Max) ? "inf)" : Format(Max) + (MaxExclusive ? ")" : "]");
            return lo + ", " + hi;
        }
    }

    internal bool Allows(double value) =>
        !double.IsNaN(value)
        && (double.IsNaN(Min) || (MinExclusive ? value > Min : value >= Min))
        && (double.IsNaN(Max) || (MaxExclusive ? value < Max : value <= Max));

    private static string Format(double v) => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A bad hyperparameter, preset or knob name; the message is one sentence meant for the user.</summary>
public sealed class ConfigException(string message) : WorkbenchException(message);
