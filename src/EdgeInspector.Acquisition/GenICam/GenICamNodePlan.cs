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
/// <param name="Instead">The write to make when the camera lacks <paramref name="Node"/>: the pre-SFNC 2.0 name
/// many cameras (and Aravis' fake camera) still use, e.g. ExposureTimeAbs for ExposureTime.</param>
public sealed record NodeWrite(string Node, NodeWriteKind Kind, string Value, string Option, bool Optional = false, NodeMapKind Map = NodeMapKind.Device, NodeWrite? Instead = null)
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
    public static IReadOnlyList<NodeWrite> For(SpinnakerOptions options) => For(options, SpinnakerOptions.Section);

    public static IReadOnlyList<NodeWrite> For(AravisOptions options) => For(options, AravisOptions.Section);

    /// <summary>The plan for any SDK; <paramref name="section"/> (e.g. <c>Camera:Aravis</c>) names the options in errors.</summary>
    public static IReadOnlyList<NodeWrite> For(GenICamCameraOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        string P = section + ":";
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
            plan.Add(new("ExposureTime", NodeWriteKind.Float, Invariant(exposure), P + "ExposureUs", Instead: new("ExposureTimeAbs", NodeWriteKind.Float, Invariant(exposure), P + "ExposureUs")));
        }

        if (options.Gain is double gain)
        {
            plan.Add(new("GainAuto", NodeWriteKind.Enumeration, "Off", P + "Gain", Optional: true));
            plan.Add(new("Gain", NodeWriteKind.Float, Invariant(gain), P + "Gain", Instead: new("GainRaw", NodeWriteKind.Integer, Invariant((int)Math.Round(gain)), P + "Gain")));
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

    /// <summary>
    /// Applies a plan in order through one SDK's node access: every write checked against what the
    /// camera offers (entries, bounds, increments), set, and read back. Returns each write as
    /// <c>Node=value read back</c>, and the optional writes the camera has no writable node for.
    /// </summary>
    public static (List<string> Applied, List<string> Skipped) Apply(IReadOnlyList<NodeWrite> plan, IGenICamNodes device, IGenICamNodes? stream)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(device);
        var applied = new List<string>(plan.Count);
        var skipped = new List<string>();
        foreach (var planned in plan)
        {
            var nodes = planned.Map == NodeMapKind.Stream ? stream : device;
            var write = nodes is not null && nodes.Access(planned.Node) == NodeAccess.Missing && planned.Instead is { } instead && nodes.Access(instead.Node) != NodeAccess.Missing
                ? instead
                : planned;
            string? value = nodes is null ? (write.Optional ? null : throw new CameraException($"This camera backend has no {write.Map} node map, so {write.Option} cannot set {write.Node}.")) : Apply(nodes, write);
            if (value is null)
            {
                skipped.Add(write.Node);
            }
            else
            {
                applied.Add($"{write.Node}={value}");
            }
        }

        return (applied, skipped);
    }

    private static string? Apply(IGenICamNodes nodes, NodeWrite write)
    {
        var access = nodes.Access(write.Node);
        if (access != NodeAccess.Writable)
        {
            return write.Optional
                ? null
                : throw new CameraException($"Camera feature {write.Node} is {(access == NodeAccess.Missing ? "not available" : "not writable")} on this camera, so {write.Option} cannot set it to '{write.Value}'.");
        }

        switch (write.Kind)
        {
            case NodeWriteKind.Enumeration:
            {
                var offered = nodes.Entries(write.Node);
                if (!offered.Contains(write.Value, StringComparer.Ordinal))
                {
                    return write.Optional
                        ? null
                        : throw new CameraException($"Camera feature {write.Node} cannot be '{write.Value}' ({write.Option}); this camera offers {string.Join(", ", offered)}.");
                }

                nodes.SetEnumeration(write.Node, write.Value);
                string? actual = nodes.GetEnumeration(write.Node);
                return string.Equals(actual, write.Value, StringComparison.Ordinal)
                    ? actual
                    : throw new CameraException($"Camera feature {write.Node} reads '{actual}' after setting '{write.Value}' ({write.Option}).");
            }

            case NodeWriteKind.Float:
            {
                double value = write.Number;
                var (min, max) = nodes.FloatBounds(write.Node);
                if (value < min || value > max)
                {
                    throw new CameraException($"Camera feature {write.Node} cannot be {Format(value)} ({write.Option}): this camera allows {Format(min)}..{Format(max)} with the settings before it.");
                }

                nodes.SetFloat(write.Node, value);
                return Format(nodes.GetFloat(write.Node));
            }

            case NodeWriteKind.Integer:
            case NodeWriteKind.IntegerMaximumLess:
            {
                var (min, max, step) = nodes.IntegerBounds(write.Node);
                long increment = step > 0 ? step : 1;
                long value = write.Kind == NodeWriteKind.Integer ? write.Integer : max - write.Integer;
                if (write.Kind == NodeWriteKind.IntegerMaximumLess)
                {
                    value -= (value - min) % increment;
                }

                if (value < min || value > max || (value - min) % increment != 0)
                {
                    throw new CameraException($"Camera feature {write.Node} cannot be {value} ({write.Option}): this camera allows {min}..{max} in steps of {increment} with the settings before it.");
                }

                nodes.SetInteger(write.Node, value);
                long actual = nodes.GetInteger(write.Node);
                return actual == value
                    ? actual.ToString(CultureInfo.InvariantCulture)
                    : throw new CameraException($"Camera feature {write.Node} reads {actual} after setting {value} ({write.Option}).");
            }

            case NodeWriteKind.Boolean:
                nodes.SetBoolean(write.Node, write.Flag);
                return nodes.GetBoolean(write.Node) ? "true" : "false";

            default:
                throw new ArgumentOutOfRangeException(nameof(write), write.Kind, "Unknown node write kind.");
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static NodeWrite Size(string node, int size, int offset, string prefix) => size == 0
        ? new(node, NodeWriteKind.IntegerMaximumLess, Invariant(offset), prefix + node)
        : new(node, NodeWriteKind.Integer, Invariant(size), prefix + node);

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
