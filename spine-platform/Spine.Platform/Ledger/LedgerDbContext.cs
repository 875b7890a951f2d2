using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Spine.Platform.Archive;

namespace Spine.Platform.Ledger;

public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<StudyRecord> Studies => Set<StudyRecord>();

    public DbSet<StageTransition> Transitions => Set<StageTransition>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>Every attempt to send a study's results to an export destination.</summary>
    public DbSet<ExportAttempt> Exports => Set<ExportAttempt>();

    /// <summary>The DICOM instances DICOMweb serves (patient data: see <see cref="ArchivedInstance"/>).</summary>
    public DbSet<ArchivedInstance> Archive => Set<ArchivedInstance>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        var study = modelBuilder.Entity<StudyRecord>();
        study.ToTable("studies");
        study.HasKey(s => s.StudyId);
        study.Property(s => s.StudyInstanceUid).HasMaxLength(64).IsRequired();
        study.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        study.Property(s => s.Stage).HasConversion<string>().HasMaxLength(16);
        study.HasIndex(s => s.StudyInstanceUid);
        study.HasIndex(s => s.CreatedAt);
        study.Property(s => s.Version).IsConcurrencyToken();
        study.HasMany(s => s.Transitions).WithOne().HasForeignKey(t => t.StudyId).OnDelete(DeleteBehavior.Cascade);

        var transition = modelBuilder.Entity<StageTransition>();
        transition.ToTable("stage_transitions");
        transition.HasKey(t => t.Id);
        transition.Property(t => t.Stage).HasConversion<string>().HasMaxLength(16);
        transition.Property(t => t.Outcome).HasConversion<string>().HasMaxLength(16);
        transition.Property(t => t.Detail).HasMaxLength(2000);

        var export = modelBuilder.Entity<ExportAttempt>();
        export.ToTable("export_attempts");
        export.HasKey(e => e.Id);
        export.Property(e => e.Destination).HasMaxLength(64);
        export.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        export.Property(e => e.Detail).HasMaxLength(500);
        export.HasIndex(e => e.StudyId);

        var outbox = modelBuilder.Entity<OutboxMessage>();
        outbox.ToTable("outbox_messages");
        outbox.HasKey(m => m.Id);
        outbox.Property(m => m.MessageType).HasMaxLength(200);
        outbox.Property(m => m.TraceParent).HasMaxLength(64);
        outbox.HasIndex(m => m.SentAt);

        var archive = modelBuilder.Entity<ArchivedInstance>();
        archive.ToTable("archived_instances");
        archive.HasKey(a => a.Id);
        foreach (var uid in new[] { nameof(ArchivedInstance.StudyInstanceUid), nameof(ArchivedInstance.SeriesInstanceUid), nameof(ArchivedInstance.SopInstanceUid), nameof(ArchivedInstance.SopClassUid), nameof(ArchivedInstance.TransferSyntaxUid) })
        {
            archive.Property(uid).HasMaxLength(64);
        }

        archive.HasIndex(a => a.SopInstanceUid).IsUnique();
        archive.HasIndex(a => a.StudyInstanceUid);
        archive.HasIndex(a => a.SeriesInstanceUid);
        archive.HasIndex(a => a.PatientId);
        archive.HasIndex(a => a.PatientNameKey);
        archive.HasIndex(a => a.StudyDate);
        archive.HasIndex(a => a.AccessionNumber);

        if (Database.IsSqlite())
        {
            // SQLite has no time type that sorts; UTC ticks do, and keep the full precision.
            var utcTicks = new ValueConverter<DateTimeOffset, long>(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
            study.Property(s => s.CreatedAt).HasConversion(utcTicks);
            study.Property(s => s.UpdatedAt).HasConversion(utcTicks);
            transition.Property(t => t.At).HasConversion(utcTicks);
            outbox.Property(m => m.CreatedAt).HasConversion(utcTicks);
            outbox.Property(m => m.LeasedUntil).HasConversion(utcTicks);
            outbox.Property(m => m.SentAt).HasConversion(utcTicks);
        }
    }
}
