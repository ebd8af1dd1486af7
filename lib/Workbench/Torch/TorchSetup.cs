using TorchSharp;

namespace Workbench.Torch;

/// <summary>One place that loads libtorch and sets its thread count, with a clear message when it cannot load.</summary>
public static class TorchSetup
{
    static bool _done;

    /// <summary>
    /// Threads libtorch uses for one op: <c>$WORKBENCH_TORCH_THREADS</c>, default 1 (steadier timings on small models, and the
    /// same numbers on every machine).
    /// </summary>
    public static int Threads => int.TryParse(Environment.GetEnvironmentVariable("WORKBENCH_TORCH_THREADS"), out var t) && t > 0 ? t : 1;

    static torch.Device? _device;

    /// <summary>
    /// The device training, evaluation and inference run on, from <c>$WORKBENCH_DEVICE</c>: <c>auto</c> (the default:
    /// the first CUDA GPU when this build has CUDA libtorch and a GPU is visible, else the CPU), <c>cpu</c>, <c>cuda</c>
    /// or <c>cuda:N</c>. It is where a run executes, not what it computes, so it is not a knob and not part of a run's
    /// hash (a plan made on a login node names the same runs a GPU node computes); <c>run.json</c> records it.
    /// Resolved once per process; loads libtorch.
    /// </summary>
    /// <exception cref="Runs.ConfigException">The setting is not one of the above, or asks for a GPU this build or
    /// machine does not have.</exception>
    public static torch.Device Device => _device ??= ResolveDevice(Environment.GetEnvironmentVariable(DeviceVariable));

    /// <summary>The environment variable that selects <see cref="Device"/>.</summary>
    public const string DeviceVariable = "WORKBENCH_DEVICE";

    /// <summary>The resolved device as text ("cpu", "cuda:0"), or null when nothing in this process has asked for it.</summary>
    public static string? ResolvedDeviceName => _device?.ToString();

    /// <summary>True when <see cref="Device"/> is a CUDA GPU.</summary>
    public static bool OnGpu => Device.type == DeviceType.CUDA;

