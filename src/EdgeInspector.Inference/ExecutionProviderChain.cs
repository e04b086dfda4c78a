using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInspector.Inference;

/// <summary>The provider that serves a session, and why each preferred one was skipped.</summary>
public sealed record ExecutionProviderChoice(ExecutionProviderKind Active, IReadOnlyList<string> Notes);

/// <summary>
/// Appends execution providers to session options in the configured order (TensorRT → CUDA →
/// CPU). A provider that is not in this ONNX Runtime build, or whose libraries are missing, is
/// skipped with a logged reason; CPU always works.
/// </summary>
public sealed partial class ExecutionProviderChain(InferenceOptions options, ILogger logger)
{
    public ExecutionProviderChoice Configure(SessionOptions session, string modelSha256)
    {
        var notes = new List<string>();
        foreach (var kind in options.Providers)
        {
            if (kind == ExecutionProviderKind.Cpu)
            {
                Log.ProviderActive(logger, kind);
                return new ExecutionProviderChoice(kind, notes);
            }

            try
            {
                Append(session, kind, modelSha256);
                if (kind == ExecutionProviderKind.TensorRT)
                {
                    // TensorRT covers only the subgraphs it supports; CUDA takes the rest.
                    TryAppendCudaFallback(session, notes);
                }

                Log.ProviderActive(logger, kind);
                return new ExecutionProviderChoice(kind, notes);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException or IOException or UnauthorizedAccessException)
            {
                // IO/access errors: the TensorRT engine cache folder cannot be created (e.g. the default
                // /var/lib path on a host without it). That skips TensorRT; it must not stop the chain.
                string reason = $"{kind}: {FirstLine(e.Message)}";
                notes.Add(reason);
                Log.ProviderSkipped(logger, kind, FirstLine(e.Message));
            }
        }

        notes.Add("CPU: used because no configured provider loaded");
        Log.ProviderActive(logger, ExecutionProviderKind.Cpu);
        return new ExecutionProviderChoice(ExecutionProviderKind.Cpu, notes);
    }

    private void Append(SessionOptions session, ExecutionProviderKind kind, string modelSha256)
    {
        switch (kind)
        {
            case ExecutionProviderKind.TensorRT:
            {
                // The engine cache folder is made only when TensorRT can serve: a CPU-only build or
                // host leaves no trace on disk.
                if (!OrtEnv.Instance().GetAvailableProviders().Contains("TensorrtExecutionProvider"))
                {
                    throw new NotSupportedException("TensorRT execution provider is not in this ONNX Runtime build.");
                }

                Directory.CreateDirectory(TensorRtProviderSettings.EngineCacheDirectory(options.TensorRT, modelSha256));
                using var trt = new OrtTensorRTProviderOptions();
                trt.UpdateOptions(TensorRtProviderSettings.ToProviderOptions(options.TensorRT, options.DeviceId, modelSha256));
                session.AppendExecutionProvider_Tensorrt(trt);
                break;
            }

            case ExecutionProviderKind.Cuda:
                session.AppendExecutionProvider_CUDA(options.DeviceId);
                break;
            case ExecutionProviderKind.Cpu:
                break;
        }
    }

    private void TryAppendCudaFallback(SessionOptions session, List<string> notes)
    {
        try
        {
            session.AppendExecutionProvider_CUDA(options.DeviceId);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            notes.Add($"Cuda (fallback under TensorRT): {FirstLine(e.Message)}");
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
