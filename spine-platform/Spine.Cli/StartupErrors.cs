using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spine.Analysis.Models;

namespace Spine.Cli;

/// <summary>
/// Start-up errors a user can fix (a bad setting, missing or damaged models, an execution provider this build lacks),
/// told as one line instead of a stack trace.
/// </summary>
internal static class StartupErrors
{
    /// <summary>Validates every option of a built host now, before it starts, so a bad setting throws before the host logs anything.</summary>
    public static void ValidateOptions(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The one line for a start-up error, or null when <paramref name="exception"/> is not one (a bug keeps its stack trace).</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException options =>
            $"spine: configuration error: {string.Join("; ", options.Failures)} (settings are Spine__* environment variables or --Spine:...=value arguments)",
        ModelFolderException or OnnxDeviceException => $"spine: {exception.Message}",
        AggregateException { InnerExceptions: [var single] } => Describe(single),
        _ => null,
    };
}
