namespace Spine.Contracts.V1;

/// <summary>
/// Claim check: where a payload lives in object storage. Messages carry these, never pixel data.
/// </summary>
public sealed record ObjectRef
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string ContentType { get; init; }

    /// <summary>Length in bytes.</summary>
    public required long Length { get; init; }

    /// <summary>SHA-256 of the content, lowercase hexadecimal; readers verify it.</summary>
    public required string Sha256 { get; init; }
}
