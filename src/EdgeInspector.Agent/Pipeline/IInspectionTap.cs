using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// A decided part as taps see it, after its verdict has been published: the verdict, the frame
/// (null when none was captured) and the model input it was scored on (empty for an ERROR part,
/// except one the input guard refused: it was scored, its image is only unlike the enrolled ones);
/// with <c>Agent:Tiling</c> the input holds <see cref="Tiles"/> model inputs back to back.
/// A ref struct, so no tap keeps the pooled buffers past <see cref="IInspectionTap.Observe"/>.
/// </summary>
public readonly ref struct DecidedPart(Verdict verdict, Frame? frame, ReadOnlySpan<byte> modelInput, bool outOfInputRange = false, int tiles = 1)
{
    public Verdict Verdict { get; } = verdict;

    public Frame? Frame { get; } = frame;

    public ReadOnlySpan<byte> ModelInput { get; } = modelInput;

    /// <summary>ERROR only because the input guard found the image outside the serving package's enrolled ranges.</summary>
    public bool OutOfInputRange { get; } = outOfInputRange;

    /// <summary>How many model inputs <see cref="ModelInput"/> holds (the tiles of a tiled line; 1 otherwise).</summary>
    public int Tiles { get; } = tiles;
}

/// <summary>
/// Watches every part after the publish stage has sent its verdict: cmd/snapshot
/// (<see cref="FrameSnapshots"/>), cmd/enroll (<see cref="EnrollmentParts"/>), a new model's
/// probation (<see cref="ProbationWatch"/>), and NG image capture when it comes. Runs on the
/// publish stage's thread and must not block it; the line's verdicts never wait for a tap's work.
/// </summary>
public interface IInspectionTap
{
    void Observe(DecidedPart part);
}
