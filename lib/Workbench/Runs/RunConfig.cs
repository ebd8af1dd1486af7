using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Runs;

/// <summary>
/// Base of every experiment's config record. A config is a small immutable record whose parameterless
/// constructor gives the defaults (the reading-group preset); <see cref="Validate"/> adds checks that span knobs.
/// </summary>
public abstract record RunConfig
{
    /// <summary>Checks that involve more than one knob; throw <see cref="ConfigException"/> with one sentence.</summary>
    public virtual void Validate() { }
}

/// <summary>One knob of a config type, as shown in a parameter table.</summary>
/// <param name="Name">Name used by <c>--set name=value</c> (snake_case).</param>
/// <param name="Property">The C# property name.</param>
/// <param name="Type">The value type.</param>
/// <param name="Description">What the knob controls.</param>
/// <param name="Unit">Unit, possibly empty.</param>
/// <param name="Range">Allowed range, possibly empty.</param>
public sealed record KnobInfo(string Name, string Property, Type Type, string Description, string Unit, string Range);

/// <summary>Reflection over config records: knob listing, typed overrides, validation, canonical form and hash.</summary>
public static class Configs
{
    /// <summary>The knobs of a config type, in declaration order.</summary>
    public static IReadOnlyList<KnobInfo> Knobs<T>() where T : RunConfig => Knobs(typeof(T));

    /// <summary>The knobs of a config type, in declaration order.</summary>
    public static IReadOnlyList<KnobInfo> Knobs(Type configType) =>
        Properties(configType).Select(p =>
        {
            var knob = p.GetCustomAttribute<KnobAttribute>();
            return new KnobInfo(SnakeCase(p.Name), p.Name, p.PropertyType, knob?.Description ?? "", knob?.Unit ?? "",
                knob?.RangeText ?? "");
        }).ToList();

    /// <summary>
    /// Applies overrides such as <c>"steps=200"</c> to a config, parsing each value to the knob's type and
    /// validating the result. Unknown names are rejected with the list of valid ones.
    /// </summary>
    public static T With<T>(T config, IEnumerable<string> assignments) where T : RunConfig
    {
        var result = config;
        foreach (var raw in assignments)
        {
            var assignment = raw.Trim();
            if (assignment.Length == 0) continue;
            int eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ConfigException($"Override '{assignment}' is not of the form name=value (e.g. steps=200).");
            result = With(result, assignment[..eq].Trim(), assignment[(eq + 1)..].Trim());
        }
        Validate(result);
        return result;
    }

    /// <summary>Splits an override string such as <c>"steps=200; lr=0.1"</c> (';' or newlines between assignments).</summary>
    public static IEnumerable<string> SplitAssignments(string? text) =>
        (text ?? "").Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Sets one knob by name from its text form; the config is not validated as a whole.</summary>
    public static T With<T>(T config, string name, string value) where T : RunConfig
    {
        var property = FindProperty(config.GetType(), name);
        object parsed = Parse(property, value);
        var copy = Clone(config);
        property.SetValue(copy, parsed);
        return copy;
    }

    /// <summary>Sets one knob by name to a typed value (used by sweeps); the config is validated.</summary>
    public static T WithValue<T>(T config, string name, object? value) where T : RunConfig
    {
        var property = FindProperty(config.GetType(), name);
        object? converted = value is string s && property.PropertyType != typeof(string) ? Parse(property, s)
            : value is null ? null
            : property.PropertyType.IsEnum ? Enum.ToObject(property.PropertyType, value)
            : Convert.ChangeType(value, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType,
                CultureInfo.InvariantCulture);
        var copy = Clone(config);
        property.SetValue(copy, converted);
        Validate(copy);
        return copy;
    }

    /// <summary>Reads a knob's value by name.</summary>
    public static object? Get(RunConfig config, string name) => FindProperty(config.GetType(), name).GetValue(config);

    /// <summary>Checks every knob against its declared range, then the record's own <see cref="RunConfig.Validate"/>.</summary>
    public static void Validate(RunConfig config)
    {
        foreach (var p in Properties(config.GetType()))
        {
            var knob = p.GetCustomAttribute<KnobAttribute>();
            if (knob is null) continue;
            var value = p.GetValue(config);
            string name = SnakeCase(p.Name);
            if (value is string s && knob.Choices.Length > 0 && !knob.Choices.Split('|').Contains(s))
                throw new ConfigException($"{name} = '{s}' is not allowed: {knob.Description} must be {knob.RangeText}.");
            if (value is IConvertible c && value is not string && value is not bool && !p.PropertyType.IsEnum)
            {
                double d = c.ToDouble(CultureInfo.InvariantCulture);
                if (!knob.Allows(d))
                    throw new ConfigException(
                        $"{name} = {FormatValue(value)} is out of range: {knob.Description} must be in {knob.RangeText}.");
            }
        }
        config.Validate();
    }

