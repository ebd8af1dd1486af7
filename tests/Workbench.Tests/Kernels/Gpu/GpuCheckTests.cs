using System.Text.RegularExpressions;
using Workbench.GpuCheck;
using Workbench.Kernels.Gpu;

namespace Workbench.Tests.Kernels.Gpu;

/// <summary>
/// tools/gpu-check through <see cref="GpuCheckProgram.Run"/>, the path the published program takes, on ILGPU's CPU
/// accelerator at the tiny size: every family agrees with its CPU path and the output keeps its contract.
/// </summary>
public partial class GpuCheckTests
{
    [GeneratedRegex(@"^(\d+) cases, (\d+) mismatches$")]
    private static partial Regex LastLinePattern();

    static (int ExitCode, string[] Lines) Run(params string[] args)
    {
        var output = new StringWriter();
        int exitCode = GpuCheckProgram.Run(args, output);
        return (exitCode, output.ToString().TrimEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToArray());
    }

    [Fact]
    public void All_families_agree_on_the_cpu_accelerator_and_end_with_the_count_line()
    {
        var (exitCode, lines) = Run("all", "--accelerator", "cpu", "--size", "tiny");
        string text = string.Join('\n', lines);

        var last = LastLinePattern().Match(lines[^1]);
        Assert.True(last.Success, $"last line '{lines[^1]}' is not 'N cases, M mismatches'\n{text}");
        Assert.True(last.Groups[2].Value == "0", text);
        Assert.Equal(0, exitCode);
        Assert.True(int.Parse(last.Groups[1].Value) >= GpuCheckFamilies.All.Count, text);
        Assert.Contains("Correctness (GPU against the CPU path)", lines);
        Assert.Contains("Speed (CPU/GPU above 1 means the GPU is faster)", lines);
        foreach (var family in GpuCheckFamilies.All)
            Assert.Contains(lines, line => line.StartsWith(family.Name + " ", StringComparison.Ordinal) && line.Contains("agrees"));
    }

    [Fact]
    public void Family_options_are_taken_by_name_and_by_position_as_the_old_programs_took_them()
    {
        var (softSortExit, softSort) = Run("soft-sort", "--shapes", "5x7,3x40", "--regularizers", "kl", "--cpu", "--size", "tiny");
        Assert.True(softSortExit == 0, string.Join('\n', softSort));
        Assert.Equal("2 cases, 0 mismatches", softSort[^1]);

        var (indexExit, index) = Run("learned-index", "3000", "2000", "--accelerator=cpu", "--size", "tiny", "--lookups", "1000");
        Assert.True(indexExit == 0, string.Join('\n', index));
        Assert.Equal("3 cases, 0 mismatches", index[^1]);
        Assert.Contains(index, line => line.Contains("binary search 3,000 keys") && line.Contains("2,000 probes"));
    }

    [Theory]
    [InlineData("soft-sort", "--accelerator", "tpu")]
    [InlineData("soft-sort", "--keys", "10")]
    [InlineData("all", "--shapes", "4x4")]
    [InlineData("learned-index", "--keys", "many")]
    [InlineData("learned-index", "--geoip", "/no/such/geoip")]
    [InlineData("learned-index", "1000", "1000", "1000")]
    [InlineData("sorting")]
    public void A_bad_command_line_gets_one_sentence_and_exit_code_2(params string[] args)
    {
        var (exitCode, lines) = Run(args);
        Assert.Equal(GpuCheckProgram.ExitUsage, exitCode);
        Assert.Single(lines);
        Assert.StartsWith("gpu-check: ", lines[0]);
    }

    [Fact]
    public void A_disagreeing_or_failing_case_is_counted_and_fails_the_run()
    {
        using var device = Accelerators.Open(AcceleratorChoice.Cpu);
        Assert.False(device.IsGpu);
        var output = new StringWriter();
        var summary = GpuCheckRunner.Run([new GpuCheckRequest(new BrokenFamily(), new Dictionary<string, string>())], device,
            GpuCheckSize.Tiny, output);
        var lines = output.ToString().TrimEnd().Split('\n');
        Assert.Equal(new GpuCheckSummary(4, 3), summary);
        Assert.Equal("4 cases, 3 mismatches", lines[^1].TrimEnd('\r'));
        Assert.Contains(lines, line => line.Contains("ERROR") && line.Contains("kernel fault"));
    }

    /// <summary>One case that agrees, one off by more than its tolerance, one with a wrong answer, one that throws.</summary>
    sealed class BrokenFamily : IGpuCheckFamily
    {
        public string Name => "broken";
        public string Description => "a family whose cases fail in every way a case can";
        public IReadOnlyList<GpuCheckOption> Options => [];

        public IEnumerable<GpuCheckCase> Cases(GpuCheckSettings settings)
        {
            var timing = new GpuCheckTiming("per call", 1e-9, 2e-9);
            yield return new GpuCheckCase("agrees", () => new GpuCheckResult(1e-12, 1e-9, 0, timing));
            yield return new GpuCheckCase("too far", () => new GpuCheckResult(1e-3, 1e-9, 0, timing));
            yield return new GpuCheckCase("wrong answer", () => new GpuCheckResult(null, 0, 1, null));
            yield return new GpuCheckCase("throws", () => throw new InvalidOperationException("kernel fault"));
        }
    }
}
