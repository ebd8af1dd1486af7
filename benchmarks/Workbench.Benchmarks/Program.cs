using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Workbench.Benchmarks -- --filter '*DatasetLoading*'
if (args.Length > 0 && args[0] == "ops-lottery") { Workbench.Benchmarks.LotteryOpsProbe.Run(); return; }
if (args.Length > 0 && args[0] == "profile-augment") { Workbench.Benchmarks.AugmentProfile.Run(); return; }
if (args.Length > 0 && args[0] == "profile-lottery") { Workbench.Benchmarks.LotteryStepProfile.Run(args); return; }
if (args.Length > 0 && args[0] == "probe-rmi") { Workbench.Benchmarks.RmiVariantProbe.Run(args); return; }
if (args.Length > 0 && args[0] == "profile-index") { Workbench.Benchmarks.LearnedIndexProfile.Run(args); return; }
if (args.Length > 0 && args[0] == "profile-rangenet") { Workbench.Benchmarks.RangeNetPipelineProfile.Run(args); return; }
BenchmarkSwitcher.FromAssembly(typeof(Workbench.Benchmarks.DatasetLoading).Assembly).Run(args);
