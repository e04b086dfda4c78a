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
    var found = ConfigurationCheck.Check(builder.Configuration);
    using var host = builder.Build();
    ConfigurationCheck.ValidateAtStart(host.Services, found);
    await host.RunAsync();
    return Environment.ExitCode;
}
catch (Exception e) when (e is AgentConfigurationException or Microsoft.Extensions.Options.OptionsValidationException || e is InvalidDataException { InnerException: FormatException })
{
    // Bad configuration is the operator's to fix, not a crash: every bad key in one list, exit 2.
    IReadOnlyList<string> bad = e switch
    {
        AgentConfigurationException c => c.Problems,
        Microsoft.Extensions.Options.OptionsValidationException o => [.. o.Failures],
        _ => [e.Message + " " + e.InnerException!.Message.Split('\n')[0]],
    };
    await Console.Error.WriteLineAsync($"Configuration error{(bad.Count > 1 ? $"s ({bad.Count})" : "")}:");
    foreach (string line in bad)
    {
        await Console.Error.WriteLineAsync("  " + line);
    }

    return 2;
}
