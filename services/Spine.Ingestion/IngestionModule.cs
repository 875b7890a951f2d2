using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Spine.Dicom.Network;
using Spine.Platform.Hosting;
using Spine.Platform.Security;

namespace Spine.Ingestion;

public static class IngestionModule
{
    /// <summary>Ingestion: the DICOM storage SCP (C-STORE) and folder import, in process (<c>spine analyze</c>) or by <c>POST /imports</c>.</summary>
    public static SpineServiceModule Module { get; } = new(
        "ingestion",
        "Ingestion: receives studies by DICOM C-STORE (Spine:Ingestion:Dimse), DICOMweb STOW-RS (POST /dicomweb/studies) and from folders (POST /imports); stores every instance; publishes StudyReceived.",
        _ => { },
        builder =>
        {
            IngestionOptions.Add(builder);
            builder.Services.AddSingleton<StudyIntake>();
            builder.Services.AddSingleton<FolderImport>();
            builder.Services.AddSingleton<OpenStudies>();
            builder.Services.AddSingleton<DimseIntake>();
            builder.Services.AddHostedService<OpenStudiesService>(); // recovers before the SCP listens
            builder.Services.AddHostedService<DimseListener>();
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(DicomNetworkTelemetry.Name));
            builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(DicomNetworkTelemetry.Name));
        },
        endpoints =>
        {
            var senders = endpoints.MapGroup(string.Empty).RequireAuthorization(SpineRoles.Send);
            ImportApi.Map(senders);
            StowRs.Map(senders);
        });
}
