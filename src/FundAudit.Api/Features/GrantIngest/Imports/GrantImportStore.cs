using System.Text.Json;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// grant_imports and grant_import_errors. Reads for the API filter on the caller's funder; the job, which has no
/// principal, reads an import by id and then uses that import's funder_id for everything else. Every write the job
/// makes carries the run token it claimed, so a stale run (a duplicate delivery) can change nothing.
/// </summary>
internal sealed partial class GrantImportStore(Db db, TimeProvider clock, GrantImportOptions options)
{
    // Progress of runs whose writes wait in their load transaction (SQLite: its one writer holds the database for the
    // whole load), published in memory for reads by this process; SQLite runs one service process only.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<
        long,
        (string Token, ImportProgressCounts Counts)
    > _live = new();

    private const string Columns = """
        id, funder_id, status, file_name, stored_name, file_sha256, file_bytes, date_format, same_file_as, attempts,
            data_rows,
        rows_read, rows_accepted, rows_rejected, rows_superseded, bytes_read, created_count, updated_count,
            unchanged_count,
        warning_count, errors_truncated, warnings_json, problems_json, created_at, started_at, finished_at, run_token,
        heartbeat_at
        """;

    private const string SelectOne = $"SELECT {Columns} FROM grant_imports WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectForJob = $"SELECT {Columns} FROM grant_imports WHERE id = @Id";

    private const string SelectSameFile = """
        SELECT id FROM grant_imports
        WHERE funder_id = @FunderId AND file_sha256 = @Sha256 AND coalesce(date_format, '') = @DateFormat AND status =
            'succeeded'
        ORDER BY id
        """;

    private const string Claim = """
        UPDATE grant_imports
        SET status = 'running', run_token = @Token, attempts = attempts + 1, started_at = @Now, finished_at = NULL,
            updated_at = @Now, heartbeat_at = @Now,
            data_rows = NULL, rows_read = 0, rows_accepted = 0, rows_rejected = 0, rows_superseded = 0, bytes_read = 0,
            created_count = NULL, updated_count = NULL, unchanged_count = NULL, warning_count = 0, errors_truncated =
                @False,
            warnings_json = NULL, problems_json = NULL
        WHERE id = @Id AND status IN ('queued', 'running', 'waiting', 'failed')
        """;

    private const string Progress = """
        UPDATE grant_imports
        SET data_rows = @DataRows, rows_read = @RowsRead, rows_accepted = @RowsAccepted, rows_rejected = @RowsRejected,
            rows_superseded = @RowsSuperseded, bytes_read = @BytesRead, updated_at = @Now
        WHERE id = @Id AND run_token = @Token
        """;

    private const string Finish = """
        UPDATE grant_imports
        SET status = @Status, run_token = NULL, data_rows = @DataRows, rows_read = @RowsRead, rows_accepted =
            @RowsAccepted,
            rows_rejected = @RowsRejected, rows_superseded = @RowsSuperseded, bytes_read = @BytesRead,
            created_count = @Created, updated_count = @Updated, unchanged_count = @Unchanged,
            warning_count = @WarningCount, errors_truncated = @ErrorsTruncated, warnings_json = @WarningsJson,
                problems_json = @ProblemsJson,
            finished_at = @Now, updated_at = @Now
        WHERE id = @Id AND run_token = @Token
        """;

    private const string Fail = """
        UPDATE grant_imports SET status = 'failed', run_token = NULL, problems_json = @ProblemsJson, finished_at =
            @Now, updated_at = @Now
        WHERE id = @Id AND run_token = @Token
        """;

    private static readonly string[] InsertColumns =
    [
        "funder_id",
        "status",
        "file_name",
        "stored_name",
        "file_sha256",
        "file_bytes",
        "date_format",
        "same_file_as",
        "created_by",
        "created_at",
        "updated_at",
    ];

    public async Task<long> CreateAsync(
        long funderId,
        string fileName,
        string storedName,
        string sha256,
        long bytes,
        string? dateFormat,
        string actor,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var sameFileArgs = new
        {
            FunderId = funderId,
            Sha256 = sha256,
            DateFormat = dateFormat ?? "",
        };
        var sameFile = await db.QueryFirstOrDefaultAsync<long?>(SelectSameFile, sameFileArgs, ct);
        var args = new
        {
            funder_id = funderId,
            status = ImportStatus.Queued,
            file_name = fileName,
            stored_name = storedName,
            file_sha256 = sha256,
            file_bytes = bytes,
            date_format = dateFormat,
            same_file_as = sameFile,
            created_by = actor,
            created_at = now,
            updated_at = now,
        };
        return await db.InsertReturningIdAsync("grant_imports", InsertColumns, args, ct);
    }

    public async Task<GrantImportRow?> FindAsync(long funderId, long id, CancellationToken ct) =>
        Live(await db.QuerySingleOrDefaultAsync<GrantImportRow>(SelectOne, new { FunderId = funderId, Id = id }, ct));

