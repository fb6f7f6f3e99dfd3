namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// The funder's grant data version (grant_data_versions, migration 0034), which triggers bump in the transaction of
/// every write to its grants so that an instance's in-memory copy of them is never used stale
/// (<c>Features/Audit/Snapshots</c>). One write path does it itself: SQLite's CSV import drops the insert trigger for
/// its load, as it does the day totals' (<see cref="GrantStore.BulkTarget"/>), and adds its new grants here once,
/// inside its load transaction; run once per row, that trigger cost about 7 % of a 1M-row import.
/// </summary>
internal static class GrantDataVersions
{
    /// <summary>Bumps the funder's version and counts <paramref name="created"/> new grants, in
    /// <paramref name="transaction"/>; nothing when none was created.</summary>
    public static async Task AddNewGrantsAsync(
        DbTransaction transaction,
        long funderId,
        long created,
        CancellationToken ct
    )
    {
        if (created == 0)
        {
            return;
        }

        await transaction.Connection!.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO grant_data_versions (funder_id, version, grants) VALUES (@FunderId, 1, @Created)
                ON CONFLICT (funder_id) DO UPDATE SET version = version + 1, grants = grants + excluded.grants
                """,
                new { FunderId = funderId, Created = created },
                transaction,
                cancellationToken: ct
            )
        );
    }
}
