namespace Spine.Platform.Storage;

/// <summary>Rules that keep keys portable between S3 and a filesystem and keep them inside their bucket.</summary>
public static class ObjectKeys
{
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when the key is unusable.</summary>
    /// <summary>A listing prefix is a key folder: a valid key followed by '/'.</summary>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException($"Prefix '{prefix}' does not end with '/'.", nameof(prefix));
        }

        Validate(prefix[..^1]);
    }

    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string? problem = key switch
        {
            "" => "is empty",
            { Length: > MaxLength } => $"is longer than {MaxLength} characters",
            _ when key.StartsWith('/') => "starts with '/'",
            _ when key.EndsWith('/') => "ends with '/'",
            _ when key.Contains('\\', StringComparison.Ordinal) => "contains '\\'",
            _ when key.Any(char.IsControl) => "contains a control character",
            _ when key.Split('/').Any(segment => segment is "" or "." or "..") => "has an empty, '.' or '..' segment",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException($"Object key '{key}' {problem}.", nameof(key));
        }
    }
}
