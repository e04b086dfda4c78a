using System.Text.Json.Nodes;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>
/// cmd/set-threshold <c>{"image_threshold": 0.6, "pixel_threshold": 0.5}</c> (either or both, raw
/// scores in [0,1], null clears the override): overrides the serving package's thresholds on this
/// line from the next part on, stored so it survives a restart (<see cref="LineThresholds"/>).
/// </summary>
public sealed class SetThresholdCommand(LineThresholds thresholds, ServingModelLoader serving) : ICommandHandler
{
    private const string Image = "image_threshold";
    private const string Pixel = "pixel_threshold";

    public string Name => "set-threshold";

    public bool Long => false;

    public int MaxPayloadBytes => 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        CommandFields.OnlyKnown(body, Name, Image, Pixel);
        var image = CommandFields.Number(body, Image, 0, 1);
        var pixel = CommandFields.Number(body, Pixel, 0, 1);
        if (!image.Present && !pixel.Present)
        {
            throw new CommandRefusedException("nothing to set; send {\"image_threshold\": 0.6} and/or {\"pixel_threshold\": 0.5}");
        }

        var package = serving.ServingPackage
            ?? throw new CommandRefusedException("the agent has not loaded its model yet; send set-threshold again when it is running");
        var (currentImage, currentPixel) = thresholds.Overrides(package);
        double? newImage = image.Present ? image.Value : currentImage;
        double? newPixel = pixel.Present ? pixel.Value : currentPixel;
        try
        {
            thresholds.Set(package, newImage, newPixel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandRefusedException($"the override cannot be stored ({e.Message}); make the state directory (Agent:StateDirectory) writable for the agent. Nothing was changed");
        }

        var m = package.Manifest;
        return Task.FromResult(new JsonObject { ["ok"] = true, [Image] = newImage, [Pixel] = newPixel, ["model"] = m.Name, ["version"] = m.Version });
    }
}
