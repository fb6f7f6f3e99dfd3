using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using FundAudit.Api.Features.GrantIngest.Csv;
using FundAudit.Api.Features.GrantIngest.Imports.Loaders;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>
/// Pass 2 of an import, read → map → write, in three stages so that both cores work: the caller's thread reads and
/// checks rows (<see cref="ImportTally"/>) and cuts them into batches; each batch of rows to store is mapped on the
/// thread pool as soon as it is cut (<see cref="CsvGrantMapping"/>, the stored hashes, the row values); one writer task
/// hands the batches to the load in file order. The channel is bounded, so at most
/// <see cref="GrantImportOptions.PipelineBatches"/> batches wait and memory stays flat whatever the file size.
/// </summary>
internal sealed class GrantImportPipeline(
    GrantImportOptions options,
    GrantImportRun run,
    ClassificationEngine engine,
    DateTimeOffset now
)
{
    /// <summary>Row errors that cut a batch even when it has few rows to store.</summary>
    private const int ErrorsPerBatch = 1000;

    /// <summary>Time the writer spent in the load (the rest it waited for batches).</summary>
    public Stopwatch Busy { get; } = new();

    /// <summary>
    /// Reads every row of <paramref name="source"/> into <paramref name="tally"/> and writes the batches to
    /// <paramref name="load"/>.
    /// </summary>
    public async Task RunAsync(ImportSource source, ImportTally tally, IGrantLoad load, CancellationToken ct)
    {
        var bounds = new BoundedChannelOptions(Math.Max(1, options.PipelineBatches))
        {
            SingleReader = true,
            SingleWriter = true,
        };
        var channel = Channel.CreateBounded<ImportBatch>(bounds);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = Task.Run(() => WriteAllAsync(channel, load, stop.Token), CancellationToken.None);
        try
        {
            await ReadAllAsync(source, tally, load, channel.Writer, stop.Token);
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
                ExceptionDispatchInfo.Throw(writerError);
            }

            throw;
        }
    }

    private async Task ReadAllAsync(
        ImportSource source,
        ImportTally tally,
        IGrantLoad load,
        ChannelWriter<ImportBatch> batches,
        CancellationToken ct
    )
    {
        var batch = new ImportBatch(options.BatchSize);
        var lastProgress = 0L;
        foreach (var row in source.ReadRows())
        {
            ct.ThrowIfCancellationRequested();
            if (tally.Count(row, batch.Errors))
            {
                batch.Rows.Add(row);
            }

            var progressDue = tally.Read - lastProgress >= options.ProgressEveryRows;
            if (batch.Rows.Count >= options.BatchSize || batch.Errors.Count >= ErrorsPerBatch || progressDue)
            {
                batch.WriteProgress = progressDue;
                lastProgress = progressDue ? tally.Read : lastProgress;
                await PostAsync(batch, tally, load, batches, ct);
                batch = new ImportBatch(options.BatchSize);
            }
        }

        tally.ReadToEnd();
        await PostAsync(batch, tally, load, batches, ct);
    }

    /// <summary>Starts mapping the batch's rows on the thread pool and queues it for the writer.</summary>
    private ValueTask PostAsync(
        ImportBatch batch,
        ImportTally tally,
        IGrantLoad load,
        ChannelWriter<ImportBatch> batches,
        CancellationToken ct
    )
    {
        batch.Progress = tally.Counts();
        if (batch.Rows.Count > 0)
        {
            var rows = batch.Rows;
            var mapped = load.NewBatch(rows.Count);
            batch.Mapped = Task.Run(() => Map(rows, load.Stored, mapped));
        }

        return batches.WriteAsync(batch, ct);
    }

    /// <summary>
    /// The CPU side of a batch, off the reader's thread: the stored JSON and its hash, then, for rows whose grant is
    /// new or changed (an unchanged hash is skipped before any further work), the classification and the row values;
    /// and what the new rows add to the day totals, where the load sums them.
    /// </summary>
    private MappedRows Map(List<CsvRow> rows, StoredHashes stored, MappedRows mapped)
    {
        foreach (var row in rows)
        {
            var content = CsvGrantMapping.Content(row);
            var state = stored.Compare(content.Record.Identifier, content.Hash);
            if (state == StoredHashes.State.Unchanged)
            {
                mapped.Unchanged++;
                continue;
            }

            var values = GrantStore.ColumnValues(
                run.FunderId,
                CsvGrantMapping.ToGrantToWrite(content, engine),
                now,
                run.ImportId
            );
            if (state == StoredHashes.State.New)
            {
                mapped.New.Add(values);
                mapped.DayTotals?.Add(values);
            }
            else
            {
                mapped.Changed.Add(values);
            }
        }

        return mapped;
    }

    /// <summary>The writer stage: the only one that touches the load and its connection while rows are read.</summary>
    private async Task WriteAllAsync(Channel<ImportBatch> channel, IGrantLoad load, CancellationToken ct)
    {
        try
        {
            var written = 0;
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                var rows = batch.Mapped is { } pending ? await pending : null;
                Busy.Start();
                await load.WriteAsync(rows, batch.Errors, batch.WriteProgress ? batch.Progress : null, ct);
                Busy.Stop();
                if (rows is not null)
                {
                    run.Faults.AfterBatch(run.ImportId, ++written);
                }
            }
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete(e); // a reader waiting for room stops at once
            throw;
        }
    }
}
