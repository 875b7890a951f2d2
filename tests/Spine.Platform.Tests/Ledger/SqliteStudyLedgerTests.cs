using Microsoft.EntityFrameworkCore;
using Spine.Platform.Ledger;

namespace Spine.Platform.Tests.Ledger;

public sealed class SqliteStudyLedgerTests : StudyLedgerContract, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"spine-ledger-{Guid.NewGuid():n}.db");

    protected override Task<IStudyLedger> CreateLedgerAsync() =>
        CreateAsync(new DbContextOptionsBuilder<LedgerDbContext>().UseSqlite($"Data Source={_file};Pooling=False").Options, Clock);

    public void Dispose() => File.Delete(_file);
}
