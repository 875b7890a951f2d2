using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spine.Dicom.Network;

/// <summary>
/// The DICOM server's trace source and instruments, both named <see cref="Name"/>: a span per association, and counts
/// of how associations start and end. Tags hold AE titles and outcomes, never patient data. A calling AE title is
/// recorded only once its association is accepted (the title is then on the allow-list, or the operator allowed any),
/// so a stranger cannot grow the metrics by inventing titles.
/// </summary>
public static class DicomNetworkTelemetry
{
    public const string Name = "Spine.Dicom";

    public const string OutcomeTag = "dicom.outcome";

    public const string CallingAeTag = "dicom.calling_ae";

    /// <summary>The port the SCP listens on (OpenTelemetry's server.port), telling apart the listeners of one process.</summary>
    public const string ServerPortTag = "server.port";

    public static readonly ActivitySource Source = new(Name, typeof(DicomNetworkTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(DicomNetworkTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "spine.dicom.associations", "{association}", "Connections and association requests by outcome: accepted, rejected (AE title), refused (host), busy (association limit), tls-failed, protocol-error, timed-out (ARTIM), failed.");

    internal static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>(
        "spine.dicom.associations.active", "{association}", "Associations established now.");

    internal static readonly Counter<long> Ended = Meter.CreateCounter<long>(
        "spine.dicom.associations.ended", "{association}", "Established associations by how they ended: released, aborted (by the peer, or closed), protocol-error, timed-out, cut, failed.");

    internal static void Count(string outcome, int serverPort) =>
        Requests.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome), new KeyValuePair<string, object?>(ServerPortTag, serverPort));
}
