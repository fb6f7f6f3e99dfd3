using FundAudit.Api.Features.Classification;
using FundAudit.Core.Classification;
using FundAudit.Core.Grants;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>What a store call did with a batch.</summary>
internal sealed record UpsertCounts(int Created, int Updated, int Unchanged);

internal sealed class CurrencyCount
{
    public string Currency { get; init; } = "";

    public long GrantCount { get; init; }
}

/// <summary>Grants of one funder. Every statement filters on funder_id.</summary>
internal sealed class GrantStore(Db db)
{
    // The engine's answer (g) beside a person's correction (c), which wins where present (TAXONOMY "manual").
    private static readonly string RowColumns = $"""
        g.id, g.identifier, g.award_date, {StoredGrantText.Columns},
        g.level, g.level_source, g.level_confidence, g.level_evidence,
        g.purpose, g.purpose_source, g.purpose_confidence, g.purpose_evidence, g.flexible, g.flexible_source,
            g.flexible_confidence,
        g.flexible_evidence, g.rule_set_version, {GrantTimes.ClassifiedAt("g")} AS classified_at,
        c.level AS corrected_level, c.purpose AS corrected_purpose,
        c.flexible AS corrected_flexible, c.reason AS correction_reason, c.corrected_by, c.corrected_at
        """;
    private const string FromGrants = "grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id";

    private static readonly string SelectByIdentifier =
        $"SELECT {RowColumns} FROM {FromGrants} WHERE g.funder_id = @FunderId " + $"AND g.identifier = @Identifier";
    private const string DeleteByIdentifier =
        "DELETE FROM grants WHERE funder_id = @FunderId AND identifier = " + "@Identifier";
    private const string SelectCurrencies = """
        SELECT currency, COUNT(*) AS grant_count FROM grants WHERE funder_id = @FunderId GROUP BY currency ORDER BY
            COUNT(*) DESC, currency
        """;

    private const string SelectHashes = "SELECT identifier, content_hash FROM grants WHERE funder_id = @FunderId";
    private const string CountGrants = "SELECT count(*) FROM grants WHERE funder_id = @FunderId";

    private static readonly string[] KeyColumns = ["funder_id", "identifier"];

    private static readonly string[] ContentColumns =
    [
        "title",
        "description",
        "currency",
        "amount_awarded",
        "amount_disbursed",
        "award_date",
        "planned_start_date",
        "planned_end_date",
        "recipient_org_id",
        "recipient_org_name",
        "recipient_country",
        "recipient_location_countries",
        "beneficiary_locations",
        "beneficiary_countries",
        "funding_org_id",
        "funding_org_name",
        "programme_title",
        "funding_types",
        "location_scope",
        "regrant_type",
        "explicit_level",
        "explicit_purpose",
        "explicit_flexible",
        "extra_json",
        "content_hash",
        "level",
        "level_source",
        "level_confidence",
        "level_evidence",
        "purpose",
        "purpose_source",
        "purpose_confidence",
        "purpose_evidence",
        "flexible",
        "flexible_source",
        "flexible_confidence",
        "flexible_evidence",
        "rule_set_version",
        "classified_at",
        "updated_at",
        "import_id",
        "quality_flags",
    ];

    /// <summary>The columns a new grant is stored with: its key, its content, and what only an insert sets (created_at;
    /// first_import_id, the import that created it, migration 0021, never in an update's SET list).</summary>
    private static readonly string[] InsertColumns =
    [
        .. KeyColumns,
        .. ContentColumns,
        "created_at",
        "first_import_id",
    ];

    /// <summary>A stored grant is overwritten only when its content changed.</summary>
    private const string ChangedWhen = $"{MergeCondition.Target}.content_hash <> {MergeCondition.Source}.content_hash";

    /// <summary>
    /// Inserts new grants and updates changed ones in one transaction; a grant whose content hash is unchanged is
    /// left alone (not even its updated_at moves), so posting the same package twice changes nothing.
    /// </summary>
    public async Task<UpsertCounts> UpsertAsync(
        long funderId,
        IReadOnlyList<GrantToStore> grants,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var existing = await ExistingHashesAsync(tx, funderId, grants.Select(g => g.Record.Identifier).ToList(), ct);

        int created = 0,
            updated = 0,
            unchanged = 0;
        var changed = new List<object?[]>(grants.Count);
        foreach (var g in grants)
        {
            if (!existing.TryGetValue(g.Record.Identifier, out var hash))
            {
                created++;
            }
            else if (hash == g.ContentHash)
            {
                unchanged++;
                continue;
            }
            else
            {
                updated++;
            }

            changed.Add(ColumnValues(funderId, g, now));
        }

        await MultiRowUpsert.WriteAsync(tx, db.Dialect, BulkTarget, changed, ct);

        await tx.CommitAsync(ct);
        return new UpsertCounts(created, updated, unchanged);
    }

