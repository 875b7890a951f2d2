using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Storage;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new OptionsFailures(StorageOptions.Section);
        if (S3BucketNames.Problem(options.Bucket) is { } bucketProblem)
        {
            failures.Add("Bucket", $"'{options.Bucket}' is not a valid bucket name: it {bucketProblem}.");
        }

        switch (options.Provider)
        {
            case StorageProvider.FileSystem when string.IsNullOrWhiteSpace(options.FileSystem.Root):
                failures.Add("FileSystem:Root", "is required when Spine:Storage:Provider is FileSystem.");
                break;
            case StorageProvider.S3:
                if (string.IsNullOrWhiteSpace(options.S3.Endpoint))
                {
                    failures.Add("S3:Endpoint", "is required when Spine:Storage:Provider is S3 (host:port, for example minio:9000).");
                }
                else if (options.S3.Endpoint.Contains("://", StringComparison.Ordinal))
                {
                    failures.Add("S3:Endpoint", "must be host:port without a scheme; set Spine:Storage:S3:UseSsl for https.");
                }

                if (string.IsNullOrWhiteSpace(options.S3.AccessKey))
                {
                    failures.Add("S3:AccessKey", "is required when Spine:Storage:Provider is S3.");
                }

                if (string.IsNullOrWhiteSpace(options.S3.SecretKey))
                {
                    failures.Add("S3:SecretKey", "is required when Spine:Storage:Provider is S3.");
                }

                break;
        }

        return failures.Result();
    }
}
