namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// The liveness of runs: the worker's heartbeat, the <c>waiting</c> state of an import whose funder's previous import
/// still runs, the <c>interrupted</c> state shown when a worker died, and the retry of a failed or interrupted import.
/// </summary>
internal sealed partial class GrantImportStore
{
    // Heartbeats of runs that cannot write them where others see them before their load commits (SQLite).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<
        long,
        (string Token, DateTimeOffset At)
    > _beats = new();

    private const string SetStatus = """
        UPDATE grant_imports SET status = @Status, heartbeat_at = @Now, updated_at = @Now
        WHERE id = @Id AND run_token = @Token AND status IN ('running', 'waiting')
        """;

    private const string Beat = """
        UPDATE grant_imports SET heartbeat_at = @Now WHERE id = @Id AND run_token = @Token
        """;

    // Failed, or running/waiting with a heartbeat older than the cutoff: queued again, the dead run's token void.
    private const string Requeue = """
        UPDATE grant_imports
        SET status = 'queued', run_token = NULL, heartbeat_at = NULL, finished_at = NULL, updated_at = @Now
        WHERE funder_id = @FunderId AND id = @Id
          AND (status = 'failed'
               OR (status IN ('running', 'waiting') AND coalesce(heartbeat_at, started_at, created_at) < @Cutoff))
        """;

    // Uploads an import may still read: queued, or claimed by a worker whose heartbeat is fresh (over every funder,
    // for the leftover sweep).
    private const string SelectNeededUploads = """
        SELECT stored_name FROM grant_imports
        WHERE stored_name IS NOT NULL
          AND (status = 'queued'
               OR (status IN ('running', 'waiting') AND coalesce(heartbeat_at, started_at, created_at) >= @AliveSince))
        """;

    /// <summary>The stored names of the uploads that a queued or live import still needs.</summary>
    public async Task<IReadOnlySet<string>> UploadsStillNeededAsync(DateTimeOffset aliveSince, CancellationToken ct) =>
        (await db.QueryListAsync<string>(SelectNeededUploads, new { AliveSince = aliveSince }, ct)).ToHashSet(
            StringComparer.Ordinal
        );

    /// <summary>Shows the run as waiting for the funder's previous import (<paramref name="waiting"/>) or running
    /// again.</summary>
    public async Task SetWaitingAsync(long id, string token, bool waiting, DateTimeOffset now, CancellationToken ct)
    {
        var status = waiting ? ImportStatus.Waiting : ImportStatus.Running;
        await db.ExecuteAsync(
            new CommandDefinition(
                SetStatus,
                new
                {
                    Id = id,
                    Token = token,
                    Status = status,
                    Now = now,
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>The run's heartbeat, in a short statement of its own, visible to every instance at once.</summary>
    public async Task HeartbeatAsync(long id, string token, DateTimeOffset now, CancellationToken ct) =>
        await db.ExecuteAsync(
            new CommandDefinition(
                Beat,
                new
                {
                    Id = id,
                    Token = token,
                    Now = now,
                },
                cancellationToken: ct
            )
        );

    /// <summary>
    /// The run's heartbeat in this process's memory, for a run whose load holds the database's one writer lock
    /// (SQLite, one service process): <see cref="FindAsync"/> and <see cref="ListAsync"/> read it beside the stored
    /// one.
    /// </summary>
    public void PublishHeartbeat(long id, string token, DateTimeOffset now) => _beats[id] = (token, now);

    /// <summary>
    /// Queues a failed or interrupted import of <paramref name="funderId"/> again; false when it is neither (or not
    /// this funder's). The dead run's token is void, so nothing it might still do can be stored.
    /// </summary>
    public async Task<bool> RequeueAsync(long funderId, long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await FindAsync(funderId, id, ct) is not { Status: ImportStatus.Failed or ImportStatus.Interrupted })
        {
            return false; // also a run alive in this process by its in-memory heartbeat
        }

        var parameters = new
        {
            FunderId = funderId,
            Id = id,
            Now = now,
            Cutoff = now - InterruptedAfter,
        };
        return await db.ExecuteAsync(new CommandDefinition(Requeue, parameters, cancellationToken: ct)) == 1;
    }

    private TimeSpan InterruptedAfter => TimeSpan.FromSeconds(Math.Max(1, options.InterruptedAfterSeconds));

    /// <summary>A running or waiting import whose last heartbeat (stored, or in memory) is too old: interrupted.
    /// </summary>
    private GrantImportRow? Interrupted(GrantImportRow? row)
    {
        if (row is not { Status: ImportStatus.Running or ImportStatus.Waiting })
        {
            return row;
        }

        var last = row.HeartbeatAt ?? row.StartedAt ?? row.CreatedAt;
        if (_beats.TryGetValue(row.Id, out var beat) && beat.Token == row.RunToken && beat.At > last)
        {
            last = beat.At;
        }

        return last < clock.GetUtcNow() - InterruptedAfter ? row with { Status = ImportStatus.Interrupted } : row;
    }
}
