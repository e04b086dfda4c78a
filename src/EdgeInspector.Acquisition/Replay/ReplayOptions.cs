using System.ComponentModel.DataAnnotations;

namespace EdgeInspector.Acquisition;

/// <summary>Plays a folder of images or a video file as if it were a camera.</summary>
public sealed class ReplayOptions
{
    /// <summary>A folder of .png/.jpg/.bmp/.tif images (played in name order) or a video file.</summary>
    public string Path { get; set; } = "";

    /// <summary>Frames per second; 0 plays as fast as the pipeline takes them.</summary>
    [Range(0, 1000)]
    public double Fps { get; set; } = 10;

    /// <summary>Start over at the end; otherwise the source ends and the agent stops acquiring.</summary>
    public bool Loop { get; set; } = true;

    /// <summary>
    /// Largest image (width x height) replay decodes; a larger one is an ERROR part naming the file
    /// and its size, refused from its header (PNG, JPEG, BMP) before anything is decoded. The
    /// default, 100 MP, is eleven times the line camera's 8.9 MP.
    /// </summary>
    [Range(1, 1L << 30)]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>A folder whose decoded images fit this budget is decoded once at start.</summary>
    [Range(0, long.MaxValue)]
    public long CacheBytes { get; set; } = 256L << 20;
}
