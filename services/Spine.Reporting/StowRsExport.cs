using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Spine.Reporting;

/// <summary>
/// Result objects to a DICOMweb server by STOW-RS (PS3.18 10.5): one multipart/related; type="application/dicom"
/// request with a Part 10 object per part, to <c>{Url}/studies</c>. 200 with no Failed SOP Sequence is stored;
/// anything else (202 some failed, 409 none stored, an error status, a Failed SOP Sequence) is refused and tried again.
/// </summary>
internal static class StowRsExport
{
    private const string FailedSopSequence = "00081198";

    public static async Task SendAsync(HttpClient http, ExportDestination destination, IReadOnlyList<byte[]> objects, CancellationToken cancellationToken)
    {
        using var content = new MultipartContent("related", "spine-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var part10 in objects)
        {
            var part = new ByteArrayContent(part10);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(destination.Url!.TrimEnd('/') + "/studies")) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        await HttpExport.AuthenticateAsync(request, destination, cancellationToken);

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new ExportRefusedException($"{destination.Name} answered STOW-RS with {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        if (Failed(body) is > 0 and var failed)
        {
            throw new ExportRefusedException($"{destination.Name} refused {failed} of {objects.Count} objects (Failed SOP Sequence).");
        }
    }

    /// <summary>How many items the answer's Failed SOP Sequence (0008,1198) lists; 0 for none or a body that is not DICOM JSON.</summary>
    private static int Failed(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject answer && answer[FailedSopSequence]?["Value"] is JsonArray items ? items.Count : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0;
        }
    }
}
