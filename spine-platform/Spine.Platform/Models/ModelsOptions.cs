using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Models;

/// <summary>
/// <c>Spine:Models</c>: where the model folders are (NAME/VERSION/model.json with the file it names) and how ONNX
/// Runtime runs them.
/// </summary>
public sealed class ModelsOptions
{
    public const string Section = "Spine:Models";

    /// <summary>
    /// The reference models shipped with the executable (copied beside it at build and publish), so that the services
    /// find them whatever the working directory; a hospital's own models are a folder named by <see cref="Root"/>.
    /// </summary>
    public static string BundledRoot { get; } = Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>Folder of NAME/VERSION/model.json; a relative path is taken from the working directory.</summary>
    public string Root { get; set; } = BundledRoot;

    /// <summary><c>Cpu</c>, or <c>Cuda</c> for the GPU build of the segmentation service.</summary>
    public string ExecutionProvider { get; set; } = "Cpu";

    /// <summary>The GPU the segmenter runs on with <c>Cuda</c> (0 in a pod given one GPU).</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Intra-op threads of each ONNX Runtime session on the CPU.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>Slices the segmenter runs at once, gathered across slabs and studies.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>How long a batch that is not full waits for more slices (other studies') before it runs.</summary>
    public int BatchWindowMilliseconds { get; set; } = 10;
}

internal sealed class ModelsOptionsValidator : IValidateOptions<ModelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelsOptions options)
    {
        var failures = new OptionsFailures(ModelsOptions.Section);
        if (!Directory.Exists(options.Root))
        {
            failures.Add("Root", $"'{Path.GetFullPath(options.Root)}' is not a folder (it should hold NAME/VERSION/model.json).");
        }

        if (options.ExecutionProvider is not ("Cpu" or "Cuda"))
        {
            failures.Add("ExecutionProvider", $"'{options.ExecutionProvider}' is neither Cpu nor Cuda.");
        }

        if (options.CudaDeviceId < 0)
        {
            failures.Add("CudaDeviceId", "must not be negative.");
        }

        if (options.Threads < 1)
        {
            failures.Add("Threads", "must be at least 1.");
        }

        if (options.BatchSize < 1)
        {
            failures.Add("BatchSize", "must be at least 1.");
        }

        if (options.BatchWindowMilliseconds is < 0 or > 10_000)
        {
            failures.Add("BatchWindowMilliseconds", "must be between 0 and 10000.");
        }

        return failures.Result();
    }
}

public static class ModelsOptionsExtensions
{
    /// <summary>Binds and validates <c>Spine:Models</c> when the host starts (services that run models call this).</summary>
    public static TBuilder AddSpineModelsOptions<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<ModelsOptions, ModelsOptionsValidator>(ModelsOptions.Section);
        return builder;
    }
}
