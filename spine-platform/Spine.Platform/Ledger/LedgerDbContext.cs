using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Spine.Platform.Ledger;

public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<StudyRecord> Studies => Set<StudyRecord>();

    public DbSet<StageTransition> Transitions => Set<StageTransition>();

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
        study.HasMany(s => s.Transitions).WithOne().HasForeignKey(t => t.StudyId).OnDelete(DeleteBehavior.Cascade);

        var transition = modelBuilder.Entity<StageTransition>();
        transition.ToTable("stage_transitions");
        transition.HasKey(t => t.Id);
        transition.Property(t => t.Stage).HasConversion<string>().HasMaxLength(16);
        transition.Property(t => t.Outcome).HasConversion<string>().HasMaxLength(16);
        transition.Property(t => t.Detail).HasMaxLength(2000);

        if (Database.IsSqlite())
        {
            // SQLite has no time type that sorts; UTC ticks do, and keep the full precision.
            var utcTicks = new ValueConverter<DateTimeOffset, long>(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
            study.Property(s => s.CreatedAt).HasConversion(utcTicks);
            study.Property(s => s.UpdatedAt).HasConversion(utcTicks);
            transition.Property(t => t.At).HasConversion(utcTicks);
        }
    }
}
