using System.Globalization;
using System.Text.Json.Nodes;

namespace Workbench.Figures;

/// <summary>
/// Tick values and labels chosen by the house style rather than plotly.js, from each axis's data and its length in
/// pixels: as many ticks as their labels fit side by side (x) or stacked (y), at 1-2-5 steps on linear axes and at
/// powers of ten (adding 2 and 5 when few decades are shown) on log axes. Labels are plain decimals with thousands
/// separators, or powers of ten (10⁻⁶) where decimals would be long; never SI prefixes, which read as units on
/// dimensionless quantities ("10m" for ε = 0.01).
/// </summary>
public static class Ticks
{
    /// <summary>Width of one label character in pixels at the house font size (13 px DejaVu Sans), a little generous.</summary>
    public const double CharWidth = 7.8;

    /// <summary>Gap kept between neighbouring x labels, in pixels.</summary>
    public const double Gap = 14;

    /// <summary>Height one y label needs, in pixels.</summary>
    public const double RowHeight = 30;

    /// <summary>Marks an axis whose ticks this class chose (recomputed when a figure is re-laid out, e.g. as a panel).</summary>
    public const string AutoKey = "_autoTicks";

    /// <summary>Sets tick values and labels on every numeric axis of a figure spec that has no ticks of its own.</summary>
    public static void Apply(JsonObject spec)
    {
        var layout = spec["layout"]!.AsObject();
        var data = spec["data"]?.AsArray() ?? [];
        var (plotWidth, plotHeight) = PlotArea(layout);
        foreach (var key in layout.Select(p => p.Key).Where(IsAxisKey).ToList())
        {
            var axis = layout[key]!.AsObject();
            if (axis.ContainsKey("tickvals") && axis[AutoKey] is null) continue; // the builder's own ticks
            axis.Remove("tickvals");
            axis.Remove("ticktext");
            axis.Remove(AutoKey);
            bool horizontal = key[0] == 'x';
            double length = DomainFraction(axis) * (horizontal ? plotWidth : plotHeight);
            var values = AxisValues(data, key, out bool categorical, out bool heatmap);
            if (categorical || heatmap || values.Count == 0)
            {
                if (horizontal && categorical && !heatmap && !axis.ContainsKey("tickangle")
                    && CategoryLabels(data, key).Sum(l => Width(l) + Gap) > length)
                {
                    // Slanted labels reach further down than level ones: let plotly.js grow the margin and put the
                    // axis title under the longest label instead of across it.
                    axis["tickangle"] = -30;
                    axis["automargin"] = true;
                    if (axis["title"] is JsonObject title) title["standoff"] = 12;
                }
                if (heatmap) axis["nticks"] = Math.Max(2, (int)(length / (horizontal ? 60 : RowHeight)));
                continue;
            }
            bool log = (string?)axis["type"] == "log";
            if (!log && IsBarValueAxis(data, key)) values.Add(0); // bars start at zero
            var (lo, hi) = Range(axis, values, log);
            if (hi - lo <= 1e-9 * Math.Max(1e-300, Math.Abs(hi)))
            {
                // All values (nearly) equal: plotly.js would zoom into rounding noise; show ±10 % around them instead.
                double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
                (lo, hi) = (lo - pad, hi + pad);
                if (log && lo <= 0) lo = hi / 100;
                axis["range"] = log ? new JsonArray(Math.Log10(lo), Math.Log10(hi)) : new JsonArray(lo, hi);
            }
            // An axis of whole numbers (iterations, counts, rounds) gets whole-number ticks only: 3, 4, not 3.0, 3.5.
            double minStep = values.All(v => Math.Abs(v - Math.Round(v)) < 1e-9) ? 1 : 0;
            var ticks = log ? LogTicks(lo, hi, length, horizontal) : LinearTicks(lo, hi, length, horizontal, minStep: minStep);
            if (ticks.Count == 0) continue;
            axis["tickvals"] = new JsonArray([.. ticks.Select(t => (JsonNode)JsonValue.Create(t.Value))]);
            axis["ticktext"] = new JsonArray([.. ticks.Select(t => (JsonNode)JsonValue.Create(t.Label))]);
            axis[AutoKey] = true;
            axis.Remove("tickformat");
            axis.Remove("dtick");
            axis.Remove("nticks");
        }
    }

