using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Agent.ModelUpdates;
using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// cmd/enroll <c>{"parts": N}</c>: a field tech puts N known-good parts on the line; the agent
/// takes their model inputs as they pass, builds a new memory bank with the same code as
/// <c>edge-inspector enroll</c>, writes the package as the next version into the model store
/// (unsigned, <c>origin: device-enroll</c>, <c>derived_from</c> the serving package) and activates
/// it through the update path: load beside, golden self-test, swap between two frames,
/// probation, rollback. Progress goes to the retained model/state.
/// </summary>
public sealed partial class OnDeviceEnrollment(
    IOptions<UpdateOptions> options,
    IOptions<AgentOptions> agent,
    ServingModelLoader serving,
    EnrollmentParts parts,
    ModelStore store,
    ModelActivator activator,
    ModelStates states,
    ILogger<OnDeviceEnrollment> logger)
{
    public const int MinParts = MemoryBankEnrollment.MinGoodParts;
    public const int MaxParts = 200;
    public const string Origin = "device-enroll";

    /// <summary>How long the parts may take to come down the line.</summary>
    public static readonly TimeSpan CollectTimeout = TimeSpan.FromMinutes(10);

    private int _running;

    /// <summary>Runs one enrollment of <paramref name="count"/> parts to its end and returns the reply: the new version, or the error.</summary>
    public async Task<JsonObject> RunAsync(int count, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Error("cmd/enroll installs into the model store and activates like a model update: set Updates:Enabled=true");
        }

        if (!serving.TryGetSlot(out var slot) || slot.Current is not { } current)
        {
            return Error("the agent has not loaded its model yet");
        }

        var source = current.Package;
        try
        {
            MemoryBankEnrollment.CheckEnrollable(source);
        }
        catch (Exception e) when (e is EnrollmentException or IOException)
        {
            return Error(e.Message);
        }

        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return Error("an enrollment is already running; wait for its reply");
        }

        try
        {
            return await EnrollAsync(source, current.Identity, count, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not a bad request: keep the stack trace; the serving model is untouched.
            Log.EnrollmentCrashed(logger, e);
            return Error($"enrollment failed unexpectedly: {e.Message}");
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<JsonObject> EnrollAsync(ModelPackage source, ModelIdentity servingModel, int count, CancellationToken cancellationToken)
    {
        var m = source.Manifest;
        int version = m.Version + 1;
        string stateId = "enroll-" + Guid.NewGuid().ToString("N")[..12];
        void Progress(int collected, string? reason = null) =>
            states.Publish(new UpdateState(stateId, UpdatePhase.Enrolling, count, collected, "", reason, m.Name, version));

        Log.Collecting(logger, count, m.Name, m.Version);
        Progress(0);
        int collected = 0;
        IReadOnlyList<byte[]> inputs;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(CollectTimeout);
            try
            {
                inputs = await parts.CollectAsync(count, servingModel, n => Progress(collected = n), wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Reject(stateId, m, version, string.Create(CultureInfo.InvariantCulture, $"only {Volatile.Read(ref collected)} of {count} parts were inspected within {CollectTimeout.TotalMinutes:0} min (is the line running and the camera connected?)"));
            }
            catch (InvalidOperationException e)
            {
                return Reject(stateId, m, version, e.Message);
            }
        }

        Progress(count, "building the memory bank");
        string target = store.PackageDirectory(m.Name, version);
        EnrollmentResult result;
        try
        {
            result = await Task.Run(() => Build(source, inputs, target, store, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EnrollmentException or ModelPackageException or IOException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return Reject(stateId, m, version, $"enrollment failed: {e.Message}");
        }

        Log.Built(logger, m.Name, version, result.BankRows, count, result.Seconds);
        if (await ActivateAsync(result.Package, stateId, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return Error(failure);
        }

        return new JsonObject
        {
            ["ok"] = true,
            ["model"] = m.Name,
            ["version"] = version,
            ["package"] = result.Package,
            ["origin"] = Origin,
            ["signed"] = false,
            ["derived_from"] = new JsonObject { ["version"] = m.Version, ["sha256"] = source.Identity.Sha256 },
            ["parts"] = count,
            ["memory_bank"] = new JsonArray(result.BankRows, result.BankWidth),
            ["image_threshold"] = result.Decision.ImageThreshold,
            ["golden_images"] = result.GoldenImages,
        };
    }

    /// <summary>
    /// Activates the package built here (models/{name}-v{version}, unsigned) exactly as a pushed one
    /// (<see cref="ModelActivator"/>). Returns null when it serves, else the reason (the package is then deleted).
    /// </summary>
    private async Task<string?> ActivateAsync(string installed, string stateId, CancellationToken cancellationToken)
    {
        var m = ModelPackage.ReadManifest(Path.Combine(installed, ModelPackage.ManifestFileName));
        if (!activator.TryStart(
            () =>
            {
                states.Publish(new UpdateState(stateId, UpdatePhase.Activating, 0, 0, "", null, m.Name, m.Version));
                return activator.ActivateAsync(installed, m, cancellationToken);
            },
            out var activation))
        {
            Directory.Delete(installed, recursive: true);
            return "an update is activating; send cmd/enroll again when it has finished";
        }

        string? failure = await activation.ConfigureAwait(false);
        if (failure is not null)
        {
            Log.EnrollFailed(logger, failure);
        }

        states.Publish(new UpdateState(stateId, failure is null ? UpdatePhase.Active : UpdatePhase.Rejected, 0, 0, "", failure, m.Name, m.Version));
        return failure;
    }

    private EnrollmentResult Build(ModelPackage source, IReadOnlyList<byte[]> inputs, string target, ModelStore store, CancellationToken cancellationToken)
    {
        if (store.ReadPointer() is { } pointer && Path.GetFullPath(pointer.Current) == target)
        {
            throw new EnrollmentException($"'{target}' is the serving package's folder; it cannot be replaced");
        }

        // A package of this version left over from an earlier enrollment (rolled back since) is replaced.
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        var settings = new EnrollmentSettings
        {
            Note = $"enrolled on device {agent.Value.DeviceId} by cmd/enroll from {inputs.Count} parts (unsigned)",
            Origin = Origin,
            // Enrollment runs beside the line: one ONNX Runtime thread leaves the other cores to inspection.
            IntraOpThreads = 1,
        };
        return MemoryBankEnrollment.Write(source, inputs, target, settings, cancellationToken);
    }

    private JsonObject Reject(string stateId, ModelManifest m, int version, string reason)
    {
        Log.EnrollFailed(logger, reason);
        states.Publish(new UpdateState(stateId, UpdatePhase.Rejected, 0, 0, "", reason, m.Name, version));
        return Error(reason);
    }

    private static JsonObject Error(string message) => new() { ["error"] = message };
}
