using System.Runtime.InteropServices;
using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// The model input of an image file, made the way the pipeline makes it from a camera frame:
/// OpenCV decode into a pooled Bgr8 <see cref="Frame"/>, then <see cref="ModelInputWriter"/>. Eval,
/// enroll and the golden self-test read files through it, so a file and a frame never differ.
/// </summary>
public sealed class ImageFileInput : IDisposable
{
    private readonly FramePool _pool = new(maxRetained: 2);
    private readonly ModelInputWriter _writer = new();

    /// <summary>Width and height of the last image <see cref="TryWrite"/> decoded (before any resize).</summary>
    public (int Width, int Height) LastImageSize { get; private set; }

    /// <summary>Writes the uint8 RGB input of <paramref name="imagePath"/> for <paramref name="input"/>; false when the file is missing or not an image.</summary>
    public bool TryWrite(string imagePath, ModelInput input, byte[] destination)
    {
        using var bgr = Cv2.ImRead(imagePath, ImreadModes.Color);
        if (bgr.Empty())
        {
            return false;
        }

        int width = bgr.Width;
        int height = bgr.Height;
        LastImageSize = (width, height);
        using var frame = _pool.Rent(width, height, PixelFormat.Bgr8, 0, 0, 0);
        for (int y = 0; y < height; y++)
        {
            Marshal.Copy(bgr.Ptr(y), frame.Buffer, y * frame.Stride, width * 3);
        }

        _writer.Write(frame, input.Width, input.Height, input.Resize, destination);
        return true;
    }

    public void Dispose() => _writer.Dispose();
}
