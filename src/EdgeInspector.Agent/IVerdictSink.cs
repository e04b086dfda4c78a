using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>Where finished verdicts go (the MQTT outbox, the console, a test).</summary>
public interface IVerdictSink
{
    /// <summary>Takes a verdict and its thumbnail; must not block the line.</summary>
    void Publish(Verdict verdict, byte[]? thumbnail);
}
