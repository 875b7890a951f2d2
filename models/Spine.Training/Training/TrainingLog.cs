using System.Text.Json.Serialization;

namespace Spine.Training;

/// <summary>training-log.jsonl in a model folder: one JSON line per epoch, started afresh by each training run.</summary>
internal static class TrainingLog
{
    public const string FileName = "training-log.jsonl";

    public static void Start(string? folder)
    {
        if (folder is not null && File.Exists(Path.Combine(folder, FileName)))
        {
            File.Delete(Path.Combine(folder, FileName));
        }
    }

    public static void Append(string folder, string jsonLine)
    {
        Directory.CreateDirectory(folder);
        File.AppendAllText(Path.Combine(folder, FileName), jsonLine + "\n");
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EpochLog))]
[JsonSerializable(typeof(SegmenterEpochLog))]
internal sealed partial class TrainingLogJsonContext : JsonSerializerContext;
