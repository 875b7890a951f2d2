using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Ledger;

public static class LedgerExtensions
{
    /// <summary>The study ledger and the DICOM archive index on SQLite or PostgreSQL (<c>Spine:Ledger:Provider</c>), their schema ensured at start, and the readiness check.</summary>
    public static TBuilder AddSpineLedger<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddValidatedOptions<LedgerOptions, LedgerOptionsValidator>(LedgerOptions.Section);
        builder.Services.AddDbContextFactory<LedgerDbContext>((services, db) =>
        {
            var options = services.GetRequiredService<IOptions<LedgerOptions>>().Value;
            if (options.Provider == LedgerProvider.PostgreSql)
            {
                db.UseNpgsql(options.ConnectionString);
            }
            else
            {
                db.UseSqlite(options.ConnectionString);
            }
        });
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<IStudyLedger, EfStudyLedger>();
        builder.Services.AddSingleton<Archive.IDicomArchive, Archive.EfDicomArchive>();
        builder.Services.AddHostedService<LedgerInitializer>();
        builder.Services.AddHealthChecks().AddDbContextCheck<LedgerDbContext>("ledger", tags: [SpineDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
