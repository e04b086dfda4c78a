using System.Buffers;
using System.Threading.Channels;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Messaging.Commands;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace EdgeInspector.Agent.Capture;

/// <summary>
/// The data loop's tap: keeps the full-resolution image and verdict of the parts worth a person's
/// look (<see cref="CaptureKinds.Select"/>) in the <see cref="CaptureStore"/>. The line never waits
/// for it: <see cref="Observe"/> only copies the frame into a pooled buffer and hands it to a
/// bounded queue; encoding and disk writes happen in <see cref="RunAsync"/>. When the writer is
/// behind (Capture:MaxPending), a capture is dropped and counted.
/// </summary>
public sealed class PartCapture : IInspectionTap
{
    private readonly CaptureOptions _options;
    private readonly CaptureStore _store;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Channel<PendingCapture> _pending;

    /// <summary>A nearly full disk would otherwise log every NG part.</summary>
    private readonly ThrottledLog _throttle = new(TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>Its own pool: full-resolution frames (up to 27 MB) are bigger than the shared pool keeps.</summary>
    private readonly ArrayPool<byte> _buffers;
    private long _dropped;

    public PartCapture(CaptureOptions options, CaptureStore store, Random random, ILogger<PartCapture> logger)
    {
        _options = options;
        _store = store;
        _random = random;
        _logger = logger;
        _buffers = ArrayPool<byte>.Create(maxArrayLength: 64 << 20, maxArraysPerBucket: options.MaxPending + 1);
        _pending = Channel.CreateBounded<PendingCapture>(new BoundedChannelOptions(options.MaxPending)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Captures dropped because the writer was behind, the disk refused them or there was no room.</summary>
    public long Dropped => Interlocked.Read(ref _dropped) + _store.NoRoom;

    public CaptureStatus Status => new(_store.Held, _store.Bytes, Dropped, _store.Evicted);

    /// <summary>On the publish stage's thread: select, copy, hand off; never blocks.</summary>
    public void Observe(DecidedPart part)
    {
        if (!_options.Enabled || part.Frame is not { } frame || CaptureKinds.Select(part.Verdict, hasImage: true, _options, _random) is not { } kind)
        {
            return;
        }

        if (_pending.Reader.Count >= _options.MaxPending)
        {
            // Behind: drop before copying a full-resolution frame for nothing.
            Interlocked.Increment(ref _dropped);
            return;
        }

        byte[] pixels = _buffers.Rent(frame.Length);
        frame.Pixels.CopyTo(pixels);
        if (!_pending.Writer.TryWrite(new PendingCapture(part.Verdict, kind, pixels, frame.Width, frame.Height, frame.Format)))
        {
            _buffers.Return(pixels);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>The disk writer: encodes and stores each queued capture until cancelled. A failed write is logged and counted, never fatal.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var capture in _pending.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    byte[] image = Encode(capture);
                    if (!_store.Add(capture.Verdict, capture.Kind, image, _options.Format == CaptureFormat.Png ? ".png" : ".jpg") && _throttle.ShouldLog("no-room", out long suppressed))
                    {
                        Log.CaptureNoRoom(_logger, capture.Verdict.Id, image.Length, _options.MaxBytes, _options.MinFreeBytes, suppressed);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or OpenCVException)
                {
                    Interlocked.Increment(ref _dropped);
                    if (_throttle.ShouldLog("failed", out long suppressed))
                    {
                        Log.CaptureFailed(_logger, capture.Verdict.Id, e.Message, suppressed);
                    }
                }
                finally
                {
                    _buffers.Return(capture.Pixels);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: captures still queued are not kept.
        }
    }

    private byte[] Encode(PendingCapture capture)
    {
        var type = capture.Format.BytesPerPixel() == 3 ? MatType.CV_8UC3 : MatType.CV_8UC1;
        using var src = Mat.FromPixelData(capture.Height, capture.Width, type, capture.Pixels, capture.Width * capture.Format.BytesPerPixel());
        return _options.Format == CaptureFormat.Png
            ? FrameJpeg.Encode(src, capture.Format, ".png")
            : FrameJpeg.Encode(src, capture.Format, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, _options.JpegQuality));
    }

    private sealed record PendingCapture(Verdict Verdict, CaptureKind Kind, byte[] Pixels, int Width, int Height, PixelFormat Format);
}
