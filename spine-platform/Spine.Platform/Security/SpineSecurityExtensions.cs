using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Spine.Platform.Hosting;

namespace Spine.Platform.Security;

public static partial class SpineSecurityExtensions
{
    /// <summary>The scheme every endpoint authenticates with; it hands the request to the API key, token or open-access scheme.</summary>
    public const string Scheme = "Spine";

    /// <summary>
    /// Authentication by API key or OpenID Connect bearer token, and one authorization policy per role. An endpoint
    /// that names no policy still needs an authenticated caller (the fallback policy); health endpoints opt out.
    /// </summary>
    public static TBuilder AddSpineSecurity<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(SecurityOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, TransportSecurityValidator>());
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key, bearer token or open access", _ => { })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { })
            .AddScheme<AuthenticationSchemeOptions, OpenAccessHandler>(OpenAccessHandler.SchemeName, _ => { })
            .AddJwtBearer();
        services.AddOptions<PolicySchemeOptions>(Scheme).Configure<IOptions<SecurityOptions>>((scheme, security) =>
            scheme.ForwardDefaultSelector = context => SchemeFor(context.Request, security.Value));
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<SecurityOptions>>((bearer, security) =>
            ConfigureBearer(bearer, security.Value.Jwt));
        var authenticated = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder().SetFallbackPolicy(authenticated).SetDefaultPolicy(authenticated);
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthorization(authorization =>
        {
            foreach (var role in SpineRoles.All)
            {
                authorization.AddPolicy(role, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireRole(role));
            }
        });
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusalResultHandler>();
        return builder;
    }

    /// <summary>
    /// Authentication and authorization in the request pipeline, /health/live and /health/ready open to all (probes),
    /// then the modules' endpoints, each behind the policy it names; says at start how callers get in.
    /// </summary>
    public static WebApplication MapSpineEndpoints(this WebApplication app, IEnumerable<SpineServiceModule> modules)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(modules);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSpineHealthEndpoints();
        app.MapPrometheusScrapingEndpoint(SpineDefaultsExtensions.MetricsPath).RequireAuthorization(SpineRoles.Monitor);
        app.MapSpineApiDocument();
        var withEndpoints = modules.Where(module => module.MapEndpoints is not null).ToList();
        foreach (var module in withEndpoints)
        {
            module.MapEndpoints!(app);
        }

        if (withEndpoints.Count > 0)
        {
            var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SpineSecurityExtensions));
            if (security.AllowAnonymous)
            {
                LogOpenAccess(logger);
            }
            else if (!security.HasCredentials)
            {
                LogNoCredentials(logger);
            }
        }

        return app;
    }

    private static string SchemeFor(HttpRequest request, SecurityOptions security) =>
        security.AllowAnonymous ? OpenAccessHandler.SchemeName
        : security.Jwt.Enabled && ApiKeyAuthenticationHandler.BearerCredential(request) is { } bearer && ApiKeyAuthenticationHandler.LooksLikeJwt(bearer)
            && request.Headers[ApiKeyAuthenticationHandler.Header].Count == 0 ? JwtBearerDefaults.AuthenticationScheme
        : ApiKeyAuthenticationHandler.SchemeName;

    private static void ConfigureBearer(JwtBearerOptions bearer, JwtOptions jwt)
    {
        // Claims keep the provider's names ("roles", "sub"), so that RoleClaim means what the provider sends.
        bearer.MapInboundClaims = false;
        bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        bearer.Audience = jwt.Audience;
        bearer.TokenValidationParameters.ValidAudience = jwt.Audience;
        bearer.TokenValidationParameters.RoleClaimType = jwt.RoleClaim;
        bearer.TokenValidationParameters.NameClaimType = "sub";
        bearer.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            bearer.Authority = jwt.Authority;
        }

        if (!string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            bearer.TokenValidationParameters.ValidIssuer = jwt.Issuer;
        }

        if (!string.IsNullOrWhiteSpace(jwt.SigningKeyPath) && File.Exists(jwt.SigningKeyPath))
        {
            bearer.TokenValidationParameters.IssuerSigningKey = PublicKey(File.ReadAllText(jwt.SigningKeyPath));
        }
    }

    /// <summary>An RSA or EC public key from PEM text.</summary>
    private static SecurityKey PublicKey(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spine:Security:AllowAnonymous is true: every HTTP endpoint answers anyone, with every role, patient data included. Use it on a closed test network only; configure Spine:Security:ApiKeys or Spine:Security:Jwt instead.")]
    private static partial void LogOpenAccess(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key (Spine:Security:ApiKeys) and no token issuer (Spine:Security:Jwt) is configured: every HTTP endpoint but health answers 401.")]
    private static partial void LogNoCredentials(ILogger logger);
}
