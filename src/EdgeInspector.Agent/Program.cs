using EdgeInspector.Agent;
using Microsoft.Extensions.Hosting;

string[] normalized;
try
{
    normalized = AgentCommandLine.Normalize(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

if (EdgeInspector.Imaging.OpenCvRuntime.Problem() is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 1;
}

try
{
    var builder = Host.CreateApplicationBuilder(normalized);
    builder.AddEdgeInspectorAgent(normalized);
    await builder.Build().RunAsync();
    return Environment.ExitCode;
}
catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or FileNotFoundException)
{
    // Bad configuration is the operator's to fix, not a crash: one line naming the key, exit 2.
    await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
    return 2;
}
