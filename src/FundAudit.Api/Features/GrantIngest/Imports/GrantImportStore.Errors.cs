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
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Row, string? Column, string Code, string Message)>(
            new CommandDefinition(SelectErrors, new { FunderId = funderId, ImportId = importId }, cancellationToken: ct)
        );
        return rows.Select(r => new ImportRowError(r.Row, r.Column, r.Code, r.Message)).ToList();
    }

    public async Task ClearErrorsAsync(long funderId, long importId, CancellationToken ct)
    {
        await db.ExecuteAsync(
            new CommandDefinition(DeleteErrors, new { FunderId = funderId, ImportId = importId }, cancellationToken: ct)
        );
    }

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

        if (transaction is not null)
        {
            await transaction.Connection!.ExecuteAsync(
                new CommandDefinition(
                    InsertError,
                    errors.Select(e => new
                    {
                        FunderId = funderId,
                        ImportId = importId,
                        e.Row,
                        e.Column,
                        e.Code,
                        e.Message,
                    }),
                    transaction,
                    cancellationToken: ct
                )
            );
            return;
        }

        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(
            new CommandDefinition(
                InsertError,
                errors.Select(e => new
                {
                    FunderId = funderId,
                    ImportId = importId,
                    e.Row,
                    e.Column,
                    e.Code,
                    e.Message,
                }),
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
    }
}
