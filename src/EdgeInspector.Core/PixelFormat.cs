namespace EdgeInspector.Core;

/// <summary>Pixel layouts a camera backend may deliver (GenICam PFNC names).</summary>
public enum PixelFormat
{
    Rgb8,
    Bgr8,
    BayerRG8,
    Mono8,
}

public static class PixelFormatExtensions
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Rgb8 or PixelFormat.Bgr8 => 3,
        PixelFormat.BayerRG8 or PixelFormat.Mono8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format."),
    };
}
