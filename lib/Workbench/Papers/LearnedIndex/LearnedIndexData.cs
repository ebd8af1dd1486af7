using Workbench.Data;
using Workbench.Kernels.LearnedIndex;
using Workbench.Runs;

namespace Workbench.Papers.LearnedIndex;

/// <summary>Resolves the <c>keys</c> knob: generator names, the real GeoIP set, or a user's SOSD file.</summary>
public static class LearnedIndexData
{
    /// <summary>Generator and dataset names the <c>keys</c> knob accepts (anything else is a file path).</summary>
    public static readonly IReadOnlyList<string> Names = ["lognormal", "normal", "uniform-dense", "uniform-sparse", "geoip"];


    /// <summary>Checks a key-set spec without loading it: a known name or an existing file.</summary>
    public static void CheckSpec(string spec, string knob)
    {
        if (Names.Contains(spec)) return;
        if (string.IsNullOrWhiteSpace(spec) || !File.Exists(spec))
            throw new ConfigException($"{knob} = '{spec}' is neither a key set ({string.Join(", ", Names)}) " +
                "nor an existing file in SOSD's format (u64 count, then sorted keys; name ending _uint64 or _uint32).");
    }

    /// <summary>Short label of a spec for tables: the name, or the file name of a path.</summary>
    public static string Label(string spec) => Names.Contains(spec) ? spec : Path.GetFileName(spec);

    /// <summary>Loads (or generates) a sorted key set; <paramref name="count"/> applies to generators only.</summary>
    public static ulong[] Load(string spec, int count, int seed) => spec switch
    {
        "lognormal" => KeySets.Lognormal(count, seed),
        "normal" => KeySets.Normal(count, seed),
        "uniform-dense" => KeySets.UniformDense(count, seed),
        "uniform-sparse" => KeySets.UniformSparse(count, seed),
        "geoip" => KeySets.GeoIp(),
        _ => LoadFile(spec),
    };

    static ulong[] LoadFile(string path)
    {
        try { return KeySets.LoadSosd(path); }
        catch (ArgumentException e)
        {
            throw new DatasetException(e.Message + " Sort the keys before saving the file (learned indexes need sorted keys).");
        }
    }


    /// <summary><paramref name="count"/> random present keys (uniform over positions), seeded.</summary>
    public static ulong[] PresentProbes(ulong[] keys, int count, int seed)
    {
        var rng = Seeds.Rng(seed, "probes");
        var probes = new ulong[count];
        for (int i = 0; i < count; i++) probes[i] = keys[rng.Next(keys.Length)];
        return probes;
    }
}
