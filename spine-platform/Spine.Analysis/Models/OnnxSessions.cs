using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Spine.Platform.Hosting;

namespace Spine.Analysis.Models;

/// <summary>Where ONNX Runtime runs a model: the CPU, or an NVIDIA GPU through the CUDA execution provider.</summary>
public enum OnnxDevice
{
    Cpu,
    Cuda,
}

/// <summary>
/// Creates ONNX Runtime sessions for model folders with a fixed CPU thread count. CUDA is taken only when this build's
/// ONNX Runtime has the provider (the Gpu flavour, <c>OnnxRuntimeFlavor=Gpu</c>) and it starts; otherwise the session is
/// refused with the reason, never quietly run on the CPU.
/// </summary>
internal static class OnnxSessions
{
    private const string CudaProvider = "CUDAExecutionProvider";

    public static InferenceSession Create(ModelFolder model, int threads, OnnxDevice device = OnnxDevice.Cpu, int cudaDeviceId = 0)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        if (device == OnnxDevice.Cuda)
        {
            AppendCuda(options, cudaDeviceId);
        }

        return new InferenceSession(model.Content, options);
    }

    private static void AppendCuda(SessionOptions options, int deviceId)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(CudaProvider, StringComparer.Ordinal))
        {
            throw new OnnxDeviceException(
                $"CUDA was asked for, but this build's ONNX Runtime offers only {string.Join(", ", available)}: it is the CPU flavour. The GPU image of the segmentation service (built with VARIANT=gpu, OnnxRuntimeFlavor=Gpu) carries CUDA.");
        }

        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxDeviceException(
                $"The CUDA execution provider did not start on GPU {deviceId} (it needs the NVIDIA driver, CUDA 13 and cuDNN 9): {e.Message}", e);
        }
    }
}

/// <summary>The execution provider a model was to run on is not available in this build or on this machine.</summary>
public sealed class OnnxDeviceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Time spent inside ONNX Runtime's Run, summed, so that the platform's overhead can be told from inference.</summary>
/// <summary>Total time and count of a model's runs in this process; each run is also recorded as spine.model.inference.duration.</summary>
public sealed class InferenceClock(string model)
{
    private long _ticks;
    private int _runs;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public int Runs => Volatile.Read(ref _runs);

    internal T Time<T>(Func<T> run)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return run();
        }
        finally
        {
            var ticks = Stopwatch.GetTimestamp() - start;
            Interlocked.Add(ref _ticks, ticks);
            Interlocked.Increment(ref _runs);
            StudyMetrics.InferenceRan(model, Stopwatch.GetElapsedTime(0, ticks));
        }
    }
}
