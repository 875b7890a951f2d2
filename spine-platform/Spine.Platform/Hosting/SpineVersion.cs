using System.Reflection;

namespace Spine.Platform.Hosting;

public static class SpineVersion
{
    /// <summary>The platform's version as built (informational version, without the source revision suffix).</summary>
    public static string Informational { get; } =
        (typeof(SpineVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
