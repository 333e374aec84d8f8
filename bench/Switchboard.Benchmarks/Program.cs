using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Switchboard.Benchmarks -- --filter '*'   (BenchmarkDotNet's own flags)
BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Benchmarks.LoopbackEchoBenchmarks).Assembly).Run(args);
