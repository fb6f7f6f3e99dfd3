using System.Data.Common;
using System.Threading.Channels;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Classification;

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
        finally
        {
            store.EndProgress(importId, token);
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
        var now = clock.GetUtcNow();
        ImportProgressCounts Counts() => new(plan.DataRowCount, read, accepted, rejected, superseded, bytes);

        await store.ProgressAsync(id, token, Counts(), now, ct);
        await using var connection = await db.OpenAsync(ct);
        await using var bulk = db.Dialect.BeginBulkUpsert(connection, GrantStore.BulkTarget);

        // PostgreSQL writes new grants straight into the table as they come, inside the one transaction that commits
        // the import; the other engines stage and open it for the merge only.
        await using var tx = bulk.WritesWhileStaging ? await connection.BeginTransactionAsync(ct) : null;
        var stored = await GrantStore.StoredHashesAsync(connection, tx, funderId, ct);

        // Three stages, so that both cores work: this thread reads and checks rows; each batch of valid rows is mapped
        // (stored JSON, hash, classification, row values) on the thread pool as soon as it is cut; one writer task
        // takes the batches in file order and writes them, their row errors and the progress they carry. The channel is
        // bounded, so at most Imports:PipelineBatches batches wait and memory stays flat whatever the file size.
        var writer = new BatchWriter(store, faults, clock, bulk, tx, db.Dialect, options.DayTotalsPerFlush, id, token, funderId);
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Math.Max(1, options.PipelineBatches)) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await writer.RunAsync(channel.Reader, stop.Token);
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e); // a reader waiting for room stops at once
                    throw;
                }
            },
            CancellationToken.None);
        var batch = new Batch(options.BatchSize);
        var lastProgress = 0L;

        async Task PostAsync()
        {
            batch.Progress = Counts();
            if (batch.Rows.Count > 0)
            {
                var rows = batch.Rows;
                batch.Mapped = Task.Run(() => Map(rows, stored, engine, funderId, now, bulk.SkipsInsertTriggers));
            }

            await channel.Writer.WriteAsync(batch, stop.Token);
            batch = new Batch(options.BatchSize);
        }

        try
        {
            foreach (var row in GrantCsvReader.ReadRows(file, plan))
            {
                stop.Token.ThrowIfCancellationRequested();
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
                            batch.Errors.Add(new ImportRowError(error.Row, error.Column, error.Code, error.Message));
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
                        batch.Rows.Add(row);
                    }
                }

                if (batch.Rows.Count >= options.BatchSize || batch.Errors.Count >= 1000 || read - lastProgress >= options.ProgressEveryRows)
                {
                    batch.WriteProgress = read - lastProgress >= options.ProgressEveryRows;
                    lastProgress = batch.WriteProgress ? read : lastProgress;
                    await PostAsync();
                }
            }

            bytes = import.FileBytes;
            await PostAsync();
            channel.Writer.Complete();
            await writing;
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete();
            await stop.CancelAsync();
            await Task.WhenAny(writing); // the connection is not disposed under the writer's feet
            if (e is ChannelClosedException && writing.Exception?.InnerException is { } writerError)
            {
                // The writer stopped first (a database error, an injected fault): its exception is the one to report.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writerError);
            }

            throw;
        }

        if (accepted == 0)
        {
            if (tx is not null)
            {
                await tx.CommitAsync(ct); // no grant in it: only the row errors, where the engine keeps them in it
            }

            await RefuseAsync(id, token, Counts(), [new ImportProblem("no_valid_rows", "No row of the file could be imported; the errors list says why for each row.")], warnings, warningCount, truncated, ct);
            return;
        }

        var merging = System.Diagnostics.Stopwatch.StartNew();
        await using var mergeTx = tx is null ? await connection.BeginTransactionAsync(ct) : null;
        var loadTx = tx ?? mergeTx!;
        var merged = await bulk.MergeAsync(loadTx, ct);
        merged = merged with { Unchanged = merged.Unchanged + writer.Unchanged };
        var totalsClock = System.Diagnostics.Stopwatch.StartNew();
        var finalGroups = writer.DayTotals.Groups;
        if (bulk.SkipsInsertTriggers)
        {
            await writer.DayTotals.FlushAsync(loadTx, db.Dialect, funderId, ct);
        }

        totalsClock.Stop();

        faults.BeforeCommit(id);
        var finished = await store.FinishAsync(
            id, token, ImportStatus.Succeeded, Counts(), (merged.Created, merged.Updated, merged.Unchanged), warningCount, truncated, warnings, [],
            clock.GetUtcNow(), connection, loadTx, ct);
        if (!finished)
        {
            // Another run took the import over: this one stores nothing.
            await loadTx.RollbackAsync(ct);
            return;
        }

        await loadTx.CommitAsync(ct);
        logger.LogInformation(
            "Grant import {ImportId}: {Rows} rows, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected; written in {WriteMs} ms on the writer, merged and committed in {MergeMs} ms ({Groups} day totals added in {TotalsMs} ms, the rest on the way)",
            id, read, merged.Created, merged.Updated, merged.Unchanged, rejected, writer.Busy.ElapsedMilliseconds, merging.ElapsedMilliseconds, finalGroups, totalsClock.ElapsedMilliseconds);
    }

    /// <summary>
    /// The CPU side of a batch, off the reader's thread: the stored JSON and its hash, then, for rows whose grant is new
    /// or changed (an unchanged hash is skipped before any further work), the classification and the row values; and
    /// what the new rows add to the day totals, where the bulk path leaves that to the import.
    /// </summary>
    private static Mapped Map(List<CsvRow> rows, StoredHashes stored, ClassificationEngine engine, long funderId, DateTimeOffset now, bool countDayTotals)
    {
        var mapped = new Mapped(rows.Count);
        foreach (var row in rows)
        {
            var record = row.Record!;
            var json = StoredGrantJson.Current.Grant(record, row.Extra);
            var hash = GrantMapping.ContentHash(json);
            switch (stored.Compare(record.Identifier, hash))
            {
                case StoredHashes.State.Unchanged:
                    mapped.Unchanged++;
                    break;
                case var state:
                    var values = GrantStore.ColumnValues(funderId, new GrantToStore(record, System.Text.Encoding.UTF8.GetString(json), hash, engine.Classify(record)), now);
                    if (state != StoredHashes.State.New)
                    {
                        mapped.Changed.Add(values);
                        break;
                    }

                    mapped.New.Add(values);
                    if (countDayTotals)
                    {
                        mapped.DayTotals.Add(values);
                    }

                    break;
            }
        }

        return mapped;
    }

    /// <summary>Rows cut by the reader, with the row errors read meanwhile and the progress as of its last row.</summary>
    private sealed class Batch(int capacity)
    {
        public List<CsvRow> Rows { get; } = new(capacity);

        public List<ImportRowError> Errors { get; } = [];

        public ImportProgressCounts? Progress { get; set; }

        public bool WriteProgress { get; set; }

        public Task<Mapped>? Mapped { get; set; }
    }

    private sealed class Mapped(int capacity)
    {
        public List<object?[]> New { get; } = new(capacity);

        public List<object?[]> Changed { get; } = [];

        public long Unchanged { get; set; }

        public NewGrantDayTotals DayTotals { get; } = new();
    }

    /// <summary>The writer stage: the only one that touches the import's connection while rows are read.</summary>
    private sealed class BatchWriter(GrantImportStore store, IImportFaultInjector faults, TimeProvider clock, IBulkUpsert bulk, DbTransaction? tx, IDbDialect dialect, int dayTotalsPerFlush, long id, string token, long funderId)
    {
        private int _batches;

        public long Unchanged { get; private set; }

        /// <summary>What the new rows written since the last flush add to the day totals (summed here, one batch at a time).</summary>
        public NewGrantDayTotals DayTotals { get; } = new();

        public System.Diagnostics.Stopwatch Busy { get; } = new();

        public async Task RunAsync(ChannelReader<Batch> batches, CancellationToken ct)
        {
            await foreach (var batch in batches.ReadAllAsync(ct))
            {
                if (batch.Mapped is { } pending)
                {
                    var mapped = await pending;
                    Busy.Start();
                    Unchanged += mapped.Unchanged;
                    DayTotals.Add(mapped.DayTotals);
                    if (DayTotals.Groups >= dayTotalsPerFlush && tx is not null)
                    {
                        // Written as they come, inside the load transaction, so memory stays flat whatever the file size.
                        await DayTotals.FlushAsync(tx, dialect, funderId, ct);
                    }

                    await bulk.InsertNewAsync(mapped.New, tx, ct);
                    await bulk.StageAsync(mapped.Changed, tx, ct);
                    Busy.Stop();
                }

                Busy.Start();
                // Where the load transaction keeps other connections from writing, errors go in it and progress is
                // published in memory; elsewhere both are written in short statements of their own, visible at once.
                var blocking = bulk.BlocksOtherWriters && tx is not null;
                await store.AddErrorsAsync(funderId, id, batch.Errors, ct, blocking ? tx : null);
                if (batch.WriteProgress && batch.Progress is { } progress)
                {
                    if (blocking)
                    {
                        store.PublishProgress(id, token, progress);
                    }
                    else
                    {
                        await store.ProgressAsync(id, token, progress, clock.GetUtcNow(), ct);
                    }
                }

                Busy.Stop();
                if (batch.Mapped is not null)
                {
                    faults.AfterBatch(id, ++_batches);
                }
            }
        }
    }

    private Task RefuseAsync(long id, string token, ImportProgressCounts counts, IReadOnlyList<ImportProblem> problems, IReadOnlyList<ImportProblem> warnings, long warningCount, bool truncated, CancellationToken ct) =>
        store.FinishAsync(id, token, ImportStatus.Refused, counts, null, warningCount, truncated, warnings, problems, clock.GetUtcNow(), null, null, ct);

    private static ImportProblem ToProblem(CsvFileProblem p) => new(p.Code, p.Message, p.Column, p.Row);
}
