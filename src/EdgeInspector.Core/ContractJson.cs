using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeInspector.Core;

/// <summary>Source-generated JSON for the MQTT contracts: snake_case, no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Verdict))]
[JsonSerializable(typeof(AgentStatus))]
public sealed partial class ContractJson : JsonSerializerContext
{
    public static byte[] Serialize(Verdict verdict) => JsonSerializer.SerializeToUtf8Bytes(verdict, Default.Verdict);

    public static byte[] Serialize(AgentStatus status) => JsonSerializer.SerializeToUtf8Bytes(status, Default.AgentStatus);
}
