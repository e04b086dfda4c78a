namespace EdgeInspector.Messaging;

/// <summary>A message waiting in the outbox.</summary>
public sealed record OutgoingMessage(string Topic, byte[] Payload, bool Retain = false, string? ContentType = null, string? VerdictId = null, byte[]? CorrelationData = null);
