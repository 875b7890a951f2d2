using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Spine.Platform.Security;

/// <summary>
/// Authenticates a caller by one of <c>Spine:Security:ApiKeys</c>, presented as <c>X-Api-Key: KEY</c>,
/// <c>Authorization: Bearer KEY</c>, or as the password of HTTP Basic authentication (how a browser signs in to the
/// web console; the user name is not checked). Keys are compared as SHA-256 digests in constant time, all of them every time.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(presented) is { } claims
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName))
            : AuthenticateResult.Fail("the API key is not one of Spine:Security:ApiKeys"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        // A browser asks for credentials only when offered Basic: the console's pages offer it, the API does not.
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments(BrowserPaths, StringComparison.Ordinal)
            ? "Basic realm=\"Spine Platform\", charset=\"UTF-8\""
            : "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The paths a person opens in a browser: the web console.</summary>
    public const string BrowserPaths = "/console";

    /// <summary>The key in X-Api-Key, a bearer credential that is not a JSON Web Token, or the password of Basic credentials.</summary>
    internal static string? PresentedKey(HttpRequest request) =>
        request.Headers[Header].FirstOrDefault() is { Length: > 0 } key ? key
        : BearerCredential(request) is { } bearer && !LooksLikeJwt(bearer) ? bearer
        : BasicPassword(request);

    private static string? BasicPassword(HttpRequest request)
    {
        if (request.Headers.Authorization.FirstOrDefault() is not { } authorization || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(authorization[6..].Trim(), decoded, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(decoded[..length]);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < credentials.Length - 1 ? credentials[(colon + 1)..] : null;
    }

    internal static string? BearerCredential(HttpRequest request) =>
        request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : null;

    /// <summary>A compact JWS: three base64url parts separated by two dots (an API key has no dots).</summary>
    internal static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;
}

/// <summary>
/// The configured keys as SHA-256 digests with the claims each grants, computed once: a request hashes only the key it
/// presents and compares it with every digest in constant time, all of them every time.
/// </summary>
internal sealed class ApiKeyRing(IOptions<SecurityOptions> security)
{
    private readonly (byte[] Digest, Claim[] Claims)[] _keys = [.. security.Value.ApiKeys.Select(client => (
        SHA256.HashData(Encoding.UTF8.GetBytes(client.Key)),
        (Claim[])[new(ClaimTypes.Name, client.Name), .. SpineRoles.Parse(client.Roles).Select(role => new Claim(ClaimTypes.Role, role))]))];

    /// <summary>The claims of the key presented, or null when it is none of them.</summary>
    public Claim[]? Find(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        Claim[]? match = null;
        foreach (var (candidate, claims) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, candidate))
            {
                match = claims;
            }
        }

        return match;
    }
}

/// <summary>With <c>Spine:Security:AllowAnonymous</c>: every caller is "anonymous" with every role.</summary>
internal sealed class OpenAccessHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "OpenAccess";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        Claim[] claims = [new(ClaimTypes.Name, "anonymous"), .. SpineRoles.All.Select(role => new Claim(ClaimTypes.Role, role))];
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}
