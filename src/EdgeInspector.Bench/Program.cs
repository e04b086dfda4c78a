using EdgeInspector.Bench;
using EdgeInspector.Bench.Soak;

return args is ["soak", .. var rest] ? await SoakRun.RunAsync(rest) : await PipelineBenchmark.RunAsync(args);
