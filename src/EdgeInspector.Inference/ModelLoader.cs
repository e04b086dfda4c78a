using EdgeInspector.Core;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInspector.Inference;

/// <summary>Verifies a model package and opens it on the best available execution provider.</summary>
public sealed partial class ModelLoader(InferenceOptions options, ILogger<ModelLoader> logger)
{
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
            runner = new ModelRunner(package, session, provider, servedIdentity) { Precision = choice.Precision };
            // The first run allocates ORT's arenas (and on TensorRT builds the engine): do it now, not on a part.
            runner.Run(new byte[runner.InputLength]);
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
}
