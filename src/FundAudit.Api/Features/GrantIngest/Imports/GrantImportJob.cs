using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports.Loaders;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Hangfire job: parses and loads one uploaded CSV, XLSX workbook (read as CSV) or 360Giving JSON package (read grant
/// by grant): <see cref="ImportSource"/>.
/// Takes the import id only and re-reads everything; a succeeded or
/// refused import is left alone, so a second run does nothing. A queued, failed or abandoned (running) import is
/// claimed with a fresh run token; every later write of the run names that token, so a duplicate delivery cannot
/// overwrite a newer run. From the claim to the end the run beats a heartbeat (<see cref="IGrantLoader.BeatAsync"/>),
/// so an import whose worker died is shown interrupted and can be retried (<see cref="RetryGrantImport"/>).
/// </summary>
/// <remarks>
/// <para>Claim, run, finish. Pass 1 (<see cref="ImportSource.Inspect"/>) refuses the whole file or plans pass 2.
/// Pass 2 (<see cref="GrantImportPipeline"/>) reads, maps and writes the rows batch by batch through the engine's
/// loader (<see cref="IGrantLoader"/>), which decides where row errors, progress and day totals go.</para>
/// <para>Then the load completes in one transaction that merges every staged row into grants and marks the import
/// succeeded: the portfolio gets all the valid rows of the file or, if anything stops the run first, none of them (the
/// import is marked failed and may be run again).</para>
/// </remarks>
internal sealed class GrantImportJob(
    GrantImportStore store,
    IImportUploadStore uploads,
    GrantImportOptions options,
    IImportFaultInjector faults,
    IGrantLoader loader,
    FunderClassifier classifier,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<GrantImportJob> logger
)
{
    /// <summary>Three retries with Hangfire's backoff; each run is re-runnable. The run is culture-invariant: Hangfire
    /// would otherwise run it in the culture of the request that enqueued it (a Spanish console page) or the server's,
    /// and what it reads and stores (numbers and dates by the CSV rules only, English messages) must not depend on
    /// either; console pages translate the stored keys instead.</summary>
    [Hangfire.AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(long importId, CancellationToken ct)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // for this run only (async flow)
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
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

        using var beating = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = BeatAsync(importId, token, beating.Token);
        try
        {
            await RunClaimedAsync(import, token, ct);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Grant import {ImportId} failed on attempt {Attempt}", importId, import.Attempts + 1);
            var problem = new ImportProblem("import_failed", ProblemText.Invariant("Import_Failed"));
            await store.FailAsync(importId, token, problem, clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
        finally
        {
            await beating.CancelAsync();
            await heartbeat;
            store.EndProgress(importId, token);
        }

        // Funders' portfolios are not kept longer than needed: once the import has ended for good, the upload goes.
        // A failed import keeps its file so that the job can run again.
        if ((await store.FindForJobAsync(importId, ct))?.Status is ImportStatus.Succeeded or ImportStatus.Refused)
        {
            await uploads.DeleteAsync(import, CancellationToken.None);
        }
    }

    /// <summary>
    /// Says the run is alive every <see cref="GrantImportOptions.HeartbeatSeconds"/> until <paramref name="ct"/> ends
    /// (the run ended); a beat that fails is logged and the next one tried.
    /// </summary>
    private async Task BeatAsync(long importId, string token, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.HeartbeatSeconds)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await loader.BeatAsync(importId, token, clock.GetUtcNow(), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Grant import {ImportId}: the heartbeat was not written", importId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task RunClaimedAsync(GrantImportRow import, string token, CancellationToken ct)
    {
        await store.ClearErrorsAsync(import.FunderId, import.Id, ct);
        var engine = await classifier.EngineForAsync(import.FunderId, ct);
        var inspecting = System.Diagnostics.Stopwatch.StartNew();
        await using var file = uploads.OpenRead(import);
        var csvOptions = options.CsvOptions(import.DateFormat);
        await using var source = ImportSource.Inspect(file, import.FileName, csvOptions, json.Value.SerializerOptions);
        if (source.Refusal() is { } refused)
        {
            await store.FinishAsync(import.Id, token, refused, clock.GetUtcNow(), null, ct);
            return;
        }

        inspecting.Stop();
        var run = new GrantImportRun(import.Id, import.FunderId, token, options.DayTotalsPerFlush, faults);
        var tally = new ImportTally(source, options, import.FileBytes);
        var now = clock.GetUtcNow();
        await store.ProgressAsync(import.Id, token, tally.Counts(), now, ct);

        await using var load = await loader.BeginAsync(run, ct);
        var pipeline = new GrantImportPipeline(options, run, engine, now);
        var reading = System.Diagnostics.Stopwatch.StartNew();
        await pipeline.RunAsync(source, tally, load, ct);
        reading.Stop();

        var completing = System.Diagnostics.Stopwatch.StartNew();
        var outcome = tally.Outcome();
        var done = await load.CompleteAsync(outcome, ct);
        if (done.Finished && outcome.Succeeded)
        {
            logger.LogInformation(
                "Grant import {ImportId}: {Rows} rows, {Created} created, {Updated} updated, {Unchanged} unchanged, "
                    + "{Rejected} rejected; inspected in {InspectMs} ms, read in {ReadMs} ms (of which {WriteMs} ms "
                    + "writing on the writer), merged and committed in {MergeMs} ms ({Groups} day totals added in "
                    + "{TotalsMs} ms, the rest on the way)",
                import.Id,
                tally.Read,
                done.Result.Created,
                done.Result.Updated,
                done.Result.Unchanged,
                tally.Rejected,
                inspecting.ElapsedMilliseconds,
                reading.ElapsedMilliseconds,
                pipeline.Busy.ElapsedMilliseconds,
                completing.ElapsedMilliseconds,
                done.DayTotalGroups,
                (long)done.DayTotalsTime.TotalMilliseconds
            );
        }
    }
}
