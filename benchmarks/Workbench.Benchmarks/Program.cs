using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- --filter '*DatasetLoading*'
BenchmarkSwitcher.FromAssembly(typeof(Workbench.Benchmarks.DatasetLoading).Assembly).Run(args);
