using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Hangfire job: parses and loads one uploaded CSV. Takes the import id only and re-reads everything; a succeeded or
/// refused import is left alone, so a second run does nothing. A queued, failed or abandoned (running) import is
/// claimed with a fresh run token; every later write of the run names that token, so a duplicate delivery cannot
/// overwrite a newer run.
/// </summary>
/// <remarks>
/// <para>Pass 1 (<see cref="GrantCsvReader.Inspect"/>) refuses the whole file or plans pass 2. Pass 2 streams the rows:
/// rejected rows go to grant_import_errors, valid rows (the last of each duplicated identifier) are staged with the
/// engine's bulk path (<see cref="IDbDialect.BeginBulkUpsert"/>) batch by batch, and progress is written to the import
/// row every <see cref="GrantImportOptions.ProgressEveryRows"/> rows in short statements of their own.</para>
/// <para>Then one transaction merges every staged row into grants and marks the import succeeded: the portfolio gets
/// all the valid rows of the file or, if anything stops the run first, none of them (the import is marked failed and
/// may be run again).</para>
/// </remarks>
internal sealed class GrantImportJob(
    GrantImportStore store,
    ImportFiles files,
    Db db,
    GrantImportOptions options,
    IImportFaultInjector faults,
    FunderClassifier classifier,
    TimeProvider clock,
    ILogger<GrantImportJob> logger)
{
    public async Task RunAsync(long importId, CancellationToken ct)
    {
        var import = await store.FindForJobAsync(importId, ct);
        if (import is null || import.Status is ImportStatus.Succeeded or ImportStatus.Refused)
        {
            return;
        }

        var token = Guid.NewGuid().ToString("N");
        if (!await store.ClaimAsync(importId, token, clock.GetUtcNow(), ct))
        {
            return;
        }

        try
        {
            await RunClaimedAsync(import, token, ct);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Grant import {ImportId} failed on attempt {Attempt}", importId, import.Attempts + 1);
            await store.FailAsync(importId, token, new ImportProblem(
                    "import_failed",
                    "The import stopped before it finished; nothing of this file was stored. It is retried automatically, or can be uploaded again."),
                clock.GetUtcNow(),
                CancellationToken.None);
            throw;
        }

        // Funders' portfolios are not kept longer than needed: once the import has ended for good, the upload goes.
        // A failed import keeps its file so that the job can run again.
        if ((await store.FindForJobAsync(importId, ct))?.Status is ImportStatus.Succeeded or ImportStatus.Refused)
        {
            files.Delete(import.StoredName);
        }
    }

    private async Task RunClaimedAsync(GrantImportRow import, string token, CancellationToken ct)
    {
        var id = import.Id;
        var funderId = import.FunderId;
        await store.ClearErrorsAsync(funderId, id, ct);
        var engine = await classifier.EngineForAsync(funderId, ct);

        await using var file = new FileStream(files.PathOf(import.StoredName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var inspection = GrantCsvReader.Inspect(file, options.CsvOptions(import.DateFormat));
        var empty = new ImportProgressCounts(null, 0, 0, 0, 0, 0);
        if (inspection is CsvInspection.Refused refused)
        {
            await RefuseAsync(id, token, empty, refused.Problems.Select(ToProblem).ToList(), [], 0, false, ct);
            return;
        }

        var plan = (CsvInspection.Accepted)inspection;
        if (plan.NoDataRowsProblem() is { } noRows)
        {
            await RefuseAsync(id, token, empty with { DataRows = 0 }, [ToProblem(noRows)], [], 0, false, ct);
            return;
        }

        var warnings = plan.Warnings.Select(ToProblem).ToList();
        long warningCount = warnings.Count;
        long read = 0, accepted = 0, rejected = 0, superseded = 0, bytes = 0, storedErrors = 0;
        var truncated = false;
        var batches = 0;
        var now = clock.GetUtcNow();
        var batch = new List<object?[]>(options.BatchSize);
        var errors = new List<ImportRowError>(1000);
        ImportProgressCounts Counts() => new(plan.DataRowCount, read, accepted, rejected, superseded, bytes);

        await store.ProgressAsync(id, token, Counts(), now, ct);
        await using var connection = await db.OpenAsync(ct);
        await using var bulk = db.Dialect.BeginBulkUpsert(connection, GrantStore.BulkTarget);

        var staging = new System.Diagnostics.Stopwatch();
        async Task StageAsync()
        {
            if (batch.Count > 0)
            {
                staging.Start();
                await bulk.StageAsync(batch, ct);
                staging.Stop();
                batch.Clear();
                faults.AfterBatch(id, ++batches);
            }
        }

        foreach (var row in GrantCsvReader.ReadRows(file, plan))
        {
            ct.ThrowIfCancellationRequested();
            read++;
            bytes = row.BytePosition;
            foreach (var warning in row.Warnings)
            {
                if (++warningCount <= options.MaxStoredWarnings)
                {
                    warnings.Add(new ImportProblem(warning.Code, warning.Message, warning.Column, warning.Row));
                }
            }

            if (row.Errors.Count > 0)
            {
                rejected++;
                foreach (var error in row.Errors)
                {
                    if (++storedErrors <= options.MaxStoredErrors)
                    {
                        errors.Add(new ImportRowError(error.Row, error.Column, error.Code, error.Message));
                    }
                    else
                    {
                        truncated = true;
                    }
                }
            }
            else
            {
                // A valid row superseded by a later row with its identifier is accepted (it was readable) but only the
                // later row is stored: the file's last word wins.
                accepted++;
                if (row.SupersededByRow is not null)
                {
                    superseded++;
                }
                else
                {
                    batch.Add(GrantStore.ColumnValues(funderId, CsvGrantMapping.ToGrant(row, engine), now));
                    if (batch.Count >= options.BatchSize)
                    {
                        await StageAsync();
                    }
                }
            }

            if (errors.Count >= 1000)
            {
                await store.AddErrorsAsync(funderId, id, errors, ct);
                errors.Clear();
            }

            if (read % options.ProgressEveryRows == 0)
            {
                await store.ProgressAsync(id, token, Counts(), clock.GetUtcNow(), ct);
            }
        }

        await StageAsync();
        await store.AddErrorsAsync(funderId, id, errors, ct);
        bytes = import.FileBytes;

        if (accepted == 0)
        {
            await RefuseAsync(id, token, Counts(), [new ImportProblem("no_valid_rows", "No row of the file could be imported; the errors list says why for each row.")], warnings, warningCount, truncated, ct);
            return;
        }

        var merging = System.Diagnostics.Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync(ct);
        var merged = await bulk.MergeAsync(tx, ct);
        faults.BeforeCommit(id);
        var finished = await store.FinishAsync(
            id, token, ImportStatus.Succeeded, Counts(), (merged.Created, merged.Updated, merged.Unchanged), warningCount, truncated, warnings, [],
            clock.GetUtcNow(), connection, tx, ct);
        if (!finished)
        {
            // Another run took the import over: this one stores nothing.
            await tx.RollbackAsync(ct);
            return;
        }

        await tx.CommitAsync(ct);
        logger.LogInformation(
            "Grant import {ImportId}: {Rows} rows, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected; staged in {StageMs} ms, merged in {MergeMs} ms",
            id, read, merged.Created, merged.Updated, merged.Unchanged, rejected, staging.ElapsedMilliseconds, merging.ElapsedMilliseconds);
    }

    private Task RefuseAsync(long id, string token, ImportProgressCounts counts, IReadOnlyList<ImportProblem> problems, IReadOnlyList<ImportProblem> warnings, long warningCount, bool truncated, CancellationToken ct) =>
        store.FinishAsync(id, token, ImportStatus.Refused, counts, null, warningCount, truncated, warnings, problems, clock.GetUtcNow(), null, null, ct);

    private static ImportProblem ToProblem(CsvFileProblem p) => new(p.Code, p.Message, p.Column, p.Row);
}
