using EdgeInspector.Messaging;
using EdgeInspector.Updates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Tests;

/// <summary>Agent:StateDirectory holds everything the agent keeps; Updates:StateDirectory stays a working alias.</summary>
public sealed class StateDirectoryTests
{
    private static ServiceProvider Services(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(["--Model:Package=/nowhere", .. args]);
        builder.AddEdgeInspectorAgent([]);
        return (ServiceProvider)builder.Build().Services;
    }

    [Fact]
    public void Agent_StateDirectory_holds_the_model_store_and_the_outbox()
    {
        using var services = Services("--Agent:StateDirectory=/var/lib/ei-test");

        Assert.Equal("/var/lib/ei-test", services.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory());
        Assert.Equal("/var/lib/ei-test", services.GetRequiredService<ModelStore>().StateDirectory);
        Assert.Equal("/var/lib/ei-test/outbox.db", services.GetRequiredService<IOptions<MqttOptions>>().Value.Outbox.Path);
    }

    [Fact]
    public void The_old_key_Updates_StateDirectory_still_works_as_an_alias()
    {
        using var services = Services("--Updates:StateDirectory=/var/lib/ei-old");

        Assert.Equal("/var/lib/ei-old", services.GetRequiredService<ModelStore>().StateDirectory);
        Assert.Equal("/var/lib/ei-old/outbox.db", services.GetRequiredService<IOptions<MqttOptions>>().Value.Outbox.Path);
    }

    [Fact]
    public void Both_keys_naming_different_folders_stop_the_start_naming_the_new_key()
    {
        using var services = Services("--Agent:StateDirectory=/var/lib/a", "--Updates:StateDirectory=/var/lib/b");

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AgentOptions>>().Value);
        Assert.Contains("set only Agent:StateDirectory", e.Message, StringComparison.Ordinal);
        using var same = Services("--Agent:StateDirectory=/var/lib/a", "--Updates:StateDirectory=/var/lib/a/");
        Assert.Equal("/var/lib/a", same.GetRequiredService<IOptions<AgentOptions>>().Value.ResolveStateDirectory());
    }
}