    public Task<GrantRow?> FindAsync(long funderId, string identifier, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<GrantRow>(
            SelectByIdentifier,
            new { FunderId = funderId, Identifier = identifier },
            ct
        );

    /// <summary>The currencies of the funder's grants with how many grants use each, most used first.</summary>
    public async Task<IReadOnlyList<CurrencyCount>> CurrenciesAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<CurrencyCount>(SelectCurrencies, new { FunderId = funderId }, ct);

    public async Task<bool> DeleteAsync(long funderId, string identifier, CancellationToken ct) =>
        await db.ExecuteAsync(DeleteByIdentifier, new { FunderId = funderId, Identifier = identifier }, ct) == 1;

    /// <summary>One page in (award date, id) descending order, starting after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<GrantRow>> ListAsync(
        long funderId,
        GrantFilter filter,
        (DateOnly AwardDate, long Id)? after,
        int limit,
        CancellationToken ct
    )
    {
        var (where, p) = filter.ToSql(funderId, db.Dialect);
        p.Add("Limit", limit);
        if (after is { } a)
        {
            where.Add("(g.award_date < @AfterDate OR (g.award_date = @AfterDate AND g.id < @AfterId))");
            p.Add("AfterDate", a.AwardDate);
            p.Add("AfterId", a.Id);
        }

        var sql =
            $"SELECT {RowColumns} FROM {FromGrants} WHERE {string.Join(" AND ", where)} ORDER BY g.award_date "
            + $"DESC, g.id DESC {db.Dialect.Limit("Limit")}";
        return await db.QueryListAsync<GrantRow>(sql, p, ct);
    }

    private async Task<Dictionary<string, string>> ExistingHashesAsync(
        DbTransaction tx,
        long funderId,
        List<string> identifiers,
        CancellationToken ct
    )
    {
        var sql =
            $"SELECT identifier, content_hash FROM grants WHERE funder_id = @FunderId AND "
            + $"{db.Dialect.InList("identifier", "Identifiers")}";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in identifiers.Chunk(500))
        {
            var rows = await tx.QueryListAsync<(string Identifier, byte[] ContentHash)>(
                sql,
                new { FunderId = funderId, Identifiers = chunk },
                ct
            );
            foreach (var (identifier, hash) in rows)
            {
                result[identifier] = Convert.ToHexStringLower(hash);
            }
        }

