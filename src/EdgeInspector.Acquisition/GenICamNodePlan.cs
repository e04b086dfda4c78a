using System.Globalization;

namespace EdgeInspector.Acquisition;

/// <summary>Which GenICam node map a write goes to.</summary>
public enum NodeMapKind
{
    /// <summary>The camera's own features (PixelFormat, ExposureTime, TriggerMode, ...).</summary>
    Device,

    /// <summary>The transport layer's stream features (StreamBufferCountManual, StreamBufferHandlingMode).</summary>
    Stream,
}

public enum NodeWriteKind
{
    /// <summary>Value is the symbolic entry name (e.g. <c>BayerRG8</c>).</summary>
    Enumeration,

    /// <summary>Value is an invariant-culture double.</summary>
    Float,

    /// <summary>Value is an invariant-culture integer; it must lie within the node's bounds and increment.</summary>
    Integer,

    /// <summary>Set the integer node to its maximum less Value (the full sensor less the offset).</summary>
    IntegerMaximumLess,

    /// <summary>Value is <c>true</c> or <c>false</c>.</summary>
    Boolean,
}

/// <summary>
/// One feature write of a camera configuration. <paramref name="Option"/> is the configuration key
/// it comes from, named in errors. An <paramref name="Optional"/> write is skipped when the camera
/// lacks the node or it is not writable (features older or other models name differently).
/// </summary>
public sealed record NodeWrite(string Node, NodeWriteKind Kind, string Value, string Option, bool Optional = false, NodeMapKind Map = NodeMapKind.Device)
{
    public double Number => double.Parse(Value, CultureInfo.InvariantCulture);

    public long Integer => long.Parse(Value, CultureInfo.InvariantCulture);

    public bool Flag => bool.Parse(Value);

    public override string ToString() =>
        (Map == NodeMapKind.Stream ? "Stream." : "") + Node + (Kind == NodeWriteKind.IntegerMaximumLess ? $"=max-{Value}" : $"={Value}") + (Optional ? "?" : "");
}

/// <summary>
/// The ordered GenICam (SFNC) feature writes that configure a camera from its options, as data, so
/// the order the camera needs is unit-tested without one: acquisition and trigger off first (most
/// features are locked while triggered or acquiring), pixel format before the region (it changes
/// the region's bounds), offsets zeroed before the size is set and applied after it, auto
/// exposure/gain off before their values, the frame rate before the trigger, then the trigger in
/// the order TriggerSelector → TriggerSource → TriggerActivation → TriggerMode=On, then the
/// camera-driven strobe, then the stream's buffers.
/// </summary>
public static class GenICamNodePlan
{
    public static IReadOnlyList<NodeWrite> For(SpinnakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string P = SpinnakerOptions.Section + ":";
        var plan = new List<NodeWrite>
        {
            new("AcquisitionMode", NodeWriteKind.Enumeration, "Continuous", P + "Trigger"),

            // Trigger settings can only change while TriggerMode is Off; free run needs it Off anyway.
            new("TriggerMode", NodeWriteKind.Enumeration, "Off", P + "Trigger", Optional: options.Trigger == CameraTrigger.FreeRun),
            new("PixelFormat", NodeWriteKind.Enumeration, options.PixelFormat, P + "PixelFormat"),

            // Zero the offsets so the largest size is allowed, set the size, then move the region.
            new("OffsetX", NodeWriteKind.Integer, "0", P + "OffsetX"),
            new("OffsetY", NodeWriteKind.Integer, "0", P + "OffsetY"),
            Size("Width", options.Width, options.OffsetX, P),
            Size("Height", options.Height, options.OffsetY, P),
        };
        if (options.OffsetX != 0)
        {
            plan.Add(new("OffsetX", NodeWriteKind.Integer, Invariant(options.OffsetX), P + "OffsetX"));
        }

        if (options.OffsetY != 0)
        {
            plan.Add(new("OffsetY", NodeWriteKind.Integer, Invariant(options.OffsetY), P + "OffsetY"));
        }

        if (options.ExposureUs is double exposure)
        {
            plan.Add(new("ExposureAuto", NodeWriteKind.Enumeration, "Off", P + "ExposureUs", Optional: true));
            plan.Add(new("ExposureMode", NodeWriteKind.Enumeration, "Timed", P + "ExposureUs", Optional: true));
            plan.Add(new("ExposureTime", NodeWriteKind.Float, Invariant(exposure), P + "ExposureUs"));
        }

        if (options.Gain is double gain)
        {
            plan.Add(new("GainAuto", NodeWriteKind.Enumeration, "Off", P + "Gain", Optional: true));
            plan.Add(new("Gain", NodeWriteKind.Float, Invariant(gain), P + "Gain"));
        }

        // Exposure bounds the frame rate and vice versa: exposure first, then the rate it allows.
        if (options.FrameRate is double rate)
        {
            plan.Add(new("AcquisitionFrameRateEnable", NodeWriteKind.Boolean, "true", P + "FrameRate", Optional: true));
            plan.Add(new("AcquisitionFrameRate", NodeWriteKind.Float, Invariant(rate), P + "FrameRate"));
        }

        if (options.Trigger != CameraTrigger.FreeRun)
        {
            plan.Add(new("TriggerSelector", NodeWriteKind.Enumeration, "FrameStart", P + "Trigger"));
            plan.Add(new("TriggerSource", NodeWriteKind.Enumeration, options.Trigger.ToString(), P + "Trigger"));

            // A software trigger has no edge: cameras may lock TriggerActivation for it.
            plan.Add(new("TriggerActivation", NodeWriteKind.Enumeration, options.TriggerActivation, P + "TriggerActivation", Optional: options.Trigger == CameraTrigger.Software));
            plan.Add(new("TriggerMode", NodeWriteKind.Enumeration, "On", P + "Trigger"));
        }

        if (options.StrobeLine is { Length: > 0 } line)
        {
            plan.Add(new("LineSelector", NodeWriteKind.Enumeration, line, P + "StrobeLine"));
            plan.Add(new("LineMode", NodeWriteKind.Enumeration, "Output", P + "StrobeLine"));
            plan.Add(new("LineSource", NodeWriteKind.Enumeration, "ExposureActive", P + "StrobeLine"));
        }

        // Free run inspects the newest frame (a slow pipeline never works on stale frames);
        // triggered capture keeps every triggered frame, oldest first, one per part.
        plan.Add(new("StreamBufferCountMode", NodeWriteKind.Enumeration, "Manual", P + "BufferCount", Optional: true, Map: NodeMapKind.Stream));
        plan.Add(new("StreamBufferCountManual", NodeWriteKind.Integer, Invariant(options.BufferCount), P + "BufferCount", Optional: true, Map: NodeMapKind.Stream));
        plan.Add(new("StreamBufferHandlingMode", NodeWriteKind.Enumeration, options.Trigger == CameraTrigger.FreeRun ? "NewestOnly" : "OldestFirst", P + "Trigger", Optional: true, Map: NodeMapKind.Stream));
        return plan;
    }

    private static NodeWrite Size(string node, int size, int offset, string prefix) => size == 0
        ? new(node, NodeWriteKind.IntegerMaximumLess, Invariant(offset), prefix + node)
        : new(node, NodeWriteKind.Integer, Invariant(size), prefix + node);

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
