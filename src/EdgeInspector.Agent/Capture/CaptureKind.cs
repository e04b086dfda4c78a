using EdgeInspector.Core;

namespace EdgeInspector.Agent.Capture;

/// <summary>Why a part was captured; the collect tool's --kinds and the label records use the lower-case names.</summary>
public enum CaptureKind
{
    Ng,
    Uncertain,
    Ok,
    Error,
}

public static class CaptureKinds
{
    public static string Name(this CaptureKind kind) => kind switch
    {
        CaptureKind.Ng => "ng",
        CaptureKind.Uncertain => "uncertain",
        CaptureKind.Ok => "ok",
        _ => "error",
    };

    public static bool TryParse(string name, out CaptureKind kind)
    {
        foreach (var k in Enum.GetValues<CaptureKind>())
        {
            if (k.Name() == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>
    /// Which parts are worth a person's look and the next model's training: every part that could
    /// not be inspected but has an image, every part near the threshold, every NG part, and a
    /// random share of OK parts. Null: not kept. Runs on the publish stage's thread only (the
    /// <see cref="Random"/> is not shared).
    /// </summary>
    public static CaptureKind? Select(Verdict verdict, bool hasImage, CaptureOptions options, Random random)
    {
        if (!hasImage)
        {
            return null;
        }

        if (verdict.Kind == VerdictKind.Error)
        {
            return CaptureKind.Error;
        }

        if (Math.Abs(verdict.Score - 0.5) <= options.UncertainBand)
        {
            return CaptureKind.Uncertain;
        }

        if (verdict.Kind == VerdictKind.Ng)
        {
            return CaptureKind.Ng;
        }

        return random.NextDouble() < options.OkSampleRate ? CaptureKind.Ok : null;
    }
}
