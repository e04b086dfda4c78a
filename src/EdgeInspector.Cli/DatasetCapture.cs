using System.Globalization;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>
/// Captures training images from the line's camera into the dataset layout the trainer reads
/// (<c>OUT/&lt;label&gt;/NNNN.png</c>, e.g. <c>train/good</c>), at full resolution and losslessly, with
/// the same camera backends the agent uses.
/// </summary>
internal static class DatasetCapture
{
    /// <summary>replay:DIR | aravis[:ID] | spinnaker[:SERIAL] | spinnakernet[:SERIAL] (Windows) | opencv:SOURCE, through the agent's <see cref="CameraSpec"/> and <see cref="CameraFactory"/>.</summary>
    public static ICamera Open(string spec, FramePool pool)
    {
#if SPINNAKER_NET
        if (spec.Split(':', 2) is ["spinnakernet", .. var serial])
        {
            return new SpinnakerNetCamera(new SpinnakerOptions { Serial = serial.FirstOrDefault() is { Length: > 0 } s ? s : null }, pool);
        }
#endif
        try
        {
            var options = CameraSpec.Parse(spec).ApplyTo(new CameraOptions());
            options.Replay.Fps = 0;
            options.Replay.Loop = false;
            return CameraFactory.Create(options, pool);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"capture: {e.Message} (spinnakernet[:SERIAL] on Windows with the FLIR SDK)");
        }
    }

    /// <summary>Writes up to <paramref name="count"/> frames as PNG; returns how many were written.</summary>
    public static async Task<int> RunAsync(ICamera camera, string directory, int count, TimeSpan interval, TextWriter progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        int first = Directory.EnumerateFiles(directory, "*.png").Count();
        using var rgb = new Mat();
        using var bgr = new Mat();
        int written = 0;
        while (written < count)
        {
            using var frame = await camera.CaptureAsync(cancellationToken).ConfigureAwait(false);
            if (frame is null)
            {
                break;
            }

            FrameImage.ToRgb(frame, rgb);
            Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
            string path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{first + written:D5}.png"));
            if (!Cv2.ImWrite(path, bgr))
            {
                throw new CliException($"capture: cannot write '{path}'; check the folder's permissions and free space");
            }

            written++;
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{written}/{count} {path} ({frame.Width}x{frame.Height} {frame.Format}, camera frame {frame.CameraFrameId})"));
            if (interval > TimeSpan.Zero && written < count)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }

        return written;
    }
}
