using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Workbench.Kernels.Gpu;

/// <summary>Which ILGPU accelerator a GPU kernel runs on.</summary>
public enum AcceleratorChoice
{
    /// <summary>The first CUDA device, else the first OpenCL GPU that has 64-bit floats, else the CPU.</summary>
    Auto,

    /// <summary>The first CUDA device; an error when there is none.</summary>
    Cuda,

    /// <summary>The first OpenCL GPU with 64-bit floats; an error when there is none.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator: runs each GPU thread in turn on the host, so it needs no GPU (tests, laptops).</summary>
    Cpu,
}

/// <summary>An ILGPU accelerator together with the context that owns it; disposing it releases both.</summary>
public sealed class OwnedAccelerator : IDisposable
{
    internal OwnedAccelerator(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
    }

    /// <summary>The ILGPU context (algorithms enabled, fast device math).</summary>
    public Context Context { get; }

    /// <summary>The accelerator kernels are loaded on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The device's name, e.g. "NVIDIA H200" or "CPUAccelerator".</summary>
    public string Name => Accelerator.Name;

    /// <summary>True on a real GPU (CUDA or OpenCL), false on ILGPU's CPU accelerator.</summary>
    public bool IsGpu => Accelerator.AcceleratorType != AcceleratorType.CPU;

    /// <summary>One line for a log: the device's name and its kind, e.g. "NVIDIA H200 (CUDA)".</summary>
    public string Description => $"{Name} ({Accelerators.KindName(Accelerator.AcceleratorType)})";

    /// <inheritdoc/>
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>
/// The one place that picks an ILGPU accelerator, so every GPU kernel and the GPU check program choose alike:
/// CUDA, else an OpenCL GPU, else ILGPU's CPU accelerator (or exactly the kind asked for).
/// </summary>
public static class Accelerators
{
    /// <summary>The values <see cref="Parse"/> accepts, for help texts and error messages.</summary>
    public const string AllowedNames = "auto, cuda, opencl, cpu";

    /// <summary>
    /// Opens the accelerator <paramref name="choice"/> names. <see cref="AcceleratorChoice.Auto"/> never fails (the CPU
    /// accelerator is always there); an explicit CUDA or OpenCL choice without such a device throws
    /// <see cref="InvalidOperationException"/> with one sentence saying so.
    /// </summary>
    public static OwnedAccelerator Open(AcceleratorChoice choice = AcceleratorChoice.Auto)
    {
        // Math(MathMode.Default) keeps doubles in double precision; EnableAlgorithms for XMath and the reductions.
        var context = Context.Create(builder => builder.Default().EnableAlgorithms().Math(MathMode.Default));
        try
        {
            return new OwnedAccelerator(context, Create(context, choice));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>ILGPU's CPU accelerator when <paramref name="preferCpu"/>, otherwise <see cref="AcceleratorChoice.Auto"/>'s pick.</summary>
    public static OwnedAccelerator Open(bool preferCpu) => Open(preferCpu ? AcceleratorChoice.Cpu : AcceleratorChoice.Auto);

    /// <summary>Parses "auto", "cuda", "opencl" or "cpu" (any case); anything else throws <see cref="ArgumentException"/>.</summary>
    public static AcceleratorChoice Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => AcceleratorChoice.Auto,
        "cuda" => AcceleratorChoice.Cuda,
        "opencl" or "cl" => AcceleratorChoice.OpenCL,
        "cpu" => AcceleratorChoice.Cpu,
        _ => throw new ArgumentException($"The accelerator is '{name}'; choose one of {AllowedNames}."),
    };

    internal static string KindName(AcceleratorType type) => type switch
    {
        AcceleratorType.Cuda => "CUDA",
        AcceleratorType.OpenCL => "OpenCL",
        AcceleratorType.CPU => "ILGPU CPU accelerator",
        _ => type.ToString(),
    };

    static Accelerator Create(Context context, AcceleratorChoice choice)
    {
        bool hasCuda = context.GetCudaDevices().Count > 0;
        // The kernels use doubles; an OpenCL device without them would fail at kernel compilation, and an
        // OpenCL CPU driver (pocl) is no faster than ILGPU's own CPU accelerator.
        CLDevice? openCl = null;
        foreach (CLDevice device in context.GetCLDevices())
            if (openCl is null && device.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU && device.Capabilities.Float64)
                openCl = device;
        return choice switch
        {
            AcceleratorChoice.Cuda when hasCuda => context.CreateCudaAccelerator(0),
            AcceleratorChoice.Cuda => throw new InvalidOperationException(
                "The accelerator is 'cuda' but ILGPU finds no CUDA device (is the NVIDIA driver installed?); choose auto or cpu."),
            AcceleratorChoice.OpenCL when openCl is not null => openCl.CreateAccelerator(context),
            AcceleratorChoice.OpenCL => throw new InvalidOperationException(
                "The accelerator is 'opencl' but ILGPU finds no OpenCL GPU with 64-bit floats; choose auto or cpu."),
            AcceleratorChoice.Cpu => context.CreateCPUAccelerator(0),
            _ when hasCuda => context.CreateCudaAccelerator(0),
            _ when openCl is not null => openCl.CreateAccelerator(context),
            _ => context.CreateCPUAccelerator(0),
        };
    }
}