    /// <summary>A JSON number as a double, whatever numeric type it was created from; null for anything else.</summary>
    public static double? Number(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out double d) ? d : v.TryGetValue(out int i) ? i : v.TryGetValue(out long l) ? l
        : v.TryGetValue(out float f) ? f : v.TryGetValue(out decimal m) ? (double)m : null
        : null;

    /// <summary>True for layout keys "xaxis", "yaxis", "xaxis2", ….</summary>
    public static bool IsAxisKey(string key) =>
        (key.StartsWith("xaxis", StringComparison.Ordinal) || key.StartsWith("yaxis", StringComparison.Ordinal))
        && key[5..].All(char.IsAsciiDigit);

    /// <summary>The trace attribute value that refers to a layout axis key: "xaxis2" → "x2".</summary>
    public static string Reference(string axisKey) => axisKey[0] + axisKey[5..];

    /// <summary>The size of the plotting area in pixels (figure size less margins).</summary>
    public static (double Width, double Height) PlotArea(JsonObject layout)
    {
        double width = Number(layout["width"]) ?? HouseStyle.Width, height = Number(layout["height"]) ?? HouseStyle.Height;
        var margin = layout["margin"];
        return (width - (Number(margin?["l"]) ?? 80) - (Number(margin?["r"]) ?? 80),
            height - (Number(margin?["t"]) ?? 100) - (Number(margin?["b"]) ?? 80));
    }

    /// <summary>The axis's domain as a fraction of the plotting area ([0, 1] when unset).</summary>
    public static double DomainFraction(JsonObject axis) =>
        axis["domain"] is JsonArray d ? Number(d[1]!)!.Value - Number(d[0]!)!.Value : 1;

    /// <summary>Estimated width in pixels of a label (superscripts count as half).</summary>
    public static double Width(string label)
    {
        string plain = label.Replace("<sup>", "\u0001").Replace("</sup>", "\u0002");
        double chars = 0;
        bool sup = false;
        foreach (char c in plain)
        {
            if (c == '\u0001') { sup = true; continue; }
            if (c == '\u0002') { sup = false; continue; }
            chars += sup ? 0.6 : 1;
        }
        return chars * CharWidth;
    }

    /// <summary>The category labels of a categorical axis (strings on it), in order of first appearance.</summary>
    public static IReadOnlyList<string> CategoryLabels(JsonArray data, string axisKey)
    {
        var labels = new List<string>();
        foreach (var trace in TracesOn(data, axisKey))
            if (trace[axisKey[..1]] is JsonArray values)
                foreach (var v in values)
                    if (v is JsonValue value && value.TryGetValue(out string? s) && !labels.Contains(s)) labels.Add(s);
        return labels;
    }

    /// <summary>The traces drawn on an axis.</summary>
    public static IEnumerable<JsonObject> TracesOn(JsonArray data, string axisKey)
    {
        string letter = axisKey[..1], reference = Reference(axisKey);
        foreach (var node in data)
            if (node is JsonObject trace && ((string?)trace[letter + "axis"] ?? letter) == reference)
                yield return trace;
    }

    static bool IsBarValueAxis(JsonArray data, string axisKey) =>
        TracesOn(data, axisKey).Any(t => (string?)t["type"] == "bar"
            && ((string?)t["orientation"] == "h" ? axisKey[0] == 'x' : axisKey[0] == 'y'));

