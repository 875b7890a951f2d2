using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Spine.Platform.Hosting;

internal static class OptionsRegistration
{
    /// <summary>Binds a section and validates it when the host starts, so a bad setting stops the host with its name.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // Idempotent: several modules of one process may ask for the same options.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>Collects option failures, each naming the full configuration key it concerns.</summary>
internal sealed class OptionsFailures(string section)
{
    private readonly List<string> _failures = [];

    public void Add(string key, string problem) => _failures.Add($"{section}:{key} {problem}");

    public ValidateOptionsResult Result() =>
        _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
