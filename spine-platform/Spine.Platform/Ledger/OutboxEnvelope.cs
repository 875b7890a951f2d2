using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

/// <summary>A contract message to and from its outbox row, by the contracts' own JSON (source-generated).</summary>
internal static class OutboxEnvelope
{
    public static OutboxMessage Write(IStudyMessage message, DateTimeOffset now, string? traceParent)
    {
        var type = message.GetType();
        return new OutboxMessage
        {
            MessageId = Guid.CreateVersion7(now),
            StudyId = message.StudyId,
            MessageType = type.FullName!,
            Body = JsonSerializer.Serialize(message, TypeInfo(type)),
            TraceParent = traceParent,
            CreatedAt = now,
        };
    }

    public static IStudyMessage Read(OutboxMessage row)
    {
        var type = typeof(IStudyMessage).Assembly.GetType(row.MessageType)
            ?? throw new InvalidDataException($"outbox message {row.Id}: {row.MessageType} is not a contract of this version.");
        return JsonSerializer.Deserialize(row.Body, TypeInfo(type)) as IStudyMessage
            ?? throw new InvalidDataException($"outbox message {row.Id}: the body is not a {type.Name}.");
    }

    private static JsonTypeInfo TypeInfo(Type type) =>
        SpineContractsJsonContext.Default.GetTypeInfo(type)
            ?? throw new InvalidOperationException($"{type.Name} is not in SpineContractsJsonContext: only contract messages go through the outbox.");
}
