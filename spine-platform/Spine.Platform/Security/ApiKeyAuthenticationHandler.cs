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
/// Authenticates a caller by one of <c>Spine:Security:ApiKeys</c>, presented as <c>X-Api-Key: KEY</c> or
/// <c>Authorization: Bearer KEY</c>. Keys are compared as SHA-256 digests in constant time, all of them every time.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<SecurityOptions> security)
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

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyClient? match = null;
        foreach (var client in security.Value.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(client.Key))))
            {
                match = client;
            }
        }

        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("the API key is not one of Spine:Security:ApiKeys"));
        }

        Claim[] claims = [new(ClaimTypes.Name, match.Name), .. SpineRoles.Parse(match.Roles).Select(role => new Claim(ClaimTypes.Role, role))];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The key in X-Api-Key, or a bearer credential that is not a JSON Web Token.</summary>
    internal static string? PresentedKey(HttpRequest request) =>
        request.Headers[Header].FirstOrDefault() is { Length: > 0 } key ? key
        : BearerCredential(request) is { } bearer && !LooksLikeJwt(bearer) ? bearer
        : null;

    internal static string? BearerCredential(HttpRequest request) =>
        request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization[7..].Trim()
            : null;

    /// <summary>A compact JWS: three base64url parts separated by two dots (an API key has no dots).</summary>
    internal static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;
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
