using EdgeInspector.Agent.Capture;
using EdgeInspector.Core;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>Verdicts and a disk whose size the test chooses.</summary>
internal static class CaptureFixtures
{
    public static Verdict VerdictOf(VerdictKind kind, double score, int seq = 1, string? error = null) => new()
    {
        Id = $"demo-t-{seq}",
        Seq = seq,
        Device = "demo",
        Ts = DateTimeOffset.UnixEpoch.AddSeconds(seq),
        Kind = kind,
        Score = score,
        RawScore = score,
        Threshold = 0.5,
        Regions = [],
        Model = new ModelIdentity("patchcore-resnet18", 2, "ab"),
        TimingsMs = new StageTimings(0, 0, 0, 0, 0),
        Image = new ImageSize(64, 48),
        Error = error,
    };

    public static CaptureOptions Options(long maxBytes = 1L << 30, long minFreeBytes = 0, int maxPending = 4) => new()
    {
        Enabled = true,
        MaxBytes = maxBytes,
        MinFreeBytes = minFreeBytes,
        MaxPending = maxPending,
        OkSampleRate = 0,
    };
}

/// <summary>A disk of <paramref name="capacity"/> bytes holding only the capture folder: free space falls as files are written.</summary>
internal sealed class SmallDisk(long capacity) : IFreeDiskSpace
{
    public long AvailableBytes(string directory) => capacity - new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length);
}

/// <summary>A disk whose free-space query waits for the test: the capture writer is "behind" until released.</summary>
internal sealed class StalledDisk : IFreeDiskSpace, IDisposable
{
    public ManualResetEventSlim Released { get; } = new(false);

    public long AvailableBytes(string directory)
    {
        Released.Wait(TimeSpan.FromSeconds(30));
        return long.MaxValue / 2;
    }

    public void Dispose() => Released.Dispose();
}
