using System.Text.Json.Serialization;

namespace Spine.Platform.Hosting;

internal sealed record HealthReportBody(string Status, Dictionary<string, HealthEntryBody> Checks);

internal sealed record HealthEntryBody(string Status, string? Description);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReportBody))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
