using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spine.Platform.Security;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// Every HTTP endpoint that the platform's services answer, enumerated from the running app (so that a new endpoint
/// is tried the day it is added): each but health names exactly one role, refuses anonymous callers with 401 and
/// callers holding every other role with 403, and lets its role through.
/// </summary>
public sealed class HttpEndpointSecurityTests
{
    private static string KeyWithout(string role) => $"key-without-{role}-0123456789";

    [Fact]
    public async Task Every_endpoint_but_health_refuses_anonymous_and_wrong_role_callers()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (role, index) in SpineRoles.All.Select((role, index) => (role, index + 1)))
        {
            settings[$"Spine:Security:ApiKeys:{index}:Name"] = "without " + role;
            settings[$"Spine:Security:ApiKeys:{index}:Key"] = KeyWithout(role);
            settings[$"Spine:Security:ApiKeys:{index}:Roles"] = string.Join(',', SpineRoles.All.Where(other => other != role));
        }

        await using var platform = await EmbeddedPlatform.StartAsync(SpineModules.Pipeline, _ => { }, settings, web: true);
        var endpoints = ((IEndpointRouteBuilder)platform.Host).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, endpoint => endpoint.RoutePattern.RawText == "/studies");
        Assert.Contains(endpoints, endpoint => endpoint.RoutePattern.RawText == "/dicomweb/studies");

        var tried = 0;
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!;
            var path = Regex.Replace(route, @"\{(\w+)(:guid|:int)?[^}]*\}", match => match.Groups[2].Value switch
            {
                ":guid" => Guid.NewGuid().ToString(),
                ":int" => "1",
                _ => "1.2.826.0.1.3680043.2.1125.1",
            });
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                if (route.StartsWith("/health/", StringComparison.Ordinal))
                {
                    Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusAsync(platform.Anonymous!, method, path));
                    continue;
                }

                var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).Where(policy => policy is not null).Distinct().ToList();
                var roles = policies.Where(policy => SpineRoles.All.Contains(policy)).ToList();
                Assert.True(roles.Count == 1, $"{method} {route} names {roles.Count} roles: each endpoint needs exactly one of {string.Join(", ", SpineRoles.All)} (RequireAuthorization(SpineRoles.X))");
                var role = roles[0];
                Assert.True(HttpStatusCode.Unauthorized == await StatusAsync(platform.Anonymous!, method, path), $"{method} {route} answered an anonymous caller");
                using (var wrongRole = platform.Client(KeyWithout(role!)))
                {
                    Assert.True(HttpStatusCode.Forbidden == await StatusAsync(wrongRole, method, path), $"{method} {route} answered a caller without the role {role}");
                }

                var allowed = await StatusAsync(platform.Http!, method, path);
                Assert.True(allowed is not HttpStatusCode.Unauthorized and not HttpStatusCode.Forbidden, $"{method} {route} refused a caller with the role {role}: {(int)allowed}");
                tried++;
            }
        }

        Assert.True(tried >= 5, $"only {tried} endpoints were tried");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
