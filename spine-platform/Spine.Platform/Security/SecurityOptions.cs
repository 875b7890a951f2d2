using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Security;

/// <summary>
/// <c>Spine:Security</c>: who may call the HTTP API. Callers present an API key (<c>X-Api-Key: KEY</c>, or
/// <c>Authorization: Bearer KEY</c>) or an OpenID Connect access token (<c>Authorization: Bearer JWT</c>). With neither
/// configured every endpoint but health answers 401; open access needs <see cref="AllowAnonymous"/>.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Spine:Security";

    /// <summary>Clients that authenticate with a key (a PACS gateway, a script, another service).</summary>
    public List<ApiKeyClient> ApiKeys { get; set; } = [];

    /// <summary>Bearer tokens from the hospital's identity provider.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>
    /// Refuse to start while a hop that carries patient data is in clear: the broker, the object store, the ledger's
    /// database and every export destination must use TLS. On in the production overlay and the Helm chart.
    /// </summary>
    public bool RequireTransportSecurity { get; set; }

    /// <summary>Every caller gets every role, without credentials. For a closed test network only; logged as a warning at every start.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Whether any way to authenticate is configured.</summary>
    public bool HasCredentials => ApiKeys.Count > 0 || Jwt.Enabled;
}

/// <summary>One API key and what it may do.</summary>
public sealed class ApiKeyClient
{
    /// <summary>Who holds the key, as logs name the caller (never the key).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The secret, 16 characters or more.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Roles the key grants, comma-separated: send, read, operate.</summary>
    public string Roles { get; set; } = string.Empty;
}

/// <summary>
/// Validation of OpenID Connect bearer tokens: by the provider's discovery document (<see cref="Authority"/>), or
/// offline by a public key (<see cref="SigningKeyPath"/>, with <see cref="Issuer"/>).
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The issuer's base address; its /.well-known/openid-configuration gives the issuer and signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The issuer the tokens must name; required with <see cref="SigningKeyPath"/>, else taken from discovery.</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience the tokens must name (the platform's client or API identifier at the provider).</summary>
    public string? Audience { get; set; }

    /// <summary>A PEM public key (RSA or EC) that signs the tokens, for validation without reaching the provider.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>The claim that lists the caller's roles (a JSON array or one value).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Discovery over HTTPS only; false for a provider on a test network.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKeyPath);
}

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new OptionsFailures(SecurityOptions.Section);
        for (var index = 0; index < options.ApiKeys.Count; index++)
        {
            var client = options.ApiKeys[index];
            if (string.IsNullOrWhiteSpace(client.Name))
            {
                failures.Add($"ApiKeys:{index}:Name", "is empty: name who holds the key, so that logs can say who called.");
            }

            if (client.Key.Length < 16)
            {
                failures.Add($"ApiKeys:{index}:Key", "must be at least 16 characters.");
            }

            var roles = SpineRoles.Parse(client.Roles);
            if (roles.Count == 0 || roles.Any(role => !SpineRoles.All.Contains(role)))
            {
                failures.Add($"ApiKeys:{index}:Roles", $"must list one or more of {string.Join(", ", SpineRoles.All)}.");
            }
        }

        if (options.ApiKeys.Select(client => client.Key).Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count)
        {
            failures.Add("ApiKeys", "holds the same key twice.");
        }

        var jwt = options.Jwt;
        if (jwt.Enabled)
        {
            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add("Jwt:Audience", "is required when tokens are accepted.");
            }

            if (!string.IsNullOrWhiteSpace(jwt.SigningKeyPath) && (!File.Exists(jwt.SigningKeyPath) || string.IsNullOrWhiteSpace(jwt.Issuer)))
            {
                failures.Add("Jwt:SigningKeyPath", "must name an existing PEM public key, with Jwt:Issuer set.");
            }

            if (!string.IsNullOrWhiteSpace(jwt.Authority) && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
            {
                failures.Add("Jwt:Authority", "is not an absolute address.");
            }
        }

        return failures.Result();
    }
}
