using EdgeInspector.Core;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInspector.Inference;

/// <summary>
/// Verifies a model package and opens it on the best available execution provider, with its
/// buffers bound for <paramref name="batch"/> images a run (a tiled line's tile count).
/// </summary>
public sealed partial class ModelLoader(InferenceOptions options, ILogger<ModelLoader> logger, int batch = 1)
{
    public const string MemoryBankName = "memory_bank";

    public ModelRunner Load(string packageDirectory) => Load(packageDirectory, null);

    /// <summary>
    /// Loads a package; <paramref name="phase"/> hears "verifying", then "building_engine" (a
    /// TensorRT engine is compiled: minutes on an Orin Nano) or "loading".
    /// </summary>
    public ModelRunner Load(string packageDirectory, Action<string>? phase)
    {
        phase?.Invoke("verifying");
        var package = ModelPackage.Load(packageDirectory);
        var identity = package.Identity;
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        var choice = package.SelectModel(options.RequestedPrecision);
        CheckMemoryBank(package, choice);
        if (choice.FallbackReason is { } reason)
        {
            Log.PrecisionFallback(logger, reason);
        }

        var served = options.ForServing(choice.Precision);
        var provider = new ExecutionProviderChain(served, logger).Configure(sessionOptions, choice.Sha256);
        string modelPath = choice.Path;
        bool buildsEngine = false;
        if (provider.Active == ExecutionProviderKind.TensorRT)
        {
            var plan = EpContextPlan.For(served.TensorRT, modelPath, choice.Sha256);
            foreach (var (key, value) in plan.SessionConfig)
            {
                sessionOptions.AddSessionConfigEntry(key, value);
            }

            modelPath = plan.ModelPath;
            buildsEngine = plan.BuildsEngine;
        }

        phase?.Invoke(buildsEngine ? "building_engine" : "loading");
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelPackageException($"'{choice.Path}' could not be loaded by ONNX Runtime: {e.Message}. Re-export the model (opset 17) with the trainer.", e);
        }

        ModelRunner? runner = null;
        try
        {
            var servedIdentity = identity with { Sha256 = choice.Sha256, Precision = choice.Precision.ToString().ToLowerInvariant() };
            runner = new ModelRunner(package, session, provider, servedIdentity, batch) { Precision = choice.Precision };
            // The first run allocates ORT's arenas (and on TensorRT builds the engine) for the
            // shape the line runs: do it now, not on a part.
            if (batch > 1)
            {
                runner.RunBatch(new byte[batch * runner.InputLength]);
            }
            else
            {
                runner.Run(new byte[runner.InputLength]);
            }
            Log.ModelLoaded(logger, identity.Name, identity.Version, choice.FileName, provider.Active, package.Directory);
            return runner;
        }
        catch
        {
            if (runner is null)
            {
                session.Dispose();
            }
            else
            {
                runner.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// A bank enrolled on another backbone would fail deep in ONNX Runtime (or, worse, fit by
    /// accident): the manifest's engine says how wide its patch features are, the bank must match.
    /// </summary>
    private static void CheckMemoryBank(ModelPackage package, ModelFileChoice choice)
    {
        if (package.Manifest.Engine is not { FeatureWidth: > 0 } engine)
        {
            return;
        }

        byte[] model = File.ReadAllBytes(choice.Path);
        if (!OnnxInitializers.Contains(model, MemoryBankName))
        {
            throw new ModelPackageException($"'{choice.Path}' has no {MemoryBankName} initializer, but the manifest describes a {engine.Kind} engine, which scores against one: re-export the package (trainer export-patchcore) and enroll it");
        }

        var bank = OnnxInitializers.Read(model, MemoryBankName);
        if (bank.Dims.Length != 2 || bank.Dims[1] != engine.FeatureWidth)
        {
            throw new ModelPackageException($"'{choice.Path}': its memory bank is [{string.Join(", ", bank.Dims)}] but the {package.Manifest.Backbone} backbone ({string.Join("+", engine.Layers)}) gives {engine.FeatureWidth}-wide patch features: the bank was enrolled with another backbone; enroll this package again (edge-inspector enroll or cmd/enroll)");
        }
    }
}
