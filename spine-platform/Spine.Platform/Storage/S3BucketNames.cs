using System.Net;

namespace Spine.Platform.Storage;

/// <summary>S3's bucket naming rules (general purpose buckets), which MinIO enforces too.</summary>
public static class S3BucketNames
{
    /// <summary>Why <paramref name="name"/> is not a valid bucket name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length is < 3 or > 63)
        {
            return $"has {name.Length} characters; bucket names have 3 to 63";
        }

        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            return "may hold only lowercase letters, digits, '.' and '-'";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return "must begin and end with a letter or digit";
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "must not hold two adjacent periods";
        }

        if (IPAddress.TryParse(name, out _) && name.Count(c => c == '.') == 3)
        {
            return "must not be formatted as an IP address";
        }

        return null;
    }
}
