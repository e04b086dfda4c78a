using System.ComponentModel.DataAnnotations;
using EdgeInspector.Acquisition;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Names the device in topics and verdicts; defaults to the host name.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]+$", ErrorMessage = "Agent:DeviceId may hold letters, digits, '_', '.' and '-' only (it is an MQTT topic level).")]
    public string DeviceId { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Stop after this many parts (0 = run until stopped).</summary>
    [Range(0, long.MaxValue)]
    public long MaxFrames { get; set; }

    /// <summary>Frames each stage may hold waiting for the next one; bounds memory and latency.</summary>
    [Range(1, 64)]
    public int StageCapacity { get; set; } = 4;

    /// <summary>Demo mode: generated images, console lines per verdict.</summary>
    public bool Demo { get; set; }

    /// <summary>Print one line per verdict on stdout.</summary>
    public bool ConsoleVerdicts { get; set; }

    /// <summary>
    /// Everything the agent keeps across restarts: models/ and staging/ (updates, enrollment),
    /// outbox.db, threshold.json, command-nonces.json. Default $STATE_DIRECTORY (systemd
    /// StateDirectory=), else ./state. The old key Updates:StateDirectory is read as an alias.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Set when Agent:StateDirectory and its alias Updates:StateDirectory name different folders.</summary>
    internal string? StateDirectoryConflict { get; private set; }

    public string ResolveStateDirectory() =>
        Path.GetFullPath(!string.IsNullOrWhiteSpace(StateDirectory) ? StateDirectory
            : Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } systemd ? systemd.Split(':')[0]
            : "state");

    /// <summary>Reads the old key Updates:StateDirectory when Agent:StateDirectory is not set; both set to different folders is a conflict.</summary>
    internal void ApplyStateDirectoryAlias(string? updatesStateDirectory)
    {
        if (string.IsNullOrWhiteSpace(updatesStateDirectory))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            StateDirectory = updatesStateDirectory;
        }
        else if (Path.TrimEndingDirectorySeparator(Path.GetFullPath(StateDirectory)) != Path.TrimEndingDirectorySeparator(Path.GetFullPath(updatesStateDirectory)))
        {
            StateDirectoryConflict = $"Agent:StateDirectory ({StateDirectory}) and its old alias Updates:StateDirectory ({updatesStateDirectory}) name different folders; set only Agent:StateDirectory.";
        }
    }

    [ValidateObjectMembers]
    public ThumbnailOptions Thumbnail { get; set; } = new();

    /// <summary>
    /// Host-side region of interest in frame pixels, cut before any conversion (prefer the camera's
    /// own ROI, Camera:Aravis:Width/Height/OffsetX/OffsetY, where it has one); 0 x 0 = the whole frame.
    /// </summary>
    [ValidateObjectMembers]
    public RegionOptions Region { get; set; } = new();

    /// <summary>
    /// Small defects on big frames: the region cut into COLUMNSxROWS equal tiles, each reduced to
    /// the model's input and all scored in one batched run; "1x1" (default) is the untiled input.
    /// </summary>
    [RegularExpression("^[1-8][xX][1-8]$", ErrorMessage = "Agent:Tiling is COLUMNSxROWS with 1 to 8 of each: write e.g. 2x2 or 3x2, or 1x1 for the untiled input.")]
    public string Tiling { get; set; } = "1x1";

    public EdgeInspector.Imaging.FrameTiling ToFrameTiling() => EdgeInspector.Imaging.FrameTiling.Parse(Tiling);

    /// <summary>
    /// 2 reduces a big frame's rows in two bands on two cores (the area path): for a camera faster
    /// than one core can reduce, e.g. 4096 x 2160 at 42 fps on an Orin Nano's A78AE. 1 (default) keeps
    /// preprocessing on the stage's own thread.
    /// </summary>
    [Range(1, 2, ErrorMessage = "Agent:PreprocessBands must be 1 or 2 (2 splits a big frame's reduction over two cores), e.g. 2 for 4096x2160 at 42 fps on a Jetson.")]
    public int PreprocessBands { get; set; } = 1;

    [ValidateObjectMembers]
    public InputGuardOptions InputGuard { get; set; } = new();
}

public sealed class RegionOptions
{
    [Range(0, 65535)]
    public int X { get; set; }

    [Range(0, 65535)]
    public int Y { get; set; }

    [Range(0, 65535)]
    public int Width { get; set; }

    [Range(0, 65535)]
    public int Height { get; set; }

    public EdgeInspector.Imaging.FrameRegion ToFrameRegion() => new(X, Y, Width, Height);
}

/// <summary>The input guard: frames out of the serving package's enrolled input ranges are ERROR verdicts.</summary>
public sealed class InputGuardOptions
{
    /// <summary>Check every scored frame against the package's input_guard ranges (packages without them are not guarded).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Frames out of range in a row before status turns degraded.</summary>
    [Range(1, 10_000)]
    public int DegradedAfter { get; set; } = 5;
}

public sealed class ThumbnailOptions
{
    [Range(64, 1920)]
    public int Width { get; set; } = 320;

    [Range(8 * 1024, 128 * 1024)]
    public int MaxBytes { get; set; } = 128 * 1024;

    [Range(10, 100)]
    public int Quality { get; set; } = 80;
}

public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>The model package folder (manifest.json + model.onnx).</summary>
    [Required(ErrorMessage = "Model:Package is required: the folder of a model package (manifest.json + model.onnx), e.g. engines/texture-baseline.")]
    public string Package { get; set; } = "";

    /// <summary>Overrides the manifest's image threshold (raw score) on this line.</summary>
    [Range(0.0, 1.0)]
    public double? ImageThreshold { get; set; }

    /// <summary>Overrides the manifest's pixel threshold for defect regions.</summary>
    [Range(0.0, 1.0)]
    public double? PixelThreshold { get; set; }
}

[OptionsValidator]
public sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;

[OptionsValidator]
public sealed partial class CameraOptionsValidator : IValidateOptions<CameraOptions>;

[OptionsValidator]
public sealed partial class ModelOptionsValidator : IValidateOptions<ModelOptions>;

public sealed class UpdateOptions
{
    public const string Section = "Updates";

    /// <summary>Accept signed model packages over MQTT (model/offer, model/chunk) and cmd/rollback.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM public keys (edge-inspector keygen's public.pem) whose signatures the device accepts.</summary>
    public List<string> TrustedKeys { get; set; } = [];

    /// <summary>The old name of Agent:StateDirectory, still read when that is not set (see <see cref="AgentOptions.StateDirectory"/>).</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Largest package (sum of its files) the device accepts.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxPackageBytes { get; set; } = 1L << 30;

    /// <summary>How long activation waits for the inference stage to take the new model over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SwapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Parts a newly activated model scores before its probation is judged; 0 turns probation off.</summary>
    [Range(0, 100_000)]
    public int ProbationParts { get; set; } = 50;

    /// <summary>Roll back when more than this share of the probation parts are ERROR verdicts.</summary>
    [Range(0.0, 1.0)]
    public double RollbackErrorRate { get; set; } = 0.2;

    /// <summary>Roll back when more than this share of the probation parts are NG: a broken model or threshold, not a bad batch.</summary>
    [Range(0.0, 1.0)]
    public double RollbackNgRate { get; set; } = 0.9;
}

[OptionsValidator]
public sealed partial class UpdateOptionsValidator : IValidateOptions<UpdateOptions>;
