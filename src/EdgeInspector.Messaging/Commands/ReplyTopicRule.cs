namespace EdgeInspector.Messaging.Commands;

/// <summary>
/// Where a command's reply may go (docs/mqtt.md, "Command replies"): the request's MQTT 5 response
/// topic, when it is a plain topic (no wildcard, not <c>$</c>-reserved) and either outside the topic
/// root or under this device's <c>{root}/{device}/reply/</c>. Never onto a contract topic (verdict,
/// status, model/state, another device's), where a reply would pass for the device's own data.
/// The broker ACL (deploy/mosquitto/acl) grants a device exactly <c>{root}/{device}/reply/#</c> for replies.
/// </summary>
public sealed class ReplyTopicRule(Topics topics)
{
    /// <summary>MQTT allows 65535 bytes; a reply topic longer than this is a mistake or an attack.</summary>
    public const int MaxLength = 512;

    /// <summary>Null when a reply may go to <paramref name="responseTopic"/> (or there is none), else why not.</summary>
    public string? Refusal(string? responseTopic)
    {
        if (string.IsNullOrEmpty(responseTopic))
        {
            return null;
        }

        if (responseTopic.Length > MaxLength || responseTopic.AsSpan().IndexOfAny("+#\0") >= 0 || responseTopic.StartsWith('$'))
        {
            return $"response topic '{Shorten(responseTopic)}' is not a plain topic (wildcard, '$' or over {MaxLength} characters)";
        }

        if (responseTopic.StartsWith(topics.Root + "/", StringComparison.Ordinal) && !responseTopic.StartsWith(topics.ReplyPrefix, StringComparison.Ordinal))
        {
            return $"response topic '{Shorten(responseTopic)}' is under {topics.Root}/ but not {topics.ReplyPrefix}: replies never go to a device's contract topics";
        }

        return null;
    }

    private static string Shorten(string topic) => topic.Length <= 80 ? topic : topic[..80] + "…";
}
