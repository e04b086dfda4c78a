using EdgeInspector.Core;
using EdgeInspector.Messaging;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>Verdicts to {device}/verdict through the durable lane, thumbnails best-effort to {device}/thumbnail.</summary>
public sealed class MqttVerdictSink(MqttLink link, Topics topics) : IVerdictSink
{
    public void Publish(Verdict verdict, byte[]? thumbnail)
    {
        link.EnqueueDurable(new OutgoingMessage(topics.Verdict, ContractJson.Serialize(verdict), ContentType: "application/json", VerdictId: verdict.Id), verdict.Seq);
        if (thumbnail is not null)
        {
            link.Enqueue(new OutgoingMessage(topics.Thumbnail, thumbnail, ContentType: "image/jpeg", VerdictId: verdict.Id));
        }
    }
}
