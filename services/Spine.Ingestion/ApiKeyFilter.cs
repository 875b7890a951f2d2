using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Spine.Ingestion;

/// <summary>
/// Ingestion's HTTP endpoints (STOW-RS, imports) need one of <c>Spine:Ingestion:ApiKeys</c>, as <c>Authorization:
/// Bearer KEY</c> or <c>X-Api-Key: KEY</c>, when any is configured; compared in constant time. A refused caller is
/// logged by address only.
/// </summary>
internal sealed partial class ApiKeyFilter(IOptions<IngestionOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var keys = options.Value.ApiKeys;
        if (keys.Count == 0)
        {
            return await next(context);
        }

        var request = context.HttpContext.Request;
        var presented = request.Headers["X-Api-Key"].FirstOrDefault()
            ?? (request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null);
        if (presented is not null && keys.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(presented))))
        {
            return await next(context);
        }

        LogRefused(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", request.Path);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "an API key is required (Authorization: Bearer KEY or X-Api-Key: KEY).");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion request from {Address} to {Path} refused: no valid API key")]
    private static partial void LogRefused(ILogger logger, string address, string path);
}