    /// <summary>
    /// Turns a device setting (see <see cref="Device"/>) into a device, checking that it exists here.
    /// </summary>
    /// <exception cref="Runs.ConfigException">Unknown setting, or a GPU that is not available.</exception>
    public static torch.Device ResolveDevice(string? setting)
    {
        Initialize();
        string text = string.IsNullOrWhiteSpace(setting) ? "auto" : setting.Trim().ToLowerInvariant();
        bool cuda = torch.cuda.is_available();
        if (text == "auto") return cuda ? torch.CUDA : torch.CPU;
        if (text == "cpu") return torch.CPU;
        int index = 0;
        bool isCuda = text == "cuda" || (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), System.Globalization.NumberStyles.None, null, out index));
        if (!isCuda)
            throw new Runs.ConfigException(
                $"{DeviceVariable} = '{setting}' is not a device: use auto, cpu, cuda or cuda:N (N a GPU index).");
        if (!cuda)
            throw new Runs.ConfigException(
                $"{DeviceVariable} = '{setting}' asks for a CUDA GPU, but this build's libtorch has none " +
                "(torch.cuda.is_available() is false): build with `dotnet build Workbench.sln -c Release -p:TorchBackend=cuda` " +
                $"on a machine with an NVIDIA driver, or set {DeviceVariable}=cpu.");
        int count = torch.cuda.device_count();
        if (index >= count)
            throw new Runs.ConfigException(
                $"{DeviceVariable} = '{setting}' names GPU {index}, but this machine has {count}: use cuda:0 … cuda:{count - 1}.");
        torch.InitializeDeviceType(DeviceType.CUDA);
        return new torch.Device(DeviceType.CUDA, index);
    }

    /// <summary>Loads libtorch (once) and applies the thread setting.</summary>
    public static void Initialize()
    {
        if (_done) return;
        try
        {
            RequestReproducibleBlas();
            PreloadNatives();
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException
            or InvalidOperationException)
        {
            throw new InvalidOperationException(
                "TorchSharp could not load libtorch; rebuild with `dotnet build Workbench.sln -c Release` so the build output " +
                "holds the fixed libLibTorchSharp.so, and see environment.md (\"TorchSharp on older C++ runtimes\"). Detail: " +
                e.Message, e);
        }
        torch.set_num_threads(Threads);
        _done = true;
    }

    /// <summary>
    /// libtorch's CPU build uses Intel MKL, which by default picks code paths by memory alignment, so the same run
    /// gives slightly different floats depending on what was allocated before it (a second run in one process
    /// differed from a first). MKL's conditional numerical reproducibility mode (MKL_CBWR=AUTO: fastest path for this
    /// processor, fixed) makes every run bit-for-bit repeatable. MKL reads the variable from the native environment at
    /// its first call, so it is set there (not only in .NET's copy) before libtorch loads. A value the user set wins.
    /// </summary>
    static void RequestReproducibleBlas()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR"))) return;
        Environment.SetEnvironmentVariable("MKL_CBWR", "AUTO"); // Windows: this is the process environment
        try
        {
            if (OperatingSystem.IsLinux()) NativeEnvironment.SetLinux("MKL_CBWR", "AUTO", 0);
            else if (OperatingSystem.IsMacOS()) NativeEnvironment.SetMac("MKL_CBWR", "AUTO", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without it runs are still correct, only not bit-for-bit repeatable across processes.
        }
    }

    static partial class NativeEnvironment
    {
        [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "setenv")]
        internal static extern int SetLinux(string name, string value, int overwrite);

        [System.Runtime.InteropServices.DllImport("libSystem.dylib", EntryPoint = "setenv")]
        internal static extern int SetMac(string name, string value, int overwrite);
    }

    /// <summary>
    /// Notebook hosts load our DLL by path, and TorchSharp then looks for its natives beside TorchSharp.dll rather than
    /// in runtimes/&lt;rid&gt;/native/ where the build put them. Loading them by full path first lets TorchSharp's
    /// own load by name find them (the dynamic loader matches already-loaded libraries).
    /// </summary>
    static void PreloadNatives()
    {
        string dir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
        if (dir.Length == 0) return;
        string native = Path.Combine(dir, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native");
        (string Torch, string Bridge) names = OperatingSystem.IsWindows() ? ("torch_cpu.dll", "LibTorchSharp.dll")
            : OperatingSystem.IsMacOS() ? ("libtorch_cpu.dylib", "libLibTorchSharp.dylib") : ("libtorch_cpu.so", "libLibTorchSharp.so");
        foreach (var folder in new[] { dir, native })
        {
            string bridge = Path.Combine(folder, names.Bridge);
            if (!File.Exists(bridge)) continue;
            string torchCpu = Path.Combine(folder, names.Torch);
            if (File.Exists(torchCpu)) System.Runtime.InteropServices.NativeLibrary.Load(torchCpu);
            System.Runtime.InteropServices.NativeLibrary.Load(bridge);
            return;
        }
    }

    /// <summary>
    /// Images as an N × pixels float tensor in [0, 1] and labels as an N long tensor, on <paramref name="device"/>
    /// (default: the CPU), owned by the caller's dispose scope (or by the caller, outside one).
    /// </summary>
    public static (torch.Tensor Images, torch.Tensor Labels) ToTensors(Data.ImageDataset data, torch.Device? device = null)
    {
        // The flat tensor before the reshape is a temporary: disposed here rather than left to the finalizer.
        using var scope = torch.NewDisposeScope();
        var images = torch.tensor(data.PixelsAsFloats(), device: device).reshape(data.Count, data.ImageSize);
        var labels = torch.tensor(Array.ConvertAll(data.Labels, l => (long)l), device: device);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Fashion-MNIST as tensors on <paramref name="device"/> (default: the CPU): a seeded subset of
    /// <paramref name="trainImages"/> training images (<see cref="Data.FashionMnist.TrainingSubset"/>) in the caller's
    /// dispose scope, and the 10,000 test images from the <see cref="TensorCache"/> (shared by every run on that device;
    /// never modify or dispose them).
    /// </summary>
    public static (torch.Tensor TrainX, torch.Tensor TrainY, torch.Tensor TestX, torch.Tensor TestY) FashionMnistTensors(
        int trainImages, int seed, torch.Device? device = null)
    {
        var (trainX, trainY) = ToTensors(Data.FashionMnist.TrainingSubset(trainImages, seed), device);
        var test = TensorCache.Get($"fashion-mnist/test/{device?.ToString() ?? "cpu"}", () =>
        {
            var (x, y) = ToTensors(Data.FashionMnist.Load(train: false), device);
            return [x, y];
        });
        return (trainX, trainY, test[0], test[1]);
    }

    /// <summary>Copies a module's parameters out as float arrays (for checkpoints and masks).</summary>
    public static float[][] ExportParameters(torch.nn.Module module)
    {
        using var scope = torch.NewDisposeScope();
        return module.parameters().Select(p => p.detach().cpu().data<float>().ToArray()).ToArray();
    }

    /// <summary>Copies float arrays (from <see cref="ExportParameters"/>) back into a module's parameters.</summary>
    public static void ImportParameters(torch.nn.Module module, float[][] values)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var parameters = module.parameters().ToArray();
        if (parameters.Length != values.Length)
            throw new ArgumentException($"expected {parameters.Length} parameter arrays, got {values.Length}.");
        for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(torch.tensor(values[i]).reshape(parameters[i].shape));
    }
}
