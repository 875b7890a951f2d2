using System.Net.Http.Headers;
using System.Text;

namespace Spine.Reporting;

/// <summary>What the HTTP destinations (STOW-RS, FHIR) share: the named client and their authentication.</summary>
internal static class HttpExport
{
    public const string ClientName = "export";

    /// <summary>Basic authentication when the destination names a user; the password is read from its file each time (secrets rotate).</summary>
    public static async Task AuthenticateAsync(HttpRequestMessage request, ExportDestination destination, CancellationToken cancellationToken)
    {
        if (destination.Username is { } user)
        {
            var password = (await File.ReadAllTextAsync(destination.PasswordPath!, cancellationToken)).TrimEnd('\r', '\n');
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }
}