    static List<double> AxisValues(JsonArray data, string axisKey, out bool categorical, out bool heatmap)
    {
        categorical = heatmap = false;
        string letter = axisKey[..1];
        var values = new List<double>();
        foreach (var trace in TracesOn(data, axisKey))
        {
            if ((string?)trace["type"] == "heatmap") heatmap = true;
            if (trace[letter] is not JsonArray array) continue;
            var error = trace[$"error_{letter}"]?["array"] as JsonArray;
            for (int i = 0; i < array.Count; i++)
            {
                if (array[i] is not JsonValue value) continue;
                if (value.TryGetValue(out string? _)) { categorical = true; continue; }
                if (Number(value) is not { } v) continue;
                if (!double.IsFinite(v)) continue;
                values.Add(v);
                if (Number(error?[i]) is { } err && double.IsFinite(err))
                {
                    values.Add(v + err);
                    values.Add(v - err);
                }
            }
        }
        return values;
    }

    static (double Lo, double Hi) Range(JsonObject axis, List<double> values, bool log)
    {
        if (axis["range"] is JsonArray { Count: 2 } range && range[0] is JsonValue a && range[1] is JsonValue b)
        {
            if (Number(a) is not { } r0 || Number(b) is not { } r1) return (1, 10);
            if (log) (r0, r1) = (Math.Pow(10, r0), Math.Pow(10, r1));
            return (Math.Min(r0, r1), Math.Max(r0, r1));
        }
        var usable = log ? values.Where(v => v > 0).ToList() : values;
        if (usable.Count == 0) return (1, 10);
        return (usable.Min(), usable.Max());
    }

