using System.CommandLine;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine health URL</c>: exit 0 when the URL answers 200 within five seconds, 1 otherwise. Container images have
/// no curl; their HEALTHCHECK runs this against the service's /health/live.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "Health endpoint, for example http://127.0.0.1:8080/health/live." };
        var command = new Command("health", "Check a health endpoint: exit 0 on 200, 1 otherwise.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var address))
            {
                await Console.Error.WriteLineAsync($"spine health: '{parse.GetValue(url)}' is not an absolute URL.");
                return ExitCodes.Usage;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(address, cancellationToken);
                await Console.Out.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}");
                return response.IsSuccessStatusCode ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"spine health: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
