using EdgeInspector.Bench;

return await PipelineBenchmark.RunAsync(args);
