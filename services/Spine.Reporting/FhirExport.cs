using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Spine.Reporting;

/// <summary>
/// The report's FHIR transaction Bundle to a FHIR R4 server: POST to its base URL. The server answers 200 with a
/// transaction-response Bundle whose every entry has a 2xx status; anything else is refused and tried again. The
/// entries are PUTs to ids derived from the StudyId, so a retry after a lost answer updates, never duplicates.
/// </summary>
internal static class FhirExport
{
    public static async Task SendAsync(HttpClient http, ExportDestination destination, byte[] bundle, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = new MediaTypeHeaderValue(FhirReport.MediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(destination.Url!)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirReport.MediaType));
        await HttpExport.AuthenticateAsync(request, destination, cancellationToken);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new ExportRefusedException($"{destination.Name} answered the FHIR transaction with {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var refused = Statuses(body).Where(status => !status.StartsWith('2')).ToList();
        if (refused.Count > 0)
        {
            throw new ExportRefusedException($"{destination.Name} refused {refused.Count} entries of the FHIR transaction ({refused[0]}).");
        }
    }

    /// <summary>The status of every entry of a transaction-response Bundle; a body that is not one yields "not a transaction-response".</summary>
    private static IEnumerable<string> Statuses(string body)
    {
        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            answer = null;
        }

        if (answer?["resourceType"]?.GetValue<string>() != "Bundle" || answer["type"]?.GetValue<string>() != "transaction-response")
        {
            return ["not a transaction-response"];
        }

        return answer["entry"]?.AsArray().Select(e => e?["response"]?["status"]?.GetValue<string>() ?? "no status") ?? [];
    }
}