        return result;
    }

    /// <summary>
    /// The funder's grants by identifier and content hash, read on the import's connection (inside its transaction when
    /// it has one): the import skips unchanged rows and inserts new ones without a merge.
    /// </summary>
    public static async Task<Imports.StoredHashes> StoredHashesAsync(
        DbConnection connection,
        DbTransaction? tx,
        long funderId,
        CancellationToken ct
    )
    {
        var count = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(CountGrants, new { FunderId = funderId }, tx, cancellationToken: ct)
        );
        var hashes = new Imports.StoredHashes((int)Math.Min(count, int.MaxValue / 2));
        if (count == 0)
        {
            return hashes;
        }

        await using var reader = await connection.ExecuteReaderAsync(
            new CommandDefinition(SelectHashes, new { FunderId = funderId }, tx, cancellationToken: ct)
        );
        var hash = new byte[64]; // the stored hash's bytes (migration 0024: 16), copied here row by row
        while (await reader.ReadAsync(ct))
        {
            var length = (int)reader.GetBytes(1, 0, hash, 0, hash.Length);
            hashes.Add(reader.GetString(0), hash.AsSpan(0, length));
        }

        return hashes;
    }

    /// <summary>
    /// The grants' columns, key and change test, written by <see cref="UpsertAsync"/> (multi-row statements, the
    /// triggers firing) and by the bulk path (CSV imports), whose new rows skip the day-totals and quality-totals
    /// insert triggers (migrations 0008, 0019) and the data version's (0034) where the engine allows it; the import
    /// then adds their totals itself (<see cref="Imports.NewGrantDayTotals"/>, <see cref="GrantDataVersions"/>).
    /// </summary>
    public static BulkUpsertTarget BulkTarget { get; } =
        new(
            "grants",
            "id",
            KeyColumns,
            InsertColumns,
            ContentColumns,
            ChangedWhen,
            ["tr_grants_day_totals_insert", "tr_grants_quality_totals_insert", "tr_grants_data_version_insert"],
            GrantTimes.OnUpdate
        );

    /// <summary>Column names every write path stores, in the order of <see cref="ColumnValues"/>.</summary>
    public static IReadOnlyList<string> WriteColumns => InsertColumns;

    /// <summary>
    /// The position of <paramref name="column"/> in <see cref="WriteColumns"/> (and so in
    /// <see cref="ColumnValues"/>'s row); a column grants are not written with is a programming error.
    /// </summary>
    public static int WriteColumnIndex(string column)
    {
        var i = Array.IndexOf(InsertColumns, column);
        return i >= 0 ? i : throw new InvalidOperationException($"grants has no write column {column}.");
    }

    /// <summary>
    /// The values of <see cref="WriteColumns"/> for one grant: the single mapping from a grant to its row, shared by
    /// the JSON upsert and the bulk import so both store exactly the same thing. <paramref name="importId"/> is the
    /// import that writes it (grants.import_id, migration 0017, and on an insert grants.first_import_id, migration
    /// 0021); null from the JSON API. <paramref name="now"/> is its created_at; updated_at and classified_at are NULL,
    /// "the same" (<see cref="GrantTimes"/>, migration 0026).
    /// </summary>
    public static object?[] ColumnValues(long funderId, GrantToStore g, DateTimeOffset now, long? importId = null)
    {
        var r = g.Record;
        var c = g.Classification;
        var title = r.Title ?? "";
        var country = r.RecipientOrgCountry
            ?? (r.RecipientLocationCountryCodes.Count > 0 ? r.RecipientLocationCountryCodes[0] : null);
        object?[] values =
        [
            funderId,
            r.Identifier,
            title,
            r.Description,
            r.Currency,
            r.AmountAwardedMinor,
            r.AmountDisbursedMinor,
            r.AwardDate,
            r.PlannedStartDate,
            r.PlannedEndDate,
            r.RecipientOrgId,
            r.RecipientOrgName,
            country,
            Join(r.RecipientLocationCountryCodes),
            Imports.StoredGrantJson.Current.LocationsText(r.BeneficiaryLocations),
            BeneficiaryCountries(r.BeneficiaryLocations),
            r.FundingOrgId,
            r.FundingOrgName,
            r.ProgrammeTitle,
            Join(r.FundingTypes),
            r.LocationScope,
            r.RegrantType,
            r.ExplicitLevel,
            r.ExplicitPurpose,
            r.ExplicitFlexible,
            g.SourceJson,
            Convert.FromHexString(g.ContentHash), // stored as its bytes (migration 0024); read back as hex
            c is null ? "unclassified" : ClassificationNames.Of(c.Level.Value),
            c is null ? null : ClassificationNames.Of(c.Level.Source),
            c?.Level.Confidence,
            c is null ? null : ClassificationNames.Evidence(c.Level.Evidence),
            c is null ? "unclassified" : ClassificationNames.Of(c.Purpose.Value),
            c is null ? null : ClassificationNames.Of(c.Purpose.Source),
            c?.Purpose.Confidence,
            c is null ? null : ClassificationNames.Evidence(c.Purpose.Evidence),
            c?.Flexible.Value,
            c is null ? null : ClassificationNames.Of(c.Flexible.Source),
            c?.Flexible.Confidence,
            c is null ? null : ClassificationNames.Evidence(c.Flexible.Evidence),
            c?.RuleSetVersion,
            null, // classified_at: NULL for "when it was created" (GrantTimes), which an update sets to its own time
            null, // updated_at: likewise
            importId,
            Audit.Quality.QualityFlags.Of(r, title, country, Published(g)), // migration 0018
            now,
            importId, // first_import_id: stored by an insert only (migration 0021)
        ];
        values[ExtraJsonIndex] = StoredGrantText.ToStore(values, g);
        return values;
    }

    private static readonly int ExtraJsonIndex = Array.IndexOf(InsertColumns, "extra_json");

    /// <summary>What the quality checks read of the JSON <paramref name="g"/> publishes: as the import read it, or
    /// from its JSON, or (a CSV row whose JSON the import did not decode) from the JSON its record writes.</summary>
    private static Audit.Quality.PublishedFacts Published(GrantToStore g) =>
        g.Published
        ?? (
            g.SourceJson.Length > 0
                ? Audit.Quality.PublishedFacts.Of(g.SourceJson)
                : Audit.Quality.PublishedFacts.Of(Imports.StoredGrantJson.Current.Grant(g.Record, g.AdditionalColumns))
        );

    /// <summary>The distinct beneficiary country codes in order, joined with ";" (null when none).</summary>
    internal static string? BeneficiaryCountries(IReadOnlyList<BeneficiaryLocation> locations)
    {
        string? single = null;
        List<string>? many = null;
        foreach (var location in locations)
        {
            if (location.CountryCode is not { } code || code == single || (many is not null && many.Contains(code)))
            {
                continue;
            }

            if (single is null)
            {
                single = code;
            }
            else
            {
                (many ??= [single]).Add(code);
            }
        }

        return many is null ? single : string.Join(";", many);
    }

    private static string? Join(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join(";", values);
}
