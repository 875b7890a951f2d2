namespace Spine.Preprocessing;

/// <summary><c>Spine:Models</c>: where the model folders are (NAME/VERSION/model.json); preprocessing reads the segmenter's input spacing.</summary>
public sealed class ModelsOptions
{
    public const string Section = "Spine:Models";

    public string Root { get; set; } = "models";
}
