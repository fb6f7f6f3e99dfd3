namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>The states of an import (stored in grant_imports.status, returned as is).</summary>
internal static class ImportStatus
{
    public const string Queued = "queued";
    public const string Running = "running";

    /// <summary>Claimed by a worker that waits for the funder's previous import to finish (imports of one funder take
    /// turns).</summary>
    public const string Waiting = "waiting";

    /// <summary>
    /// Shown, never stored: running or waiting, but its worker's heartbeat is older than
    /// <see cref="GrantImportOptions.InterruptedAfterSeconds"/> (the worker died). It can be retried.
    /// </summary>
    public const string Interrupted = "interrupted";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Refused = "refused";
}

/// <summary>A problem or warning about a file or one of its rows, as stored in problems_json/warnings_json and
/// returned.</summary>
/// <param name="Code">Stable, machine-readable.</param>
/// <param name="Message">In English, as the API returns it.</param>
/// <param name="Column">The column's title, as written or expected.</param>
/// <param name="Row">The file's row (the sheet's row for a workbook).</param>
/// <param name="Text">The message as a key and arguments, for the console's languages (stored as <c>text</c>, not
/// part of the API's answer); null for problems stored before it was kept.</param>
internal sealed record ImportProblem(
    string Code,
    string Message,
    string? Column = null,
    long? Row = null,
    [property: System.Text.Json.Serialization.JsonIgnore] Csv.RowText? Text = null
);

/// <summary>One rejected row's error.</summary>
/// <param name="Row">The file's row (the sheet's row for a workbook).</param>
/// <param name="Column">The column's title as written, when the error is about one cell.</param>
/// <param name="Code">Stable, machine-readable.</param>
/// <param name="Message">In English, as the API returns it.</param>
/// <param name="Text">The message as a key and arguments, for the console's languages (not part of the API's
/// answer); null for errors stored before it was kept.</param>
internal sealed record ImportRowError(
    long Row,
    string? Column,
    string Code,
    string Message,
    [property: System.Text.Json.Serialization.JsonIgnore] Csv.RowText? Text = null
);

/// <summary>A grant_imports row.</summary>
internal sealed record GrantImportRow
{
    public long Id { get; init; }

    public long FunderId { get; init; }

    public string Status { get; init; } = ImportStatus.Queued;

    public string FileName { get; init; } = "";

    public string StoredName { get; init; } = "";

    public string FileSha256 { get; init; } = "";

    public long FileBytes { get; init; }

    public string? DateFormat { get; init; }

    public long? SameFileAs { get; init; }

    public long Attempts { get; init; }

    public long? DataRows { get; init; }

    public long RowsRead { get; init; }

    public long RowsAccepted { get; init; }

    public long RowsRejected { get; init; }

    public long RowsSuperseded { get; init; }

    public long BytesRead { get; init; }

    public long? CreatedCount { get; init; }

    public long? UpdatedCount { get; init; }

    public long? UnchangedCount { get; init; }

    public long WarningCount { get; init; }

    public bool ErrorsTruncated { get; init; }

    public string? WarningsJson { get; init; }

    public string? ProblemsJson { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The run that holds the import while it is running.</summary>
    public string? RunToken { get; init; }

    /// <summary>When the worker running the import last said it was alive.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }
}

/// <summary>Counters the job writes while it runs.</summary>
internal sealed record ImportProgressCounts(
    long? DataRows,
    long RowsRead,
    long RowsAccepted,
    long RowsRejected,
    long RowsSuperseded,
    long BytesRead
);
