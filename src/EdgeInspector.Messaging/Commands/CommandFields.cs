using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Messaging.Commands;

/// <summary>
/// Strict reading of a command payload: one JSON object, no duplicate keys at any depth, only the
/// fields the command knows, each of its type and range. Every problem is a
/// <see cref="CommandRefusedException"/> that says what to send instead.
/// </summary>
public static class CommandFields
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Parses <paramref name="payload"/> as one JSON object; an empty payload is <c>{}</c>.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            throw new CommandRefusedException(e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
                ? $"payload has a duplicate key ({e.Message}); send each field once"
                : $"payload is not a JSON object ({e.Message})");
        }

        return node as JsonObject ?? throw new CommandRefusedException($"payload is not a JSON object (got {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"})");
    }

    /// <summary>Refuses any field not in <paramref name="known"/>, naming the ones the command takes.</summary>
    public static void OnlyKnown(JsonObject body, string command, params string[] known)
    {
        foreach (var (key, _) in body)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                throw new CommandRefusedException(known.Length == 0
                    ? $"unknown field '{key}'; {command} takes no fields (send {{}})"
                    : $"unknown field '{key}'; {command} takes {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>
    /// An integer field in min..max; refused when absent (unless optional), of another type or out
    /// of range. <paramref name="meaning"/> (what the number is) and <paramref name="example"/> go into the refusal.
    /// </summary>
    public static int? Integer(JsonObject body, string field, int min, int max, bool required, string meaning, string example)
    {
        string Refusal(JsonNode? got) => string.Create(CultureInfo.InvariantCulture, $"'{field}' must be an integer in {min}..{max} ({meaning}), got {got?.ToJsonString() ?? "nothing"}; send {example}");
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return required ? throw new CommandRefusedException(Refusal(value)) : null;
        }

        return value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int i) && i >= min && i <= max
            ? i
            : throw new CommandRefusedException(Refusal(value));
    }

    /// <summary>A number field in [min, max]; null (JSON null) clears, absent is <c>(false, null)</c>.</summary>
    public static (bool Present, double? Value) Number(JsonObject body, string field, double min, double max)
    {
        if (!body.TryGetPropertyValue(field, out var value))
        {
            return (false, null);
        }

        if (value is null)
        {
            return (true, null);
        }

        return value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && double.IsFinite(d) && d >= min && d <= max
            ? (true, d)
            : throw new CommandRefusedException(string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a number in [{min},{max}] or null, got {value.ToJsonString()}"));
    }

    /// <summary>A string field of 1..<paramref name="maxLength"/> characters; null when absent and optional.</summary>
    public static string? Text(JsonObject body, string field, int maxLength, bool required, string example)
    {
        string Refusal(JsonNode? got) => string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a string of 1..{maxLength} characters, got {got?.ToJsonString() ?? "nothing"}; send {example}");
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return required ? throw new CommandRefusedException(Refusal(value)) : null;
        }

        return value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text && text.Length <= maxLength
            ? text
            : throw new CommandRefusedException(Refusal(value));
    }

    /// <summary>An array of 1..<paramref name="maxCount"/> strings, each 1..<paramref name="maxLength"/> characters; null when absent and optional.</summary>
    public static IReadOnlyList<string>? Texts(JsonObject body, string field, int maxCount, int maxLength, bool required, string example)
    {
        string refusal = string.Create(CultureInfo.InvariantCulture, $"'{field}' must be an array of 1..{maxCount} strings of 1..{maxLength} characters; send {example}");
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return required ? throw new CommandRefusedException(refusal) : null;
        }

        if (value is not JsonArray array || array.Count is 0 || array.Count > maxCount)
        {
            throw new CommandRefusedException(refusal);
        }

        var texts = new List<string>(array.Count);
        foreach (var item in array)
        {
            texts.Add(item is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text && text.Length <= maxLength
                ? text
                : throw new CommandRefusedException(refusal + $" (got {item?.ToJsonString() ?? "null"})"));
        }

        return texts;
    }
}
