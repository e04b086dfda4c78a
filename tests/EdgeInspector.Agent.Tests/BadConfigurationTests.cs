using System.Globalization;
using EdgeInspector.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// Issue #13 finding 5: bad configuration never crashes the agent. Every bad key is named in one
/// list (key, value, where it came from, what to write), exit 2, no stack trace; and the sources
/// win in the order the README documents.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class BadConfigurationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);

    private static void AssertExit2Naming(AgentProcess agent, int code, params string[] expected)
    {
        Assert.True(code == 2, $"exit {code}:\n{agent.Output}");
        AssertNoStackTrace(agent);
        foreach (string text in expected)
        {
            Assert.Contains(text, agent.Output, StringComparison.Ordinal);
        }
    }

    private static void AssertNoStackTrace(AgentProcess agent)
    {
        Assert.DoesNotContain("   at ", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_types_shapes_and_ranges_from_flags_and_file_are_all_named_in_one_list()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("agent.json");
        File.WriteAllText(file, """
            {
              "Agent": { "ConsoleVerdicts": "maybe", "StageCapacity": 0 },
              "Camera": { "Backend": "Webcam" },
              "Mqtt": { "StatusInterval": "10s" },
              "Updates": { "TrustedKeys": "-----BEGIN PUBLIC KEY-----" }
            }
            """);
        using var agent = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--port", Port(), "--config", file, "--Agent:MaxFrames=lots");

        int code = await agent.WaitForExitAsync(Patience);

        AssertExit2Naming(agent, code,
            "Agent:MaxFrames = 'lots' (flag --Agent:MaxFrames) is not valid: write a whole number",
            "Agent:ConsoleVerdicts = 'maybe'", "true or false",
            "Agent:StageCapacity = '0'", "from 1 to 64",
            "Camera:Backend = 'Webcam'", "one of Replay, Aravis, Spinnaker, OpenCv",
            "Mqtt:StatusInterval = '10s'", "hh:mm:ss",
            "Updates:TrustedKeys", "is a list",
            file, "Configuration errors (6)");
    }

    [Fact]
    public async Task A_json_syntax_error_in_the_config_file_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("agent.json");
        File.WriteAllText(file, "{\n  \"Agent\": { \"MaxFrames\": 4, }\n  \"Mqtt\": {}\n");
        using var agent = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--port", Port(), "--config", file);

        int code = await agent.WaitForExitAsync(Patience);

        Assert.True(code == 2, $"exit {code}:\n{agent.Output}");
        AssertNoStackTrace(agent);
        Assert.Contains(file + ": not valid JSON at line 3", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_failures_in_several_sections_are_all_reported_without_a_stack_trace()
    {
        using var agent = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--port", Port(), "--Agent:StageCapacity=0", "--Mqtt:OutboxCapacity=1", "--Agent:Thumbnail:Width=5", "--Agent:PreprocessBands=3");

        int code = await agent.WaitForExitAsync(Patience);

        AssertExit2Naming(agent, code, "Agent:StageCapacity = '0'", "Mqtt:OutboxCapacity = '1'", "Agent:Thumbnail:Width = '5'", "Agent:PreprocessBands = '3'", "from 1 to 2");
    }

    [Theory]
    [InlineData("2by2")]
    [InlineData("0x2")]
    [InlineData("9x1")]
    public void A_bad_tiling_names_the_key_and_the_fix(string value)
    {
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:Tiling"] = value }).Build();
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:Tiling"] = "3x2" }).Build();

        string problem = Assert.Single(ConfigurationCheck.Problems(bad));

        Assert.StartsWith($"Agent:Tiling = '{value}'", problem, StringComparison.Ordinal);
        Assert.Contains("write e.g. 2x2 or 3x2, or 1x1 for the untiled input", problem, StringComparison.Ordinal);
        Assert.Empty(ConfigurationCheck.Problems(good));
    }

    [Fact]
    public void A_string_where_a_list_belongs_is_refused_and_an_indexed_list_is_accepted()
    {
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Updates:TrustedKeys"] = "key.pem", ["Inference:Providers"] = "Cpu" }).Build();
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Updates:TrustedKeys:0"] = "key.pem", ["Inference:Providers:0"] = "Cpu" }).Build();

        var problems = ConfigurationCheck.Problems(bad);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Updates:TrustedKeys = 'key.pem'", StringComparison.Ordinal) && p.Contains("is a list", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Inference:Providers = 'Cpu'", StringComparison.Ordinal));
        Assert.Empty(ConfigurationCheck.Problems(good));
    }

    [Fact]
    public void Sources_win_in_the_documented_order_appsettings_file_environment_flags()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("appsettings.json"), """{ "Agent": { "DeviceId": "app", "MaxFrames": 1, "StageCapacity": 1, "ConsoleVerdicts": false } }""");
        File.WriteAllText(dir.Combine("agent.json"), """{ "Agent": { "MaxFrames": 2, "StageCapacity": 2, "ConsoleVerdicts": true } }""");
        string[] args = ["--ConfigFile=" + dir.Combine("agent.json"), "--Agent:ConsoleVerdicts=false"];
        Environment.SetEnvironmentVariable("EdgeInspector__Agent__StageCapacity", "3");
        Environment.SetEnvironmentVariable("EdgeInspector__Agent__ConsoleVerdicts", "true");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = dir.Path });
            builder.AddEdgeInspectorAgent(args);

            Assert.Equal("app", builder.Configuration["Agent:DeviceId"]);          // appsettings.json only
            Assert.Equal("2", builder.Configuration["Agent:MaxFrames"]);           // --config beats appsettings.json
            Assert.Equal("3", builder.Configuration["Agent:StageCapacity"]);       // environment beats --config
            Assert.Equal("false", builder.Configuration["Agent:ConsoleVerdicts"]); // flags beat the environment
        }
        finally
        {
            Environment.SetEnvironmentVariable("EdgeInspector__Agent__StageCapacity", null);
            Environment.SetEnvironmentVariable("EdgeInspector__Agent__ConsoleVerdicts", null);
        }
    }

    [Fact]
    public void Flags_beat_the_environment_also_without_a_config_file()
    {
        string[] args = ["--Agent:StageCapacity=5"];
        Environment.SetEnvironmentVariable("EdgeInspector__Agent__StageCapacity", "3");
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddEdgeInspectorAgent(args);

            Assert.Equal("5", builder.Configuration["Agent:StageCapacity"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EdgeInspector__Agent__StageCapacity", null);
        }
    }
}
