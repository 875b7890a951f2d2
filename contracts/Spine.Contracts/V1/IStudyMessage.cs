namespace Spine.Contracts.V1;

/// <summary>What every message about a study carries.</summary>
public interface IStudyMessage
{
    /// <summary>The platform's own identifier of the study; the only identifier that logs and traces use.</summary>
    Guid StudyId { get; }

    /// <summary>DICOM Study Instance UID (0020,000D). Never logged.</summary>
    string StudyInstanceUid { get; }

    /// <summary>Follows one analysis of a study through every stage; MassTransit picks it up by name.</summary>
    Guid CorrelationId { get; }

    DateTimeOffset OccurredAt { get; }
}
