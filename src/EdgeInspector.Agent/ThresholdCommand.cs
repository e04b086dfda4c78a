using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// cmd/set-threshold <c>{"image_threshold": 0.6, "pixel_threshold": 0.5}</c> (either or both, raw
/// scores in [0,1], null clears the override): overrides the serving package's thresholds on this
/// line from the next part on, stored so it survives a restart (<see cref="LineThresholds"/>).
/// </summary>
public static class ThresholdCommand
{
    public static JsonObject Apply(byte[] payload, LineThresholds thresholds, ModelPackage? serving)
    {
        if (serving is null)
        {
            return Error("the agent has not loaded its model yet; send set-threshold again when it is running");
        }

        JsonObject request;
        try
        {
            request = JsonNode.Parse(payload)?.AsObject() ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Error($"payload is not a JSON object ({e.Message}); send {{\"image_threshold\": 0.6}}");
        }

        var (image, pixel) = thresholds.Overrides(serving);
        bool any = false;
        foreach (var (key, value) in request)
        {
            double? parsed;
            if (value is null)
            {
                parsed = null;
            }
            else if (value is JsonValue v && v.TryGetValue(out double d) && d is >= 0 and <= 1 && double.IsFinite(d))
            {
                parsed = d;
            }
            else
            {
                return Error($"'{key}' must be a number in [0,1] or null, got {value.ToJsonString()}");
            }

            switch (key)
            {
                case "image_threshold":
                    image = parsed;
                    break;
                case "pixel_threshold":
                    pixel = parsed;
                    break;
                default:
                    return Error($"unknown field '{key}'; set-threshold takes image_threshold and pixel_threshold");
            }

            any = true;
        }

        if (!any)
        {
            return Error("nothing to set; send {\"image_threshold\": 0.6} and/or {\"pixel_threshold\": 0.5}");
        }

        try
        {
            thresholds.Set(serving, image, pixel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error($"the override cannot be stored ({e.Message}); make Updates:StateDirectory writable for the agent. Nothing was changed");
        }

        var m = serving.Manifest;
        return new JsonObject { ["ok"] = true, ["image_threshold"] = image, ["pixel_threshold"] = pixel, ["model"] = m.Name, ["version"] = m.Version };
    }

    private static JsonObject Error(string message) => new() { ["error"] = message };
}
