namespace Spine.Platform.Ledger;

public enum LedgerProvider
{
    /// <summary>A file database: the embedded mode.</summary>
    Sqlite,

    /// <summary>The distributed mode.</summary>
    PostgreSql,
}

/// <summary>Configuration section <c>Spine:Ledger</c>.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Spine:Ledger";

    public LedgerProvider Provider { get; set; } = LedgerProvider.Sqlite;

    /// <summary>ADO.NET connection string of the provider.</summary>
    public string ConnectionString { get; set; } = "Data Source=.spine/ledger.db";

    /// <summary>Create the tables at start when they are missing.</summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>
    /// A study neither completed nor failed this long after it was first received ends in StudyFailed
    /// ("deadline-exceeded", naming the stage it was stuck in); 0 turns the deadline off. Watched by the reporting service.
    /// </summary>
    public double StudyDeadlineMinutes { get; set; } = 120;
}
