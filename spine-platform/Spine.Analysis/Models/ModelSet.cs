using System.Text.Json;
using Spine.Evaluation;

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

    private ModelSet(ModelFolder segmenter, int threads, GraderSession canal, GraderSession foramen, GraderSession facet, DecisionTree tree, ModelFolder treeFolder)
    {
        SegmenterModel = segmenter;
        _segmenter = new Lazy<SegmenterSession>(() => new SegmenterSession(segmenter, threads));
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

    public static ModelSet Load(string root, int threads = 2)
    {
        ModelFolder Required(string task) => ModelFolder.FindLatest(root, task)
            ?? throw new ModelFolderException($"{root}: no model for task '{task}' (looked for NAME/VERSION/model.json with \"task\": \"{task}\").");

        var treeFolder = Required(ModelTasks.CentralCanalTree);
        var tree = JsonSerializer.Deserialize(treeFolder.Content, EvaluationJsonContext.Default.DecisionTree)
            ?? throw new ModelFolderException($"{treeFolder.Path}: {treeFolder.Manifest.File} holds no decision tree.");
        return new ModelSet(
            Required(ModelTasks.Segmentation),
            threads,
            new GraderSession(Required(ModelTasks.CentralCanalCnn), threads),
            new GraderSession(Required(ModelTasks.Foramen), threads),
            new GraderSession(Required(ModelTasks.Facet), threads),
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
