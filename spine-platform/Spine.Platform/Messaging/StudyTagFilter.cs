using System.Diagnostics;
using MassTransit;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;

namespace Spine.Platform.Messaging;

/// <summary>
/// Tags the consume span of every study message with the platform's StudyId (<see cref="SpineTelemetry.StudyIdTag"/>),
/// so an operator finds a study's trace by the id the studies API shows. Never a DICOM identifier.
/// </summary>
internal sealed class StudyTagFilter<T> : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Message is IStudyMessage study)
        {
            Activity.Current?.SetTag(SpineTelemetry.StudyIdTag, study.StudyId.ToString());
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("spine-study-tag");
}
