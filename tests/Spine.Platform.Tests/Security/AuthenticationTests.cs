using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Spine.Platform.Tests.Security;

/// <summary>API keys, bearer tokens and roles on the platform's HTTP endpoints, over real HTTP.</summary>
public sealed class AuthenticationTests
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string SenderKey = "sender-key-0123456789abcdef";
    private const string Audience = "spine-platform";

    private static Dictionary<string, string?> Keys() => new()
    {
        ["Spine:Security:ApiKeys:0:Name"] = "viewer",
        ["Spine:Security:ApiKeys:0:Key"] = ReaderKey,
        ["Spine:Security:ApiKeys:0:Roles"] = "read",
        ["Spine:Security:ApiKeys:1:Name"] = "modality gateway",
        ["Spine:Security:ApiKeys:1:Key"] = SenderKey,
        ["Spine:Security:ApiKeys:1:Roles"] = "send",
    };

    [Fact]
    public async Task Anonymous_and_unknown_keys_get_401_and_health_stays_open()
    {
        await using var host = await SecuredHost.StartAsync(Keys());
        using var http = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        using var anonymous = await http.GetAsync(new Uri("/read", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Bearer", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("credentials are required", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", apiKey: "not-a-key-of-this-platform")).StatusCode);

        var refusals = host.Logs.Lines.Where(line => line.Message.StartsWith("GET /read from 127.0.0.1 refused: no valid credentials", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, refusal => Assert.Equal(LogLevel.Warning, refusal.Level));
    }

    [Fact]
    public async Task A_key_gets_what_its_roles_allow_and_403_for_the_rest()
    {
        await using var host = await SecuredHost.StartAsync(Keys());
        using var http = host.Client();

        using var read = await SendAsync(http, HttpMethod.Get, "/read", apiKey: ReaderKey);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("viewer", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "/send", apiKey: ReaderKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "/operate", apiKey: ReaderKey)).StatusCode);

        // The same key as a bearer credential (what STOW-RS clients send).
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(http, HttpMethod.Post, "/send", bearer: SenderKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Get, "/read", bearer: SenderKey)).StatusCode);

        Assert.Contains(host.Logs.Lines, line => line.Message.Contains("caller modality gateway lacks the role read", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Message.Contains(SenderKey, StringComparison.Ordinal) || line.Message.Contains(ReaderKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signed_token_is_accepted_only_for_its_audience_issuer_lifetime_and_roles()
    {
        await using var issuer = new TokenIssuer();
        var keyPath = Path.Combine(Directory.CreateTempSubdirectory("spine-jwt-").FullName, "issuer.pem");
        await File.WriteAllTextAsync(keyPath, issuer.PublicKeyPem);
        await using var host = await SecuredHost.StartAsync(new Dictionary<string, string?>
        {
            ["Spine:Security:Jwt:SigningKeyPath"] = keyPath,
            ["Spine:Security:Jwt:Issuer"] = issuer.Issuer,
            ["Spine:Security:Jwt:Audience"] = Audience,
        });
        using var http = host.Client();

        using var read = await SendAsync(http, HttpMethod.Get, "/read", bearer: issuer.Issue(Audience, ["read"]));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("radiologist-7", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Post, "/send", bearer: issuer.Issue(Audience, ["read"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(http, HttpMethod.Post, "/send", bearer: issuer.Issue(Audience, ["send", "read"]))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", bearer: issuer.Issue("another-application", ["read"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", bearer: issuer.Issue(Audience, ["read"], issuer: "https://elsewhere.test"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", bearer: issuer.Issue(Audience, ["read"], lifetime: TimeSpan.FromMinutes(-10)))).StatusCode);
        await using var stranger = new TokenIssuer(issuer.Issuer);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", bearer: stranger.Issue(Audience, ["read"]))).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_checked_against_the_keys_the_providers_discovery_document_names()
    {
        await using var issuer = new TokenIssuer();
        var authority = await issuer.ServeDiscoveryAsync();
        await using var host = await SecuredHost.StartAsync(new Dictionary<string, string?>
        {
            ["Spine:Security:Jwt:Authority"] = authority.ToString(),
            ["Spine:Security:Jwt:Audience"] = Audience,
            ["Spine:Security:Jwt:RequireHttpsMetadata"] = "false",
        });
        using var http = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, "/read", bearer: issuer.Issue(Audience, ["read"]))).StatusCode);
        await using var stranger = new TokenIssuer(issuer.Issuer);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/read", bearer: stranger.Issue(Audience, ["read"]))).StatusCode);
    }

    [Fact]
    public async Task With_nothing_configured_every_endpoint_but_health_is_closed_and_the_start_says_so()
    {
        await using var host = await SecuredHost.StartAsync(new Dictionary<string, string?>());
        using var http = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/read", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Post, "/send", bearer: "some-key-nobody-configured")).StatusCode);
        Assert.Contains(host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("every HTTP endpoint but health answers 401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_access_is_explicit_and_warned_of_at_start()
    {
        await using var host = await SecuredHost.StartAsync(new Dictionary<string, string?> { ["Spine:Security:AllowAnonymous"] = "true" });
        using var http = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/read", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(new Uri("/operate", UriKind.Relative), null)).StatusCode);
        Assert.Contains(host.Logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("AllowAnonymous is true", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Spine:Security:ApiKeys:0:Roles", "admin", "Spine:Security:ApiKeys:0:Roles must list one or more of send, read, operate")]
    [InlineData("Spine:Security:ApiKeys:0:Key", "short", "Spine:Security:ApiKeys:0:Key must be at least 16 characters")]
    [InlineData("Spine:Security:Jwt:Authority", "https://idp.hospital.test", "Spine:Security:Jwt:Audience is required")]
    public async Task A_bad_security_setting_stops_the_host_naming_it(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Spine:Security:ApiKeys:0:Name"] = "viewer",
            ["Spine:Security:ApiKeys:0:Key"] = ReaderKey,
            ["Spine:Security:ApiKeys:0:Roles"] = "read",
            [key] = value,
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SecuredHost.StartAsync(settings));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? apiKey = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request);
    }
}
