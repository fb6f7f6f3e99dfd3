namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>grant_import_errors: the rows an import rejected, with why (in English, and as a key with its arguments
/// for the console's languages: message_text, <see cref="Csv.RowText"/>).</summary>
internal sealed partial class GrantImportStore
{
    private const string DeleteErrors =
        "DELETE FROM grant_import_errors WHERE funder_id = @FunderId AND import_id = " + "@ImportId";

    private const string InsertError = """
        INSERT INTO grant_import_errors (funder_id, import_id, file_row, column_name, code, message, message_text)
        VALUES (@FunderId, @ImportId, @Row, @Column, @Code, @Message, @MessageText)
        """;

    private const string SelectErrors = """
        SELECT file_row, column_name, code, message, message_text FROM grant_import_errors
        WHERE funder_id = @FunderId AND import_id = @ImportId
        ORDER BY file_row, id
        """;

    public async Task<IReadOnlyList<ImportRowError>> ErrorsAsync(long funderId, long importId, CancellationToken ct)
    {
        var rows = await db.QueryListAsync<(long Row, string? Column, string Code, string Message, string? Text)>(
            SelectErrors,
            new { FunderId = funderId, ImportId = importId },
            ct
        );
        return rows.Select(r => new ImportRowError(r.Row, r.Column, r.Code, r.Message, Csv.RowText.FromJson(r.Text)))
            .ToList();
    }

    public Task ClearErrorsAsync(long funderId, long importId, CancellationToken ct) =>
        db.ExecuteAsync(DeleteErrors, new { FunderId = funderId, ImportId = importId }, ct);

    /// <summary>Stores row errors: in their own transaction, or in <paramref name="transaction"/> on its connection
    /// when given.</summary>
    public async Task AddErrorsAsync(
        long funderId,
        long importId,
        IReadOnlyList<ImportRowError> errors,
        CancellationToken ct,
        DbTransaction? transaction = null
    )
    {
        if (errors.Count == 0)
        {
            return;
        }

        var rows = errors.Select(e => new
        {
            FunderId = funderId,
            ImportId = importId,
            e.Row,
            e.Column,
            e.Code,
            e.Message,
            MessageText = Csv.RowText.ToJson(e.Text),
        });
        if (transaction is not null)
        {
            await transaction.ExecuteAsync(InsertError, rows, ct);
            return;
        }

        await db.InTransactionAsync(tx => tx.ExecuteAsync(InsertError, rows, ct), ct);
    }
}
