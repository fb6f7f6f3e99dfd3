namespace FundAudit.Api.Features.Audit;

/// <summary>Audit settings (section <c>Audit</c>).</summary>
internal sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How many days back a grant's award date may reach for the nearest earlier published rate (ECB skips
    /// weekends and holidays).</summary>
    public int RateWindowDays { get; set; } = 7;

    /// <summary>The month a fiscal year starts in (1 = calendar year). Fiscal year N starts in month M of year
    /// N.</summary>
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>Largest rates CSV accepted (bytes); the ECB history as published is about 1.8 MB.</summary>
    public long MaxRatesUploadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The field view shows a cell only when it combines at least this many funders.</summary>
    public int FieldMinFunders { get; set; } = 3;

    /// <summary>Whether an instance keeps a large funder's grants in its memory for the reports that read grants
    /// one by one (<see cref="Snapshots.GrantSnapshots"/>; README, "Several instances"). Never on SQL Server, which
    /// this project cannot test.</summary>
    public bool Snapshots { get; set; } = true;

    /// <summary>The fewest grants a funder has for its grants to be kept in memory: below this the database answers
    /// every report well under the 500 ms goal.</summary>
    public int SnapshotMinGrants { get; set; } = 50_000;

    /// <summary>The most grants an instance keeps in memory over every funder (about 33 bytes each); the least
    /// recently used funder's are let go first, and a funder larger than this is never kept.</summary>
    public int SnapshotMaxGrants { get; set; } = 3_000_000;

    /// <summary>A snapshot no report used for this many minutes is let go.</summary>
    public int SnapshotIdleMinutes { get; set; } = 30;
}
