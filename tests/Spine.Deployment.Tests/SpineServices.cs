using MassTransit;
using Spine.Classification;
using Spine.Explanation;
using Spine.Ingestion;
using Spine.Platform.Hosting;
using Spine.Preprocessing;
using Spine.Reporting;
using Spine.Segmentation;

namespace Spine.Deployment.Tests;

/// <summary>The six services as the code defines them: name, and the RabbitMQ queues their consumers read.</summary>
internal static class SpineServices
{
    private static readonly SpineServiceModule[] Modules =
        [IngestionModule.Module, PreprocessingModule.Module, SegmentationModule.Module, ClassificationModule.Module, ExplanationModule.Module, ReportingModule.Module];

    private static readonly Dictionary<string, Type> ModuleTypes = new()
    {
        [IngestionModule.Module.Name] = typeof(IngestionModule),
        [PreprocessingModule.Module.Name] = typeof(PreprocessingModule),
        [SegmentationModule.Module.Name] = typeof(SegmentationModule),
        [ClassificationModule.Module.Name] = typeof(ClassificationModule),
        [ExplanationModule.Module.Name] = typeof(ExplanationModule),
        [ReportingModule.Module.Name] = typeof(ReportingModule),
    };

    public static IReadOnlyList<string> Names { get; } = [.. Modules.Select(m => m.Name)];

    /// <summary>Queue names as the bus names them (kebab case, no namespace, no prefix), one per consumer of the service.</summary>
    public static IReadOnlyList<string> Queues(string service)
    {
        var formatter = new KebabCaseEndpointNameFormatter(null, includeNamespace: false);
        var name = typeof(KebabCaseEndpointNameFormatter).GetMethods().Single(m => m.Name == nameof(formatter.Consumer) && m.IsGenericMethod && m.GetParameters().Length == 0);
        return [.. ModuleTypes[service].Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConsumer).IsAssignableFrom(t))
            .Select(t => (string)name.MakeGenericMethod(t).Invoke(formatter, null)!)
            .Order(StringComparer.Ordinal)];
    }
}