    /// <summary>Newest first; <paramref name="before"/> is the id of the last import of the previous page.</summary>
    public async Task<IReadOnlyList<GrantImportRow>> ListAsync(
        long funderId,
        long? before,
        int limit,
        CancellationToken ct
    )
    {
        var sql =
            $"SELECT {Columns} FROM grant_imports WHERE funder_id = "
            + $"@FunderId{(before is null ? "" : " AND id < @Before")} ORDER BY id DESC {db.Dialect.Limit("Limit")}";
        var args = new
        {
            FunderId = funderId,
            Before = before ?? 0,
            Limit = limit,
        };
        return (await db.QueryListAsync<GrantImportRow>(sql, args, ct)).Select(r => Live(r)!).ToList();
    }

    /// <summary>
    /// Progress of a run that cannot write it where others see it before it commits (SQLite's load, see
    /// <see cref="Loaders.SqliteGrantLoader"/>): shown by <see cref="FindAsync"/> and
    /// <see cref="ListAsync"/> while the stored row says the same run is running.
    /// </summary>
    public void PublishProgress(long id, string token, ImportProgressCounts counts) => _live[id] = (token, counts);

    public void EndProgress(long id, string token)
    {
        if (_beats.TryGetValue(id, out var beat) && beat.Token == token)
        {
            _beats.TryRemove(KeyValuePair.Create(id, beat));
        }

        if (_live.TryGetValue(id, out var live) && live.Token == token)
        {
            _live.TryRemove(KeyValuePair.Create(id, live));
        }
    }

    private GrantImportRow? Live(GrantImportRow? row) => Interrupted(WithLiveProgress(row));

    private GrantImportRow? WithLiveProgress(GrantImportRow? row) =>
        row is { Status: ImportStatus.Running } && _live.TryGetValue(row.Id, out var live) && live.Token == row.RunToken
            ? row with
            {
                DataRows = live.Counts.DataRows,
                RowsRead = live.Counts.RowsRead,
                RowsAccepted = live.Counts.RowsAccepted,
                RowsRejected = live.Counts.RowsRejected,
                RowsSuperseded = live.Counts.RowsSuperseded,
                BytesRead = live.Counts.BytesRead,
            }
            : row;

    // The job's statements: each short and outside the load transaction, except FinishAsync with a transaction.

    public Task<GrantImportRow?> FindForJobAsync(long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<GrantImportRow>(SelectForJob, new { Id = id }, ct);

    /// <summary>Takes the import for one run: true when it was queued, failed, or left running (or waiting) by a run
    /// that died.</summary>
    public async Task<bool> ClaimAsync(long id, string token, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            Id = id,
            Token = token,
            Now = now,
            False = false,
        };
        return await db.ExecuteAsync(Claim, args, ct) == 1;
    }

    public Task ProgressAsync(
        long id,
        string token,
        ImportProgressCounts p,
        DateTimeOffset now,
        CancellationToken ct
    ) => db.ExecuteAsync(Progress, RunArgs(id, token, p, now), ct);

    /// <summary>
    /// Ends a run with its <paramref name="outcome"/> (succeeded or refused). Inside the load transaction when one is
    /// given, so the grants and the import's outcome commit together. False when the run no longer holds the import
    /// (the caller must roll back).
    /// </summary>
    public async Task<bool> FinishAsync(
        long id,
        string token,
        ImportOutcome outcome,
        DateTimeOffset now,
        DbTransaction? transaction,
        CancellationToken ct
    )
    {
        var parameters = RunArgs(id, token, outcome.Counts, now);
        parameters.AddDynamicParams(
            new
            {
                outcome.Status,
                Created = outcome.Result?.Created,
                Updated = outcome.Result?.Updated,
                Unchanged = outcome.Result?.Unchanged,
                outcome.WarningCount,
                outcome.ErrorsTruncated,
                WarningsJson = ProblemsJson(outcome.Warnings),
                ProblemsJson = ProblemsJson(outcome.Problems),
            }
        );
        if (transaction is not null)
        {
            return await transaction.ExecuteAsync(Finish, parameters, ct) == 1;
        }

        return await db.ExecuteAsync(Finish, parameters, ct) == 1;
    }

    /// <summary>The run's own parameters, shared by progress and finish: the import, its token, its counts.</summary>
    private static DynamicParameters RunArgs(long id, string token, ImportProgressCounts p, DateTimeOffset now) =>
        RowArgs.Of(
            p,
            new
            {
                Id = id,
                Token = token,
                Now = now,
            }
        );

    private static string? ProblemsJson(IReadOnlyList<ImportProblem> problems) => ImportProblemJson.Write(problems);

    public async Task FailAsync(long id, string token, ImportProblem problem, DateTimeOffset now, CancellationToken ct)
    {
        var args = new
        {
            Id = id,
            Token = token,
            ProblemsJson = JsonSerializer.Serialize(new[] { problem }, GrantMapping.StoredJson),
            Now = now,
        };
        await db.ExecuteAsync(Fail, args, ct);
    }

    public static IReadOnlyList<ImportProblem> ReadProblems(string? json) => ImportProblemJson.Read(json);
}
