using System.Text.Json;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>Fields of the agent's status and verdict JSON that the end-to-end tests wait on.</summary>
internal static class AgentMessages
{
    public static int? StatusVersion(ReceivedMessage status) =>
        status.Json.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? m.GetProperty("version").GetInt32() : null;

    public static int VerdictVersion(ReceivedMessage verdict) => verdict.Json.GetProperty("model").GetProperty("version").GetInt32();
}
