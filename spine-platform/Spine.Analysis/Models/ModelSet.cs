using System.Text.Json;
using Spine.Evaluation;

namespace Spine.Analysis.Models;

/// <summary>
/// The models the pipeline runs, one per task, found in a models folder (NAME/VERSION/model.json, newest version of
/// each task): the segmenter, the three region graders and the central canal decision tree. Every file is checked
/// against its model.json's SHA-256 when loaded.
/// </summary>
public sealed class ModelSet : IDisposable
{
    private ModelSet(SegmenterSession segmenter, GraderSession canal, GraderSession foramen, GraderSession facet, DecisionTree tree, ModelFolder treeFolder)
    {
        (Segmenter, CentralCanal, Foramen, Facet, CanalTree, CanalTreeModel) = (segmenter, canal, foramen, facet, tree, treeFolder);
    }

    public SegmenterSession Segmenter { get; }

    public GraderSession CentralCanal { get; }

    public GraderSession Foramen { get; }

    public GraderSession Facet { get; }

    public DecisionTree CanalTree { get; }

    public ModelFolder CanalTreeModel { get; }

    public IEnumerable<ModelFolder> All => [Segmenter.Model, CentralCanal.Model, Foramen.Model, Facet.Model, CanalTreeModel];

    public static ModelSet Load(string root, int threads = 2)
    {
        ModelFolder Required(string task) => ModelFolder.FindLatest(root, task)
            ?? throw new ModelFolderException($"{root}: no model for task '{task}' (looked for NAME/VERSION/model.json with \"task\": \"{task}\").");

        var treeFolder = Required(ModelTasks.CentralCanalTree);
        var tree = JsonSerializer.Deserialize(treeFolder.Content, EvaluationJsonContext.Default.DecisionTree)
            ?? throw new ModelFolderException($"{treeFolder.Path}: {treeFolder.Manifest.File} holds no decision tree.");
        return new ModelSet(
            new SegmenterSession(Required(ModelTasks.Segmentation), threads),
            new GraderSession(Required(ModelTasks.CentralCanalCnn), threads),
            new GraderSession(Required(ModelTasks.Foramen), threads),
            new GraderSession(Required(ModelTasks.Facet), threads),
            tree,
            treeFolder);
    }

    public void Dispose()
    {
        Segmenter.Dispose();
        CentralCanal.Dispose();
        Foramen.Dispose();
        Facet.Dispose();
    }
}