    /// <summary>Ticks at a 1-2-5 step no smaller than <paramref name="minStep"/>, as many as fit.</summary>
    public static IReadOnlyList<(double Value, string Label)> LinearTicks(double lo, double hi, double length, bool horizontal,
        Func<double, double>? position = null, double minStep = 0)
    {
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            (lo, hi) = (lo - pad, hi + pad);
        }
        double step = NiceAtLeast(Math.Max((hi - lo) / 12, minStep));
        List<(double, string)> best = [];
        for (int attempt = 0; attempt < 30; attempt++, step = NextNice(step))
        {
            var values = new List<double>();
            for (double k = Math.Ceiling(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.Add(Clean(k * step, step));
            var ticks = Label(values, step);
            if (ticks.Count < 2 && best.Count > 0) break;
            best = ticks;
            if (Fits(ticks, position ?? (v => (v - lo) / (hi - lo) * length), horizontal)) break;
        }
        return best;
    }

    /// <summary>
    /// Ticks on a log axis: 1, 2 and 5 times each power of ten when they fit, else powers of ten (every k-th decade
    /// when needed); within about a decade, round linear steps when 1-2-5 gives fewer than three ticks.
    /// </summary>
    public static IReadOnlyList<(double Value, string Label)> LogTicks(double lo, double hi, double length, bool horizontal)
    {
        int first = (int)Math.Floor(Math.Log10(lo) + 1e-9), last = (int)Math.Ceiling(Math.Log10(hi) - 1e-9);
        bool InRange(double v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
        double Position(double v) => (Math.Log10(v) - Math.Log10(lo)) / Math.Max(1e-12, Math.Log10(hi) - Math.Log10(lo)) * length;
        List<(double, string)> Make(double[] mantissas, int every)
        {
            var values = new List<double>();
            for (int e = first; e <= last; e++)
                if ((e - first) % every == 0)
                    foreach (double m in mantissas)
                        if (InRange(m * Math.Pow(10, e))) values.Add(m * Math.Pow(10, e));
            return [.. values.Select(v => (v, LogLabel(v)))];
        }
        var oneTwoFive = Make([1, 2, 5], 1);
        bool fits125 = oneTwoFive.Count >= 2 && Fits(oneTwoFive, Position, horizontal);
        if (fits125 && oneTwoFive.Count >= 3) return oneTwoFive;
        if (Math.Log10(hi / lo) < 1.5 && LinearTicks(lo, hi, length, horizontal, Position) is { Count: >= 3 } linear) return linear;
        if (fits125) return oneTwoFive;
        for (int every = 1; every <= Math.Max(1, last - first); every++)
            if (Make([1], every) is { Count: >= 2 } powers && Fits(powers, Position, horizontal)) return powers;
        return LinearTicks(lo, hi, length, horizontal, Position);
    }

    /// <summary>
    /// True when the labels of <paramref name="ticks"/> on an axis of <paramref name="length"/> pixels showing
    /// <paramref name="lo"/>…<paramref name="hi"/> keep a gap between neighbours (x: side by side, y: one row apart).
    /// </summary>
    public static bool LabelsFit(IReadOnlyList<(double Value, string Label)> ticks, double lo, double hi, bool log, double length,
        bool horizontal) => log
        ? Fits(ticks, v => (Math.Log10(v) - Math.Log10(lo)) / Math.Max(1e-12, Math.Log10(hi) - Math.Log10(lo)) * length, horizontal)
        : Fits(ticks, v => (v - lo) / Math.Max(1e-300, hi - lo) * length, horizontal);

    /// <summary>The span an axis shows: its explicit range, else its data's (positive data on a log axis).</summary>
    public static (double Lo, double Hi) Span(JsonObject axis, JsonArray data, string axisKey)
    {
        var values = AxisValues(data, axisKey, out _, out _);
        bool log = (string?)axis["type"] == "log";
        if (!log && IsBarValueAxis(data, axisKey)) values.Add(0);
        return Range(axis, values, log);
    }

    // Neighbouring labels, centred on their ticks, keep a gap: x labels side by side, y labels one row apart.
    static bool Fits(IReadOnlyList<(double Value, string Label)> ticks, Func<double, double> position, bool horizontal)
    {
        if (ticks.Count > (horizontal ? 12 : 10)) return false;
        for (int i = 1; i < ticks.Count; i++)
        {
            double distance = Math.Abs(position(ticks[i].Value) - position(ticks[i - 1].Value));
            double needed = horizontal ? (Width(ticks[i].Label) + Width(ticks[i - 1].Label)) / 2 + Gap : RowHeight;
            if (distance < needed) return false;
        }
        return true;
    }

    static List<(double, string)> Label(List<double> values, double step)
    {
        double max = values.Count == 0 ? 0 : values.Max(Math.Abs);
        if (max >= 1e7 || step < 1e-4)
        {
            int exponent = (int)Math.Floor(Math.Log10(max > 0 ? max : step));
            double scale = Math.Pow(10, exponent);
            int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step / scale) + 1e-9));
            return values.Select(v => (v, v == 0 ? "0"
                : $"{(v / scale).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture)}×10<sup>{Sup(exponent)}</sup>"))
                .ToList();
        }
        int places = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        string format = (max >= 10_000 ? "#,0" : "0") + (places > 0 ? "." + new string('0', places) : "");
        return values.Select(v => (v, v.ToString(format, CultureInfo.InvariantCulture).Replace("-", "−"))).ToList();
    }

    /// <summary>A log-axis label: plain from 0.001 to 100,000, else a power of ten (with its mantissa when not 1).</summary>
    public static string LogLabel(double v)
    {
        int exponent = (int)Math.Floor(Math.Log10(v) + 1e-9);
        if (exponent is >= -3 and <= 5)
            return v.ToString(exponent >= 4 ? "#,0" : "0.###", CultureInfo.InvariantCulture);
        double mantissa = Math.Round(v / Math.Pow(10, exponent), 6);
        return (mantissa == 1 ? "" : mantissa.ToString("0.#", CultureInfo.InvariantCulture) + "×") + $"10<sup>{Sup(exponent)}</sup>";
    }

    static string Sup(int exponent) => exponent < 0 ? "−" + (-exponent).ToString(CultureInfo.InvariantCulture)
        : exponent.ToString(CultureInfo.InvariantCulture);

    static double Clean(double v, double step) => Math.Abs(v) < step * 1e-9 ? 0 : Math.Round(v / step) * step;

    static double NiceAtLeast(double raw)
    {
        if (raw <= 0 || !double.IsFinite(raw)) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in new[] { 1.0, 2, 5, 10 })
            if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
        return 10 * magnitude;
    }

    static double NextNice(double step)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        double m = Math.Round(step / magnitude, 6);
        return m switch { < 2 => 2 * magnitude, < 5 => 5 * magnitude, _ => 10 * magnitude };
    }
}
