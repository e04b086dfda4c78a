namespace EdgeInspector.Messaging;

/// <summary>The device's MQTT topics (contract: docs/mqtt.md).</summary>
public sealed class Topics(string root, string deviceId)
{
    /// <summary>The topic root every device lives under (Mqtt:TopicRoot).</summary>
    public string Root { get; } = root.TrimEnd('/');

    public string Device { get; } = $"{root.TrimEnd('/')}/{deviceId}";

    /// <summary>Where command replies may go under the root: {device}/reply/… (docs/mqtt.md).</summary>
    public string ReplyPrefix => $"{Device}/reply/";

    public string Verdict => $"{Device}/verdict";

    public string Thumbnail => $"{Device}/thumbnail";

    public string Status => $"{Device}/status";

    /// <summary>Full-resolution JPEGs asked for with cmd/snapshot.</summary>
    public string Snapshot => $"{Device}/snapshot";

    /// <summary>Device → workstation: a captured part's image in chunks, asked for with cmd/capture-fetch (docs/data-loop.md).</summary>
    public string CaptureChunkPrefix => $"{Device}/capture/chunk/";

    public string CaptureChunk(string captureId, int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{CaptureChunkPrefix}{captureId}/{index}");

    public string CommandFilter => $"{Device}/cmd/+";

    public string CommandPrefix => $"{Device}/cmd/";

    /// <summary>Workstation → device: a signed package on offer (docs/model-updates.md).</summary>
    public string ModelOffer => $"{Device}/model/offer";

    /// <summary>Device → workstation, retained: where the transfer stands.</summary>
    public string ModelState => $"{Device}/model/state";

    public string ModelChunkFilter => $"{Device}/model/chunk/+/+";

    public string ModelChunkPrefix => $"{Device}/model/chunk/";

    public string ModelChunk(string transferId, int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ModelChunkPrefix}{transferId}/{index}");
}
