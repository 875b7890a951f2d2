using Microsoft.Extensions.Options;
using Spine.Platform.Models;

namespace Spine.Analysis.Models;

/// <summary>The graders and the decision tree, once per process, every file's SHA-256 checked (the segmenter's session is not opened here).</summary>
public sealed class GraderHost(IOptions<ModelsOptions> options) : IDisposable
{
    private readonly Lazy<ModelSet> _models = new(() => ModelSet.Load(options.Value.Root, options.Value.Threads));

    public ModelSet Models => _models.Value;

    public void Dispose()
    {
        if (_models.IsValueCreated)
        {
            _models.Value.Dispose();
        }
    }
}
