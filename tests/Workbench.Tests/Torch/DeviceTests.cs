using TorchSharp;
using Workbench.Runs;
using Workbench.Torch;

namespace Workbench.Tests.Torch;

public class DeviceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("auto")]
    [InlineData(" CPU ")]
    public void Auto_and_cpu_resolve_to_a_device_that_exists_here(string? setting)
    {
        var device = TorchSetup.ResolveDevice(setting);
        if (!torch.cuda.is_available() || setting?.Trim().ToLowerInvariant() == "cpu")
            Assert.Equal(DeviceType.CPU, device.type);
        using var x = torch.ones(2, device: device);
        Assert.Equal(device.type, x.device_type);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void An_unknown_device_is_one_sentence_naming_the_choices(string setting)
    {
        var e = Assert.Throws<ConfigException>(() => TorchSetup.ResolveDevice(setting));
        Assert.Equal($"WORKBENCH_DEVICE = '{setting}' is not a device: use auto, cpu, cuda or cuda:N (N a GPU index).", e.Message);
    }

    [Fact]
    public void Asking_for_a_gpu_this_build_lacks_says_how_to_get_one()
    {
        if (torch.cuda.is_available()) return; // a CUDA build on a GPU machine has nothing to refuse
        var e = Assert.Throws<ConfigException>(() => TorchSetup.ResolveDevice("cuda"));
        Assert.Contains("-p:TorchBackend=cuda", e.Message);
        Assert.Contains("WORKBENCH_DEVICE=cpu", e.Message);
        Assert.Single(e.Message.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }
}
