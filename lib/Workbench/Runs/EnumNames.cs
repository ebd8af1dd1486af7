using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Runs;

/// <summary>
/// How closed sets (enums) are written where users and run folders see them: a member's
/// <see cref="JsonStringEnumMemberNameAttribute"/> when it has one (e.g. "lenet-300-100"), else its name in kebab-case
/// ("RandomMask" → "random-mask"). Configs' canonical forms, config.json, knob tables and <c>--set</c> parsing all use it,
/// so a run's identity does not depend on the order of an enum's members.
/// </summary>
public static class EnumNames
{
    /// <summary>JSON options that write and read enums by these names.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    /// <summary>The name of one value, e.g. "random-mask".</summary>
    public static string Of(Enum value)
    {
        var member = value.GetType().GetField(value.ToString());
        return member?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
    }

    /// <summary>Every name of an enum type, in declaration order.</summary>
    public static IReadOnlyList<string> All(Type enumType) => [.. Enum.GetValues(enumType).Cast<Enum>().Select(Of)];

    /// <summary>
    /// The value whose name (or C# member name) matches <paramref name="text"/>, ignoring case, '-', '_' and spaces;
    /// false when none does (numbers are not accepted).
    /// </summary>
    public static bool TryParse(Type enumType, string text, out object? value)
    {
        static string Fold(string s) => new([.. s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        string wanted = Fold(text);
        foreach (Enum candidate in Enum.GetValues(enumType))
            if (Fold(Of(candidate)) == wanted || Fold(candidate.ToString()) == wanted)
            {
                value = candidate;
                return true;
            }
        value = null;
        return false;
    }
}
