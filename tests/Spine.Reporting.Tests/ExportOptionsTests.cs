using Microsoft.Extensions.Options;
using Spine.Contracts.V1;
using Spine.Testing;

namespace Spine.Reporting.Tests;

/// <summary>Export destinations are checked when the platform starts: a wrong one stops it with the setting named.</summary>
public sealed class ExportOptionsTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings) =>
        await Assert.ThrowsAsync<OptionsValidationException>(() => EmbeddedPlatform.StartAsync([ReportingModule.Module], EmbeddedPlatform.Record<StudyReportPublished>, settings));

    [Theory]
    [InlineData(null)]
    [InlineData("pacs.example/dicom-web")]
    [InlineData("ftp://pacs.example/dicom-web")]
    public async Task A_stow_rs_destination_without_an_http_url_stops_the_platform(string? url)
    {
        var error = await StartFailsAsync(new() { ["Spine:Export:Destinations:0:Name"] = "web", ["Spine:Export:Destinations:0:Kind"] = "StowRs", ["Spine:Export:Destinations:0:Url"] = url });

        Assert.Contains("a StowRs or Fhir destination an http(s) Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stow_rs_user_without_a_password_file_stops_the_platform()
    {
        var error = await StartFailsAsync(new()
        {
            ["Spine:Export:Destinations:0:Name"] = "web", ["Spine:Export:Destinations:0:Kind"] = "StowRs",
            ["Spine:Export:Destinations:0:Url"] = "https://pacs.example/dicom-web", ["Spine:Export:Destinations:0:Username"] = "spine",
        });

        Assert.Contains("Username with an existing PasswordPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_transport_security_refuses_a_plain_http_stow_rs_destination()
    {
        var error = await StartFailsAsync(new()
        {
            ["Spine:Security:RequireTransportSecurity"] = "true",
            ["Spine:Export:Destinations:0:Name"] = "web", ["Spine:Export:Destinations:0:Kind"] = "StowRs", ["Spine:Export:Destinations:0:Url"] = "http://pacs.example/dicom-web",
        });

        Assert.Contains("every StowRs or Fhir one an https Url", error.Message, StringComparison.Ordinal);
    }
}
