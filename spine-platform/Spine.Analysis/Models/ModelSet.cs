using System.Text.Json;

namespace Spine.Analysis.Models;

/// <summary>
/// The models the pipeline runs, one per task, found in a models folder (NAME/VERSION/model.json, newest version of
/// each task): the segmenter, the three region graders and the central canal decision tree. Every file is checked
/// against its model.json's SHA-256 when loaded. The segmenter's session opens on first use, so services that only
/// grade (classification, explanation) do not hold the largest model in memory.
/// </summary>
public sealed class ModelSet : IDisposable
{
    private readonly Lazy<SegmenterSession> _segmenter;

    private ModelSet(ModelFolder segmenter, int threads, OnnxDevice segmenterDevice, GraderSession canal, GraderSession foramen, GraderSession facet, DecisionTree tree, ModelFolder treeFolder)
    {
        SegmenterModel = segmenter;
        _segmenter = new Lazy<SegmenterSession>(() => new SegmenterSession(segmenter, threads, segmenterDevice));
        (CentralCanal, Foramen, Facet, CanalTree, CanalTreeModel) = (canal, foramen, facet, tree, treeFolder);
    }

    public ModelFolder SegmenterModel { get; }

    public SegmenterSession Segmenter => _segmenter.Value;

    public GraderSession CentralCanal { get; }

    public GraderSession Foramen { get; }

    public GraderSession Facet { get; }

    public DecisionTree CanalTree { get; }

    public ModelFolder CanalTreeModel { get; }

    public IEnumerable<ModelFolder> All => [SegmenterModel, CentralCanal.Model, Foramen.Model, Facet.Model, CanalTreeModel];

    /// <summary>The tasks the pipeline needs a model for.</summary>
    public static IReadOnlyList<string> Tasks { get; } =
        [ModelTasks.Segmentation, ModelTasks.CentralCanalTree, ModelTasks.CentralCanalCnn, ModelTasks.Foramen, ModelTasks.Facet];

    /// <summary>
    /// The newest model of every task under <paramref name="root"/>, each file checked against its SHA-256, without
    /// opening a session: a quick check that a models folder is complete and intact before work starts.
    /// </summary>
    /// <exception cref="ModelFolderException">The folder is missing, a task has no model, or a model is damaged.</exception>
    public static IReadOnlyDictionary<string, ModelFolder> FindAll(string root)
    {
        var fullRoot = Path.GetFullPath(root);
        return Tasks.ToDictionary(task => task, task => ModelFolder.FindLatest(fullRoot, task)
            ?? throw new ModelFolderException($"{fullRoot}: no model for task '{task}' (looked for NAME/VERSION/model.json with \"task\": \"{task}\")."));
    }

    /// <param name="segmenterDevice">Where the segmenter runs (the graders run on the CPU, as in the pipeline).</param>
    public static ModelSet Load(string root, int threads = 2, OnnxDevice segmenterDevice = OnnxDevice.Cpu)
    {
        var models = FindAll(root);
        var treeFolder = models[ModelTasks.CentralCanalTree];
        var tree = JsonSerializer.Deserialize(treeFolder.Content, DecisionTreeJsonContext.Default.DecisionTree)
            ?? throw new ModelFolderException($"{treeFolder.Path}: {treeFolder.Manifest.File} holds no decision tree.");
        return new ModelSet(
            models[ModelTasks.Segmentation],
            threads,
            segmenterDevice,
            new GraderSession(models[ModelTasks.CentralCanalCnn], threads),
            new GraderSession(models[ModelTasks.Foramen], threads),
            new GraderSession(models[ModelTasks.Facet], threads),
            tree,
            treeFolder);
    }

    public void Dispose()
    {
        if (_segmenter.IsValueCreated)
        {
            _segmenter.Value.Dispose();
        }

        CentralCanal.Dispose();
        Foramen.Dispose();
        Facet.Dispose();
    }
}
