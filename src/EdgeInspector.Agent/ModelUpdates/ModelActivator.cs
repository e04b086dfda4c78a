using System.Diagnostics.CodeAnalysis;
using EdgeInspector.Core;
using EdgeInspector.Inference;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>
/// Puts a package into service, one at a time, for every way a model arrives: a pushed update,
/// a package built by cmd/enroll, a rollback. <see cref="ActivateAsync"/> loads it beside the
/// serving model, self-tests it on its golden images, stages it into the <see cref="ModelSlot"/>
/// and waits for the inference stage to take it over between two frames, moves the
/// models/current pointer, prunes old packages and starts its probation. Anything that fails
/// leaves the serving model alone.
/// </summary>
public sealed class ModelActivator(
    IOptions<UpdateOptions> options,
    ServingModelLoader serving,
    ModelLoader loader,
    ModelStore store,
    AgentTelemetry telemetry,
    ProbationWatch probation,
    ILogger<ModelActivator> logger)
{
    private readonly Lock _lock = new();
    private Task _current = Task.CompletedTask;

    /// <summary>Whether an activation (or rollback) is running.</summary>
    public bool Busy
    {
        get
        {
            lock (_lock)
            {
                return !_current.IsCompleted;
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> as the one activation running, or returns false while another runs.</summary>
    public bool TryStart<T>(Func<Task<T>> work, [NotNullWhen(true)] out Task<T>? running)
    {
        lock (_lock)
        {
            if (!_current.IsCompleted)
            {
                running = null;
                return false;
            }

            running = Task.Run(work, CancellationToken.None);
            _current = running;
            return true;
        }
    }

    /// <summary>Load beside, self-test, swap, pointer, prune, probation: null when it serves, else why not (the package is then deleted).</summary>
    public async Task<string?> ActivateAsync(string installed, ModelManifest m, CancellationToken cancellationToken)
    {
        var before = telemetry.State;
        telemetry.SetState(AgentState.Updating);
        ModelRunner? runner = null;
        try
        {
            try
            {
                runner = await Task.Run(() => loader.Load(installed, telemetry.SetModelLoad), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                telemetry.SetModelLoad(null);
            }

            int golden = GoldenSelfTest.Run(runner);
            Log.SelfTest(logger, m.Name, m.Version, golden);
            if (!serving.TryGetSlot(out var slot))
            {
                throw new UpdateException("the agent has no model slot");
            }

            string? previous = slot.Current.Package.Directory;
            await SwapAsync(slot, runner, cancellationToken).ConfigureAwait(false);
            runner = null;
            store.WritePointer(new ModelPointer(installed, previous));
            store.Prune(installed, previous);
            RestoreState(before);
            probation.Start(slot.Current.Identity);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever failed (a bad package, ONNX Runtime, a golden miss): the serving model stays.
            runner?.Dispose();
            if (store.ReadPointer()?.Current != installed)
            {
                Directory.Delete(installed, recursive: true);
            }

            RestoreState(before);
            return e.Message;
        }
    }

    /// <summary>Serves a package kept on this device again (rollback): load, swap, pointer; no self-test, no probation.</summary>
    public async Task<ModelIdentity> ServeAgainAsync(ModelSlot slot, string package, ModelPointer pointer, CancellationToken cancellationToken)
    {
        var runner = await Task.Run(() => loader.Load(package), cancellationToken).ConfigureAwait(false);
        var identity = runner.Identity;
        await SwapAsync(slot, runner, cancellationToken).ConfigureAwait(false);
        store.WritePointer(pointer);
        return identity;
    }

    /// <summary>Stages the runner and waits (bounded) until the inference stage has taken it over.</summary>
    private async Task SwapAsync(ModelSlot slot, ModelRunner runner, CancellationToken cancellationToken)
    {
        var swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwapped(ModelRunner r)
        {
            if (ReferenceEquals(r, runner))
            {
                swapped.TrySetResult();
            }
        }

        slot.Swapped += OnSwapped;
        try
        {
            slot.Stage(runner);
            await swapped.Task.WaitAsync(options.Value.SwapTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No frame came (idle line): the staged model takes over at the next part.
            Log.SwapPending(logger, options.Value.SwapTimeout.TotalSeconds);
        }
        finally
        {
            slot.Swapped -= OnSwapped;
        }
    }

    private void RestoreState(AgentState before)
    {
        if (telemetry.State == AgentState.Updating)
        {
            telemetry.SetState(before == AgentState.Updating ? AgentState.Running : before);
        }
    }
}
