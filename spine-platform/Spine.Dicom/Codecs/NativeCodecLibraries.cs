using System.Reflection;
using System.Runtime.InteropServices;

namespace Spine.Dicom.Codecs;

/// <summary>
/// Where the native codec libraries are loaded from: the system's (Debian packages libcharls2 and libopenjp2-7) unless
/// SPINE_CHARLS_LIBRARY or SPINE_OPENJPEG_LIBRARY names a library file to use instead (a newer build, another path).
/// </summary>
internal static class NativeCodecLibraries
{
    public const string CharLS = "libcharls.so.2";
    public const string OpenJpeg = "libopenjp2.so.7";
    public const string CharLSVariable = "SPINE_CHARLS_LIBRARY";
    public const string OpenJpegVariable = "SPINE_OPENJPEG_LIBRARY";

    private static int _registered;

    /// <summary>Installs the resolver once; called before the first native call.</summary>
    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeCodecLibraries).Assembly, Resolve);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var variable = name switch
        {
            CharLS => CharLSVariable,
            OpenJpeg => OpenJpegVariable,
            _ => null,
        };
        var path = variable is null ? null : Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path))
        {
            return nint.Zero; // The default search.
        }

        return NativeLibrary.TryLoad(path, out var handle)
            ? handle
            : throw new DllNotFoundException($"{path}, named by {variable}, does not load");
    }

    /// <summary>The message for a library that is not there, naming what provides it.</summary>
    public static string NotInstalled(string codec, string library, string variable, string package, DllNotFoundException ex) =>
        $"{codec} codec not installed: {library} cannot be loaded ({ex.Message.Split('\n')[0].Trim()}). Install Debian's {package}, or name the library file in {variable}.";
}