    /// <summary>
    /// The canonical form of a config: a JSON object with the knobs whose values differ from the defaults
    /// (the parameterless constructor), keys sorted. Adding a knob with a default keeps old runs' names valid.
    /// </summary>
    public static string Canonical(RunConfig config)
    {
        var defaults = Activator.CreateInstance(config.GetType())
            ?? throw new InvalidOperationException($"{config.GetType().Name} needs a parameterless constructor.");
        var sorted = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var p in Properties(config.GetType()))
        {
            var value = p.GetValue(config);
            var node = JsonSerializer.SerializeToNode(value, p.PropertyType, EnumNames.Json);
            var defaultNode = JsonSerializer.SerializeToNode(p.GetValue(defaults), p.PropertyType, EnumNames.Json);
            if (!JsonNode.DeepEquals(node, defaultNode)) sorted[SnakeCase(p.Name)] = node;
        }
        var obj = new JsonObject();
        foreach (var (k, v) in sorted) obj[k] = v;
        return obj.ToJsonString();
    }

    /// <summary>
    /// A stable 16-hex-digit hash of an experiment name, the config's record type (two kinds of run of one
    /// experiment, both at their defaults, must not share a folder) and its canonical form.
    /// </summary>
    public static string Hash(string experiment, RunConfig config) =>
        HashText(experiment + "\n" + config.GetType().Name + "\n" + Canonical(config));

    /// <summary>A stable 16-hex-digit hash of any text (SHA-256, first 8 bytes).</summary>
    public static string HashText(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>All knobs with their current values, as JSON (written to a run's config.json).</summary>
    public static string ToJson(RunConfig config)
    {
        var obj = new JsonObject();
        foreach (var p in Properties(config.GetType()))
            obj[SnakeCase(p.Name)] = JsonSerializer.SerializeToNode(p.GetValue(config), p.PropertyType, EnumNames.Json);
        return obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>"LearningRate" → "learning_rate".</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>A value as written in overrides and tables (invariant culture, arrays comma-separated).</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        float f => f.ToString("G", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Enum e => EnumNames.Of(e),
        System.Collections.IEnumerable e and not string => string.Join(",", e.Cast<object?>().Select(FormatValue)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static PropertyInfo[] Properties(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
         .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
         .OrderBy(p => p.MetadataToken).ToArray();

    static PropertyInfo FindProperty(Type t, string name)
    {
        var props = Properties(t);
        string wanted = name.Replace("_", "").Replace("-", "");
        return props.FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigException(
                $"Unknown knob '{name}'; valid knobs are: {string.Join(", ", props.Select(p => SnakeCase(p.Name)))}.");
    }

    static object Parse(PropertyInfo property, string text)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        string name = SnakeCase(property.Name);
        try
        {
            if (type == typeof(string)) return text;
            if (type.IsEnum)
            {
                if (EnumNames.TryParse(type, text, out var member)) return member!;
                string what = property.GetCustomAttribute<KnobAttribute>()?.Description ?? name;
                throw new ConfigException(
                    $"{name} = '{text}' is not allowed: {what} must be one of {string.Join(", ", EnumNames.All(type))}.");
            }
            if (type == typeof(bool)) return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new FormatException(),
            };
            if (type.IsArray)
            {
                var element = type.GetElementType()!;
                var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var array = Array.CreateInstance(element, parts.Length);
                // Digit separators ("1_000") are allowed in numbers only; strings keep their underscores.
                for (int i = 0; i < parts.Length; i++)
                {
                    if (element.IsEnum)
                    {
                        if (!EnumNames.TryParse(element, parts[i], out var member))
                            throw new ConfigException(
                                $"{name} contains '{parts[i]}': each value must be one of {string.Join(", ", EnumNames.All(element))}.");
                        array.SetValue(member, i);
                        continue;
                    }
                    array.SetValue(element == typeof(string)
                        ? parts[i]
                        : Convert.ChangeType(parts[i].Replace("_", ""), element, CultureInfo.InvariantCulture), i);
                }
                return array;
            }
            return Convert.ChangeType(text.Replace("_", ""), type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            string expected = type.IsEnum ? "one of " + string.Join(", ", EnumNames.All(type))
                : type.IsArray ? $"a comma-separated list of {TypeWord(type.GetElementType()!)}"
                : TypeWord(type);
            throw new ConfigException($"{name} = '{text}' is not valid: expected {expected}.");
        }
    }

    static string TypeWord(Type t) =>
        t == typeof(int) || t == typeof(long) ? "a whole number"
        : t == typeof(double) || t == typeof(float) ? "a number"
        : t == typeof(bool) ? "true or false"
        : t.Name;

    static T Clone<T>(T config) where T : RunConfig =>
        (T)(config.GetType().GetMethod("<Clone>$")!.Invoke(config, null)!);
}
