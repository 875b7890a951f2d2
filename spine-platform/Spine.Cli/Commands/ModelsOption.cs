using System.CommandLine;
using Spine.Analysis.Models;
using Spine.Platform.Models;

namespace Spine.Cli.Commands;

/// <summary>
/// The <c>--models</c> option of every command that runs the models, and the check each runs before any work, so a
/// missing or damaged models folder is one line that says what was looked for, where, and how to fix it.
/// </summary>
internal static class ModelsOption
{
    private const string EnvironmentVariable = "Spine__Models__Root";

    public static Option<DirectoryInfo> Create() => new("--models")
    {
        Description = $"Models folder (NAME/VERSION/model.json; the newest model of each task is used). Default: {EnvironmentVariable} when set, else the reference models shipped with spine.",
        DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : ModelsOptions.BundledRoot),
    };

    /// <summary>Null when every model the pipeline needs is in <paramref name="folder"/> and intact; otherwise the exit code, the reason printed.</summary>
    public static int? Check(string command, DirectoryInfo folder)
    {
        try
        {
            ModelSet.FindAll(folder.FullName);
            return null;
        }
        catch (ModelFolderException ex)
        {
            Console.Error.WriteLine($"spine {command}: {ex.Message} Looked for a model of each task ({string.Join(", ", ModelSet.Tasks)}) as NAME/VERSION/model.json; pass --models DIR or set {EnvironmentVariable} to the folder that holds them.");
            return ExitCodes.Configuration;
        }
    }
}
