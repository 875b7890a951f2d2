using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Spine.Platform.Security;

/// <summary>
/// Logs each refused request by its route template (never the path, which can hold a Study Instance UID), the
/// caller's address and name, and answers with a problem body that says what was missing.
/// </summary>
internal sealed partial class RefusalResultHandler(ILogger<RefusalResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Challenged && !authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var needed = string.Join(", ", policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles));
        if (authorizeResult.Challenged)
        {
            LogUnauthenticated(logger, context.Request.Method, route, address);
        }
        else
        {
            LogForbidden(logger, context.Request.Method, route, address, context.User.Identity?.Name ?? "unnamed", needed);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (!context.Response.HasStarted)
        {
            var detail = authorizeResult.Challenged
                ? $"credentials are required: an API key (X-Api-Key, Authorization: Bearer, or as the Basic password in a browser) or an access token."
                : $"this endpoint needs the role {needed}.";
            await Results.Problem(statusCode: context.Response.StatusCode, detail: detail).ExecuteAsync(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Route} from {Address} refused: no valid credentials")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string route, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Route} from {Address} refused: caller {Caller} lacks the role {Role}")]
    private static partial void LogForbidden(ILogger logger, string method, string route, string address, string caller, string role);
}
