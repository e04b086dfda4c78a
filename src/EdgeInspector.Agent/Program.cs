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

var builder = Host.CreateApplicationBuilder(normalized);
builder.AddEdgeInspectorAgent(normalized);
await builder.Build().RunAsync();
return Environment.ExitCode;
