using Spine.Classification;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Platform.Diagnostics;
using Spine.Platform.Hosting;
using Spine.Preprocessing;
using Spine.Reporting;
using Spine.Segmentation;

namespace Spine.Cli;

/// <summary>The services this build of <c>spine serve</c> can host.</summary>
internal static class HostedServices
{
    public static IReadOnlyList<SpineServiceModule> All { get; } =
        [ProbeModule.Module, IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module, ExplanationModule.Module, ReportingModule.Module];

    public static SpineServiceModule? Find(string name) =>
        All.FirstOrDefault(module => string.Equals(module.Name, name, StringComparison.OrdinalIgnoreCase));
}
