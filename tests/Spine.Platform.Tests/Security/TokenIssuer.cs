using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Spine.Platform.Tests.Security;

/// <summary>
/// An identity provider for tests: an RSA key that signs access tokens, its public key as PEM, and, once served, an
/// OpenID Connect discovery document and key set over HTTP on loopback.
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private WebApplication? _discovery;

    public TokenIssuer(string issuer = "https://idp.hospital.test/realms/radiology")
    {
        Issuer = issuer;
        _key = new RsaSecurityKey(_rsa) { KeyId = Guid.NewGuid().ToString("n") };
    }

    public string Issuer { get; private set; }

    public string PublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    public string Issue(string audience, IEnumerable<string> roles, TimeSpan? lifetime = null, string? issuer = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", "radiologist-7")]),
            Claims = new Dictionary<string, object> { ["roles"] = roles.ToArray() },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Serves /.well-known/openid-configuration and /jwks on a loopback port; the issuer becomes that address.</summary>
    public async Task<Uri> ServeDiscoveryAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _discovery = builder.Build();
        _discovery.MapGet("/.well-known/openid-configuration", () => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "/jwks" }), "application/json"));
        _discovery.MapGet("/jwks", () =>
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            var key = new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = _key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object> { ["keys"] = new[] { key } }), "application/json");
        });
        await _discovery.StartAsync();
        Issuer = _discovery.Urls.Single().TrimEnd('/');
        return new Uri(Issuer);
    }

    public async ValueTask DisposeAsync()
    {
        if (_discovery is not null)
        {
            await _discovery.StopAsync();
            await _discovery.DisposeAsync();
        }

        _rsa.Dispose();
    }
}
