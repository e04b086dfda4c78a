using System.Reflection;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent.Tests;

/// <summary>Plant log shippers alert on EventIds (docs/logging.md): each is unique and documented.</summary>
public sealed class LogEventTests
{
    private static IEnumerable<LoggerMessageAttribute> Events() =>
        new[] { typeof(AgentOptions).Assembly, typeof(EdgeInspector.Messaging.MqttLink).Assembly, typeof(EdgeInspector.Inference.ModelSlot).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>();

    [Fact]
    public void Every_log_event_has_a_unique_id_and_name_listed_in_docs_logging()
    {
        var events = Events().ToList();
        string doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "logging.md"));

        Assert.True(events.Count > 40, $"only {events.Count} log events found");
        Assert.All(events, e => Assert.True(e.EventId > 0 && !string.IsNullOrEmpty(e.EventName), $"'{e.Message}' has no EventId/EventName"));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.Contains($"| {e.EventId} | `{e.EventName}` |", doc, StringComparison.Ordinal));
    }
}
