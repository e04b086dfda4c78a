using System.Diagnostics.CodeAnalysis;
using EdgeInspector.Core;
using EdgeInspector.Inference;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// Loads the model the agent starts with (the last activated update, models/current, when there
/// is one, else Model:Package; a broken update falls back to Model:Package) and owns the
/// <see cref="ModelSlot"/> the pipeline serves from. Everyone else gets the slot once it is
/// ready: the pipeline awaits <see cref="LoadAsync"/>, commands and updates that arrive before
/// ask <see cref="TryGetSlot"/> and answer "not loaded yet".
/// </summary>
public sealed class ServingModelLoader(
    IOptions<ModelOptions> model,
    IOptions<UpdateOptions> updates,
    ModelStore store,
    ModelLoader loader,
    AgentTelemetry telemetry,
    ILogger<ServingModelLoader> logger) : IDisposable
{
    private readonly TaskCompletionSource<ModelSlot> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the slot once the startup model serves.</summary>
    public Task<ModelSlot> Ready => _ready.Task;

    public bool TryGetSlot([NotNullWhen(true)] out ModelSlot? slot)
    {
        slot = _ready.Task.IsCompletedSuccessfully ? _ready.Task.Result : null;
        return slot is not null;
    }

    /// <summary>The serving package, or null before the first model has loaded.</summary>
    public ModelPackage? ServingPackage => TryGetSlot(out var slot) ? slot.Current.Package : null;

    /// <summary>Loads the startup model (off the caller's thread) and makes the slot ready; throws <see cref="ModelPackageException"/>.</summary>
    public async Task<ModelSlot> LoadAsync(CancellationToken cancellationToken)
    {
        var runner = await Task.Run(() => LoadStartupModel(model.Value.Package), cancellationToken).ConfigureAwait(false);
        telemetry.SetModelLoad(null);
        var slot = new ModelSlot(runner);
        slot.Swapped += r => telemetry.SetModel(r.Identity, r.Provider.Active.ToString(), r.Provider.Notes);
        telemetry.SetModel(runner.Identity, runner.Provider.Active.ToString(), runner.Provider.Notes);
        _ready.TrySetResult(slot);
        return slot;
    }

    private ModelRunner LoadStartupModel(string configured)
    {
        string package = StartupPackage(configured);
        try
        {
            return loader.Load(package, telemetry.SetModelLoad);
        }
        catch (ModelPackageException e) when (package != configured)
        {
            Log.StartupFallback(logger, package, e.Message, configured);
            return loader.Load(configured, telemetry.SetModelLoad);
        }
    }

    /// <summary>models/current when updates are on and it exists, else Model:Package (which may itself hold a pointer).</summary>
    private string StartupPackage(string configured)
    {
        if (updates.Value.Enabled)
        {
            // A kill during install or activation leaves partial folders and unreferenced packages behind.
            store.RemoveInterrupted(configured);
            if (store.ReadPointer() is { } pointer && Directory.Exists(pointer.Current))
            {
                Log.ServingPointer(logger, pointer.Current, store.PointerPath);
                return pointer.Current;
            }
        }

        string pointerInConfigured = Path.Combine(configured, ModelStore.PointerFileName);
        if (File.Exists(pointerInConfigured) && ModelStore.ReadPointer(pointerInConfigured) is { } p && Directory.Exists(p.Current))
        {
            return p.Current;
        }

        return configured;
    }

    public void Dispose()
    {
        if (TryGetSlot(out var slot))
        {
            slot.Dispose();
        }
    }
}
