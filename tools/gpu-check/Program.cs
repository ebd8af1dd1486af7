using Workbench.GpuCheck;

return GpuCheckProgram.Run(args, Console.Out);
