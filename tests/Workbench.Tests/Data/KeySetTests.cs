using Workbench.Data;

namespace Workbench.Tests.Data;

public class KeySetTests
{
    [Fact]
    public void Geoip_keys_are_the_385602_sorted_range_starts()
    {
        var keys = KeySets.GeoIp();
        Assert.Equal(385_602, keys.Length);
        KeySets.EnsureSorted(keys);
        Assert.True(keys[^1] < (1UL << 32));
    }

    [Fact]
    public void Geoip_parse_errors_name_the_line()
    {
        using var temp = new TempFolder();
        File.WriteAllLines(temp.File("geoip"), ["# comment", "16777216,16777471,AU", "garbage"]);
        var e = Assert.Throws<DatasetException>(() => KeySets.GeoIp(temp.File("geoip")));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("apt-get install tor-geoipdb", e.Message);
    }

    [Theory]
    [InlineData("lognormal")]
    [InlineData("normal")]
    [InlineData("uniform-dense")]
    [InlineData("uniform-sparse")]
    public void Synthetic_keys_are_sorted_seeded_and_sized(string kind)
    {
        Func<int, int, ulong[]> make = kind switch
        {
            "lognormal" => (n, s) => KeySets.Lognormal(n, s),
            "normal" => KeySets.Normal,
            "uniform-dense" => KeySets.UniformDense,
            _ => KeySets.UniformSparse,
        };
        var a = make(10_000, 1);
        Assert.Equal(10_000, a.Length);
        KeySets.EnsureSorted(a);
        Assert.Equal(a, make(10_000, 1));
        Assert.NotEqual(a, make(10_000, 2));
        Assert.True(a.Distinct().Count() > 5_000, "keys should be mostly distinct");
    }

    [Fact]
    public void Sosd_files_round_trip_and_bad_files_are_explained()
    {
        using var temp = new TempFolder();
        var keys = KeySets.Lognormal(1000, 3);
        KeySets.SaveSosd(temp.File("k_uint64"), keys);
        Assert.Equal(keys, KeySets.LoadSosd(temp.File("k_uint64")));

        File.WriteAllBytes(temp.File("t_uint64"), File.ReadAllBytes(temp.File("k_uint64"))[..^8]);
        Assert.Contains("promises 1,000 keys", Assert.Throws<DatasetException>(() => KeySets.LoadSosd(temp.File("t_uint64"))).Message);

        var unsorted = keys.ToArray();
        (unsorted[10], unsorted[11]) = (unsorted[11] + 1, unsorted[10]);
        KeySets.SaveSosd(temp.File("u_uint64"), unsorted);
        var e = Assert.Throws<ArgumentException>(() => KeySets.LoadSosd(temp.File("u_uint64")));
        Assert.Contains("position 11", e.Message);
    }
}
