using System.Text.Json.Serialization;
using Spine.Platform.Diagnostics;

namespace Spine.Cli;

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProbeResult))]
[JsonSerializable(typeof(Commands.PixelsDescription))]
[JsonSerializable(typeof(Commands.FuzzSummary))]
[JsonSerializable(typeof(Commands.PhantomSummary))]
[JsonSerializable(typeof(Spine.Ingestion.ImportRequest))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
