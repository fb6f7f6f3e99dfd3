namespace FundAudit.Api.Features.Classification;

/// <summary>What a dry run needs of a stored grant: its inputs (the same as re-classification reads), its stored level
/// and purpose and a person's correction (which wins over any rule set).</summary>
internal sealed class DryRunInputRow : ClassificationInputRow
{
    /// <summary>The grant's inputs, as the engine reads them.</summary>
    public ClassificationInputRow Input => this;

    public string? Level { get; init; }

    public string? Purpose { get; init; }

    public string? CorrectedLevel { get; init; }

    public string? CorrectedPurpose { get; init; }
}

/// <summary>Reads a funder's grants, page by page, for a rule-set dry run. Reads only; filters on funder_id.</summary>
internal sealed class RuleSetDryRunStore(Db db)
{
    private const string SelectDryRunInputs = $"""
        SELECT {ClassificationStore.InputColumns},
               g.level, g.purpose, c.level AS corrected_level, c.purpose AS corrected_purpose
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        WHERE g.funder_id = @FunderId AND g.id > @AfterId ORDER BY g.id
        """;

    /// <summary>A page of the funder's grants, in id order after <paramref name="afterId"/>.</summary>
    public Task<IReadOnlyList<DryRunInputRow>> InputsAsync(
        long funderId,
        long afterId,
        int limit,
        CancellationToken ct
    ) => ClassificationStore.GrantPageAsync<DryRunInputRow>(db, SelectDryRunInputs, funderId, afterId, limit, ct);
}
