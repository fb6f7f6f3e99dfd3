namespace FundAudit.Api.Features.GrantIngest.Imports;

/// <summary>grant_import_errors: the rows an import rejected, with why.</summary>
internal sealed partial class GrantImportStore
{
    private const string DeleteErrors =
        "DELETE FROM grant_import_errors WHERE funder_id = @FunderId AND import_id = " + "@ImportId";

    private const string InsertError = """
        INSERT INTO grant_import_errors (funder_id, import_id, file_row, column_name, code, message)
        VALUES (@FunderId, @ImportId, @Row, @Column, @Code, @Message)
        """;

    private const string SelectErrors = """
        SELECT file_row, column_name, code, message FROM grant_import_errors
        WHERE funder_id = @FunderId AND import_id = @ImportId
        ORDER BY file_row, id
        """;

    public async Task<IReadOnlyList<ImportRowError>> ErrorsAsync(long funderId, long importId, CancellationToken ct)
    {
        var rows = await db.QueryListAsync<(long Row, string? Column, string Code, string Message)>(
            SelectErrors,
            new { FunderId = funderId, ImportId = importId },
            ct
        );
        return rows.Select(r => new ImportRowError(r.Row, r.Column, r.Code, r.Message)).ToList();
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

        var rows = errors.Select(e => RowArgs.Of(e, new { FunderId = funderId, ImportId = importId }));
        if (transaction is not null)
        {
            await transaction.ExecuteAsync(InsertError, rows, ct);
            return;
        }

        await db.InTransactionAsync(tx => tx.ExecuteAsync(InsertError, rows, ct), ct);
    }
}
