using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spine.Training;

/// <summary>
/// oneDNN (libtorch's CPU convolution library) gives non-finite convolution weight gradients, nondeterministically,
/// with its AVX-512 kernels on this project's build machines (AMD EPYC with AVX-512): about one run in twelve went
/// NaN within ten steps, in a five-layer network on random data. Capped to AVX2 it did not happen in 84 runs. The cap
/// must be in the native environment before libtorch first runs a convolution, so it is set when this assembly
/// loads; an ONEDNN_MAX_CPU_ISA already in the environment wins.
/// </summary>
internal static partial class OneDnnIsaCap
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    public const string Value = "AVX2";

    [ModuleInitializer]
    internal static void Apply()
    {
        // .NET keeps its own copy of the environment on Unix; native code reads the C library's.
        if (!OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable(Variable) is null)
        {
            _ = SetEnvironment(Variable, Value, 0);
            Environment.SetEnvironmentVariable(Variable, Value);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
