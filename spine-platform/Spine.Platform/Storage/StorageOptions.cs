namespace Spine.Platform.Storage;

public enum StorageProvider
{
    /// <summary>A folder on local disk: the embedded mode.</summary>
    FileSystem,

    /// <summary>An S3 API (MinIO in production and docker-compose).</summary>
    S3,
}

/// <summary>Configuration section <c>Spine:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Spine:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.FileSystem;

    /// <summary>Where objects are written; S3 bucket naming rules apply to both providers so a deployment can move.</summary>
    public string Bucket { get; set; } = "spine";

    /// <summary>Create the bucket at start when it is missing.</summary>
    public bool CreateBucket { get; set; } = true;

    public FileSystemStorageOptions FileSystem { get; set; } = new();

    public S3StorageOptions S3 { get; set; } = new();
}

public sealed class FileSystemStorageOptions
{
    /// <summary>Folder that holds one sub-folder per bucket; relative paths are resolved from the working directory.</summary>
    public string Root { get; set; } = ".spine/objects";
}

public sealed class S3StorageOptions
{
    /// <summary>host:port of the S3 API, without scheme.</summary>
    public string? Endpoint { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public bool UseSsl { get; set; }

    public string? Region { get; set; }
}
