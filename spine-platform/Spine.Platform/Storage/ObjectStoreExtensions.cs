using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Platform.Hosting;

namespace Spine.Platform.Storage;

public static class ObjectStoreExtensions
{
    /// <summary>The object store that <c>Spine:Storage:Provider</c> names, its bucket created at start, and its readiness check.</summary>
    public static TBuilder AddSpineObjectStore<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        var provider = builder.Configuration.GetSection(StorageOptions.Section).GetValue(nameof(StorageOptions.Provider), StorageProvider.FileSystem);
        if (provider == StorageProvider.S3)
        {
            builder.Services.AddSingleton<IObjectStore, S3ObjectStore>();
        }
        else
        {
            builder.Services.AddSingleton<IObjectStore, FileSystemObjectStore>();
        }

        builder.Services.AddHostedService<ObjectStoreInitializer>();
        builder.Services.AddHealthChecks().AddCheck<ObjectStoreHealthCheck>("object-store", tags: [SpineDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
