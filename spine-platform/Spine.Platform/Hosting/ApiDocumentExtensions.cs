using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;
using Spine.Platform.Security;

namespace Spine.Platform.Hosting;

/// <summary>
/// The OpenAPI 3.1 document of a host's HTTP endpoints (Microsoft.AspNetCore.OpenApi), served at
/// <see cref="DocumentPath"/> to callers with the role read. Each service's process documents its own endpoints; the
/// document of them all is committed as docs/api/openapi.v1.json, which a test regenerates and compares.
/// </summary>
public static class ApiDocumentExtensions
{
    public const string DocumentPath = "/openapi/v1.json";

    private const string DocumentRoute = "/openapi/{documentName}.json";

    public static TBuilder AddSpineApiDocument<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi("v1", options => options.AddOperationTransformer((operation, context, _) =>
        {
            // Grouped by what the caller does (imports, dicomweb, studies, console), not by the host's name.
            var route = context.Description.RelativePath ?? string.Empty;
            operation.Tags = new HashSet<OpenApiTagReference> { new(route.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "root") };

            // Every endpoint but health needs a role: say which, and the two answers of a caller without it.
            var roles = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            if (roles.Count > 0)
            {
                operation.Description = $"Role: {string.Join(" and ", roles)}.";
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No credentials, or credentials the platform does not accept." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The caller's credentials lack the role {string.Join(" and ", roles)}." });
            }

            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Spine Platform",
                Version = "v1",
                Description = "Lumbar spine MRI analysis: send studies (STOW-RS, imports), follow and read results (studies API, DICOMweb, web console), "
                    + "act on studies (re-run, resend) and scrape metrics. Every endpoint but /health/* needs an API key or an OpenID Connect "
                    + "access token (Authorization: Bearer) carrying the endpoint's role: send, read, operate or monitor.",
            };

            document.Tags = new HashSet<OpenApiTag>
            {
                new() { Name = "imports", Description = "Import studies from a folder the service can read (role send)." },
                new() { Name = "dicomweb", Description = "STOW-RS (role send); QIDO-RS and WADO-RS over received instances and result objects (role read)." },
                new() { Name = "studies", Description = "Studies, their status and reports (role read); re-run and resend (role operate)." },
                new() { Name = "console", Description = "The web console's pages and the studies API again for the signed-in browser (HTTP Basic, API key as password)." },
            };

            // The address a document was fetched from is the caller's business, and would make the document differ by host.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                ["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key (Spine:Security:ApiKeys) or an OpenID Connect access token whose role claim holds the endpoint's role.",
                },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Documents the body an endpoint reads itself (binding none, so that it answers a wrong body with its own problem).
    /// For the document only: <c>Accepts</c> would also let routing refuse other media types with a bare 415.
    /// </summary>
    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder endpoint, string contentType)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [contentType] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken) },
                },
            });
    }

    public static WebApplication MapSpineApiDocument(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi(DocumentRoute).RequireAuthorization(SpineRoles.Read);
        return app;
    }
}
