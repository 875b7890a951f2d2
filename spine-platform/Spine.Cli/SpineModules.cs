using Spine.Classification;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Platform.Diagnostics;
using Spine.Platform.Hosting;
using Spine.Preprocessing;
using Spine.Reporting;
using Spine.Segmentation;

namespace Spine.Cli;

/// <summary>The one list of service modules: what the embedded mode runs and what <c>spine serve</c> can host.</summary>
public static class SpineModules
{
    /// <summary>The six pipeline services, in the order a study passes through them.</summary>
    public static IReadOnlyList<SpineServiceModule> Pipeline { get; } =
        [IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module, ExplanationModule.Module, ReportingModule.Module];

    /// <summary>Everything <c>spine serve</c> can host: the probe service (for <c>spine probe</c>) and the pipeline.</summary>
    public static IReadOnlyList<SpineServiceModule> All { get; } = [ProbeModule.Module, .. Pipeline];

    public static SpineServiceModule? Find(string name) =>
        All.FirstOrDefault(module => string.Equals(module.Name, name, StringComparison.OrdinalIgnoreCase));
}
