using System.Data.Common;
using System.Globalization;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>One group of the mix as the database sums it: grants of one currency awarded on one day in one cell.</summary>
internal sealed class MixRow
{
    public long FunderId { get; init; }

    public string Currency { get; init; } = "";

    public DateOnly AwardDate { get; init; }

    public string Level { get; init; } = "unclassified";

    public string Purpose { get; init; } = "unclassified";

    public bool? Flexible { get; init; }

    public string? Region { get; init; }

    public string? Country { get; init; }

    public string? Programme { get; init; }

    public long Grants { get; set; }

    public long Amount { get; set; }
}

internal sealed class MedianRow
{
    public string? Level { get; init; }

    public string? Purpose { get; init; }

    public bool? Flexible { get; init; }

    public int? Year { get; init; }

    public string? Region { get; init; }

    public string? Country { get; init; }

    public string? Programme { get; init; }

    public decimal X { get; init; }
}

internal sealed class BaselineRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public DateOnly PeriodFrom { get; init; }

    public DateOnly PeriodTo { get; init; }

    public string Currency { get; init; } = "";

    public string RuleSetVersions { get; init; } = "";

    public long GrantCount { get; init; }

    public long TotalAmount { get; init; }

    public string CellsJson { get; init; } = "";

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class TargetRow
{
    public long Id { get; init; }

    public string Metric { get; init; } = "";

    public string Direction { get; init; } = "";

    public int TargetBp { get; init; }

    public DateOnly DueDate { get; init; }

    public long BaselineId { get; init; }

    public string CreatedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }
}

internal sealed class RateSeriesRow
{
    public string Base { get; init; } = "";

    public string Currency { get; init; } = "";

    public long Rates { get; init; }

    public DateOnly First { get; init; }

    public DateOnly Last { get; init; }
}

/// <summary>A grant as the CSV export writes it, with its effective (corrected) classification.</summary>
internal sealed class GrantExportRow
{
    public string Identifier { get; init; } = "";

    public string Title { get; init; } = "";

    public string? RecipientOrgName { get; init; }

    public string? RecipientCountry { get; init; }

    public string Currency { get; init; } = "";

    public long AmountAwarded { get; init; }

    public DateOnly AwardDate { get; init; }

    public string? ProgrammeTitle { get; init; }

    public string Level { get; init; } = "";

    public string? LevelSource { get; init; }

    public string Purpose { get; init; } = "";

    public string? PurposeSource { get; init; }

    public bool? Flexible { get; init; }

    public string? FlexibleSource { get; init; }

    public string? RuleSetVersion { get; init; }
}

/// <summary>The filters and grouping of one mix query, already validated.</summary>
internal sealed record MixQuery(
    AuditPeriod Period,
    string Currency,
    IReadOnlyList<string> GroupBy,
    string? Programme,
    string? Region,
    string? Country,
    string? Source,
    int FiscalYearStartMonth);

/// <summary>
/// The audit's SQL. Every statement filters on funder_id (the field view on the opted-in funders). Sums are done by
/// the database, grouped by currency and award date so that the service can convert each group exactly: read from the
/// stored daily totals (grant_day_totals) when the query allows, else grouped from the grants.
/// </summary>
internal sealed class AuditStore(Db db)
{
    // The effective classification: a person's correction (c) wins over the engine's answer (g).
    private const string EffectiveColumns = """
        COALESCE(c.level, g.level) AS level, COALESCE(c.purpose, g.purpose) AS purpose, COALESCE(c.flexible, g.flexible) AS flexible
        """;
    private const string EffectiveGroup = "COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose), COALESCE(c.flexible, g.flexible)";
    private const string FromGrants = """
        grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        """;
    private const string RegionJoin = " LEFT JOIN country_regions r ON r.country_key = upper(g.recipient_country)";
    private const string OptedInFunders = "SELECT funder_id FROM audit_field_participants WHERE opted_in = @OptedIn";

    private const string DeleteRatesSql = """
        DELETE FROM fx_rates WHERE funder_id = @FunderId AND base = @Base AND currency = @Currency AND rate_date >= @First AND rate_date <= @Last
        """;
    private const string SelectRates = """
        SELECT base, currency, rate_date, rate FROM fx_rates
        WHERE funder_id = @FunderId AND rate_date >= @From AND rate_date <= @To
        """;
    private const string SelectRateSeries = """
        SELECT base, currency, COUNT(*) AS rates, MIN(rate_date) AS first, MAX(rate_date) AS last FROM fx_rates
        WHERE funder_id = @FunderId GROUP BY base, currency ORDER BY base, currency
        """;
    private const string SelectRuleSetVersions = """
        SELECT DISTINCT g.rule_set_version FROM grants g
        WHERE g.funder_id = @FunderId AND g.award_date >= @From AND g.award_date <= @To AND g.rule_set_version IS NOT NULL
        """;
    private const string BaselineColumns = """
        id, name, period_from, period_to, currency, rule_set_versions, grant_count, total_amount, cells_json, created_by, created_at
        """;
    private const string SelectBaselines = $"SELECT {BaselineColumns} FROM audit_baselines WHERE funder_id = @FunderId ORDER BY id";
    private const string SelectBaseline = $"SELECT {BaselineColumns} FROM audit_baselines WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectBaselineByName = "SELECT id FROM audit_baselines WHERE funder_id = @FunderId AND name = @Name";
    private const string SelectTargets = """
        SELECT id, metric, direction, target_bp, due_date, baseline_id, created_by, created_at FROM audit_targets
        WHERE funder_id = @FunderId ORDER BY id
        """;
    private const string SelectTarget = """
        SELECT id, metric, direction, target_bp, due_date, baseline_id, created_by, created_at FROM audit_targets
        WHERE funder_id = @FunderId AND id = @Id
        """;
    private const string SelectParticipation = "SELECT opted_in FROM audit_field_participants WHERE funder_id = @FunderId";
    private const string UpdateParticipationSql = """
        UPDATE audit_field_participants SET opted_in = @OptedIn, updated_by = @UpdatedBy, updated_at = @UpdatedAt WHERE funder_id = @FunderId
        """;
    private const string InsertParticipationSql = """
        INSERT INTO audit_field_participants (funder_id, opted_in, updated_by, updated_at) VALUES (@FunderId, @OptedIn, @UpdatedBy, @UpdatedAt)
        """;
    private const string SelectExport = $"""
        SELECT g.identifier, g.title, g.recipient_org_name, g.recipient_country, g.currency, g.amount_awarded, g.award_date, g.programme_title,
               COALESCE(c.level, g.level) AS level, CASE WHEN c.level IS NULL THEN g.level_source ELSE 'manual' END AS level_source,
               COALESCE(c.purpose, g.purpose) AS purpose, CASE WHEN c.purpose IS NULL THEN g.purpose_source ELSE 'manual' END AS purpose_source,
               COALESCE(c.flexible, g.flexible) AS flexible, CASE WHEN c.flexible IS NULL THEN g.flexible_source ELSE 'manual' END AS flexible_source,
               g.rule_set_version
        FROM {FromGrants}
        """;

    private const int RatesPerStatement = 300;

    public IDbDialect Dialect => db.Dialect;

    /// <summary>Replaces the funder's rates for each (base, currency) over the loaded date range, in one transaction.</summary>
    public async Task StoreRatesAsync(long funderId, IReadOnlyList<ExchangeRate> rates, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var series in rates.GroupBy(r => (r.Base, r.Currency)))
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteRatesSql, new
            {
                FunderId = funderId, series.Key.Base, series.Key.Currency, First = series.Min(r => r.Date), Last = series.Max(r => r.Date),
            }, tx, cancellationToken: ct));
        }

        var unique = rates.GroupBy(r => (r.Base, r.Currency, r.Date)).Select(g => g.Last()).ToList();
        foreach (var chunk in unique.Chunk(RatesPerStatement))
        {
            var p = new DynamicParameters();
            p.Add("FunderId", funderId);
            p.Add("LoadedAt", now);
            var values = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                values.Add($"(@FunderId, @B{i}, @C{i}, @D{i}, @R{i}, @LoadedAt)");
                p.Add("B" + i, chunk[i].Base);
                p.Add("C" + i, chunk[i].Currency);
                p.Add("D" + i, chunk[i].Date);
                p.Add("R" + i, chunk[i].Rate.ToString(CultureInfo.InvariantCulture));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO fx_rates (funder_id, base, currency, rate_date, rate, loaded_at) VALUES {string.Join(", ", values)}", p, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<RateSeriesRow>> RateSeriesAsync(long funderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<RateSeriesRow>(new CommandDefinition(SelectRateSeries, new { FunderId = funderId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<ExchangeRate>> RatesAsync(long funderId, IReadOnlyCollection<string> currencies, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Base, string Currency, DateOnly RateDate, string Rate)>(new CommandDefinition(
            SelectRates + " AND " + db.Dialect.InList("currency", "Currencies"),
            new { FunderId = funderId, From = from, To = to, Currencies = currencies.ToArray() }, cancellationToken: ct));
        return rows.Select(r => new ExchangeRate(r.RateDate, r.Currency, r.Base, decimal.Parse(r.Rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>
    /// The mix, on one connection: the grouped sums, then (once <paramref name="factorsFor"/> has priced every
    /// currency and award date, or answered null because a rate is missing) the median grant of each cell,
    /// computed by the database over the grants converted with those factors.
    /// </summary>
    public async Task<(IReadOnlyList<MixRow> Rows, IReadOnlyList<MedianRow> Medians)?> MixAsync(
        long? funderId, MixQuery q, bool medians, Func<IReadOnlyList<MixRow>, Task<IReadOnlyDictionary<(string Currency, DateOnly Date), decimal>?>> factorsFor,
        CancellationToken ct)
    {
        var (where, p) = Where(funderId, q);
        var needsRegion = q.Region is not null || q.Country is not null || q.GroupBy.Contains("region") || q.GroupBy.Contains("country");
        var extra = new List<string>();
        if (q.GroupBy.Contains("region"))
        {
            extra.Add("r.region");
        }

        if (q.GroupBy.Contains("country"))
        {
            extra.Add("COALESCE(r.alpha2, g.recipient_country)");
        }

        if (q.GroupBy.Contains("programme"))
        {
            extra.Add("g.programme_title");
        }

        var extraSelect = string.Concat(extra.Select(e => ", " + e + " AS " + Alias(e)));
        var extraGroup = string.Concat(extra.Select(e => ", " + e));
        var from = FromGrants + (needsRegion ? RegionJoin : "");
        var funderColumn = funderId is null ? "g.funder_id AS funder_id, " : "";
        var funderGroup = funderId is null ? "g.funder_id, " : "";
        var sql = $"""
            SELECT {funderColumn}g.currency AS currency, g.award_date AS award_date, {EffectiveColumns}{extraSelect}, COUNT(*) AS grants, SUM(g.amount_awarded) AS amount
            FROM {from}
            WHERE {where}
            GROUP BY {funderGroup}g.currency, g.award_date, {EffectiveGroup}{extraGroup}
            """;

        await using var connection = await db.OpenAsync(ct);
        var rows = ReadsDayTotals(q)
            ? await DayTotalsAsync(connection, funderId, q, ct)
            : (await connection.QueryAsync<MixRow>(new CommandDefinition(sql, p, cancellationToken: ct))).AsList();
        var factors = await factorsFor(rows);
        if (factors is null)
        {
            return null;
        }

        if (!medians || rows.Count == 0)
        {
            return (rows, []);
        }

        return (rows, await MediansAsync(connection, from, where, p, q, factors, ct));
    }

    /// <summary>
    /// Whether the mix can read the stored daily aggregate (grant_day_totals, kept by triggers) instead of the grants:
    /// it holds funder, day, currency, effective level, purpose, flexible and source, so every query that neither
    /// filters nor groups by region, country or programme.
    /// </summary>
    public static bool ReadsDayTotals(MixQuery q) =>
        q.Region is null && q.Country is null && q.Programme is null && !q.GroupBy.Any(d => d is "region" or "country" or "programme");

    /// <summary>
    /// The rows of grant_day_totals for the period, in key order, with the rows that differ only by source (when
    /// not filtered on) merged as they are read: the same groups as the GROUP BY over the grants, without the sort.
    /// </summary>
    private async Task<List<MixRow>> DayTotalsAsync(DbConnection connection, long? funderId, MixQuery q, CancellationToken ct)
    {
        var p = new Dictionary<string, object>(StringComparer.Ordinal) { ["From"] = q.Period.From, ["To"] = q.Period.To };
        var where = new List<string> { "t.award_date >= @From", "t.award_date <= @To" };
        if (funderId is null)
        {
            where.Insert(0, $"t.funder_id IN ({OptedInFunders})");
            p["OptedIn"] = true;
        }
        else
        {
            where.Insert(0, "t.funder_id = @FunderId");
            p["FunderId"] = funderId.Value;
        }

        if (q.Source is not null)
        {
            where.Add("t.source = @Source");
            p["Source"] = q.Source;
        }

        var sql = $"""
            SELECT t.award_date, t.currency, t.level, t.purpose, t.flexible, t.grant_count, t.amount, t.funder_id
            FROM grant_day_totals t
            WHERE {string.Join(" AND ", where)}
            ORDER BY t.funder_id, t.award_date, t.currency, t.level, t.purpose, t.flexible
            """;
        var rows = new List<MixRow>();
        MixRow? last = null;
        string currency = "", level = "", purpose = "";
        await db.Engine.ReadRowsAsync(connection, sql, p, row =>
        {
            var funder = funderId ?? row.Int64(7);
            var date = row.Date(0);
            currency = row.TextIs(1, currency) ? currency : row.Text(1);
            level = Known(row, 2, level, MixCalculator.Levels);
            purpose = Known(row, 3, purpose, MixCalculator.Purposes);
            bool? flexible = row.Int64(4) switch { 1 => true, 0 => false, _ => null };
            var grants = row.Int64(5);
            var amount = row.Int64(6);
            if (last is not null && last.FunderId == funder && last.AwardDate == date && ReferenceEquals(last.Currency, currency)
                && ReferenceEquals(last.Level, level) && ReferenceEquals(last.Purpose, purpose) && last.Flexible == flexible)
            {
                last.Grants += grants; // the same group under another source: merged as the GROUP BY would
                last.Amount += amount;
                return;
            }

            last = new MixRow { FunderId = funder, AwardDate = date, Currency = currency, Level = level, Purpose = purpose, Flexible = flexible, Grants = grants, Amount = amount };
            rows.Add(last);
        }, ct);
        return rows;

        // The column's text as one shared string: the previous row's, one of the taxonomy's, or read anew.
        static string Known(IRowCursor row, int ordinal, string previous, string[] names)
        {
            if (row.TextIs(ordinal, previous))
            {
                return previous;
            }

            foreach (var name in names)
            {
                if (row.TextIs(ordinal, name))
                {
                    return name;
                }
            }

            return row.Text(ordinal);
        }
    }

    private async Task<IReadOnlyList<MedianRow>> MediansAsync(
        DbConnection connection, string from, string where, DynamicParameters p, MixQuery q, IReadOnlyDictionary<(string Currency, DateOnly Date), decimal> factors, CancellationToken ct)
    {
        var table = db.Dialect.TempTable("audit_fx_factors");
        (string, ColumnType)[] columns =
            [("currency", ColumnType.Text), ("award_date", ColumnType.Date), ("factor", ColumnType.Decimal)];
        await connection.ExecuteAsync(new CommandDefinition(
            db.Dialect.CreateTempTable("audit_fx_factors", columns), cancellationToken: ct));
        foreach (var chunk in factors.Chunk(RatesPerStatement))
        {
            var fp = new DynamicParameters();
            var values = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                values.Add($"(@C{i}, @D{i}, @F{i})");
                fp.Add("C" + i, chunk[i].Key.Currency);
                fp.Add("D" + i, chunk[i].Key.Date);
                fp.Add("F" + i, chunk[i].Value);
            }

            await connection.ExecuteAsync(new CommandDefinition($"INSERT INTO {table} (currency, award_date, factor) VALUES {string.Join(", ", values)}", fp, cancellationToken: ct));
        }

        var dims = q.GroupBy.Select(d => (Dim: d, Expr: d switch
        {
            "level" => "COALESCE(c.level, g.level)",
            "purpose" => "COALESCE(c.purpose, g.purpose)",
            "flexible" => "COALESCE(c.flexible, g.flexible)",
            "year" => db.Dialect.FiscalYearOf("g.award_date", "ShiftMonths"),
            "region" => "r.region",
            "country" => "COALESCE(r.alpha2, g.recipient_country)",
            _ => "g.programme_title",
        })).ToList();
        p.Add("ShiftMonths", q.FiscalYearStartMonth - 1);
        var select = string.Join(", ", dims.Select(d => $"{d.Expr} AS {d.Dim}"));
        var names = string.Join(", ", dims.Select(d => d.Dim));
        var partition = dims.Count == 0 ? "" : "PARTITION BY " + names;
        var sql = $"""
            WITH v AS (
                SELECT {(dims.Count == 0 ? "" : select + ", ")}ROUND(g.amount_awarded * f.factor, 6) AS x
                FROM {from} JOIN {table} f ON f.currency = g.currency AND f.award_date = g.award_date
                WHERE {where}),
            r AS (SELECT {(dims.Count == 0 ? "" : names + ", ")}x, ROW_NUMBER() OVER ({partition} ORDER BY x) AS rn, COUNT(*) OVER ({partition}) AS n FROM v)
            SELECT {(dims.Count == 0 ? "" : names + ", ")}x FROM r WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2
            """;
        return (await connection.QueryAsync<MedianRow>(new CommandDefinition(sql, p, cancellationToken: ct))).AsList();
    }

    private (string Where, DynamicParameters P) Where(long? funderId, MixQuery q)
    {
        var p = new DynamicParameters();
        var where = new List<string> { "g.award_date >= @From", "g.award_date <= @To" };
        if (funderId is null)
        {
            where.Insert(0, $"g.funder_id IN ({OptedInFunders})");
            p.Add("OptedIn", true);
        }
        else
        {
            where.Insert(0, "g.funder_id = @FunderId");
            p.Add("FunderId", funderId.Value);
        }

        p.Add("From", q.Period.From);
        p.Add("To", q.Period.To);
        if (q.Programme is not null)
        {
            where.Add("g.programme_title = @Programme");
            p.Add("Programme", q.Programme);
        }

        if (q.Region is not null)
        {
            where.Add("r.region = @Region");
            p.Add("Region", q.Region);
        }

        if (q.Country is not null)
        {
            where.Add("r.alpha2 = @Country");
            p.Add("Country", q.Country);
        }

        if (q.Source is "manual")
        {
            where.Add("c.id IS NOT NULL");
        }
        else if (q.Source is not null)
        {
            where.Add("c.id IS NULL AND g.purpose_source = @Source");
            p.Add("Source", q.Source);
        }

        return (string.Join(" AND ", where), p);
    }

    private static string Alias(string expression) => expression switch
    {
        "r.region" => "region",
        "g.programme_title" => "programme",
        _ => "country",
    };

    public async Task<IReadOnlyList<string>> RuleSetVersionsAsync(long funderId, AuditPeriod period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(SelectRuleSetVersions, new { FunderId = funderId, period.From, period.To }, cancellationToken: ct)))
            .Order(StringComparer.Ordinal).ToList();
    }

    public async Task<bool> BaselineNameTakenAsync(long funderId, string name, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectBaselineByName, new { FunderId = funderId, Name = name }, cancellationToken: ct)) is not null;
    }

    public async Task<long> AddBaselineAsync(long funderId, string name, AuditPeriod period, string currency, string ruleSetVersions, long grantCount, long total,
        string cellsJson, string createdBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Dialect.InsertReturningId("audit_baselines",
                ["funder_id", "name", "period_from", "period_to", "currency", "rule_set_versions", "grant_count", "total_amount", "cells_json", "created_by", "created_at"], "id"),
            new
            {
                funder_id = funderId, name, period_from = period.From, period_to = period.To, currency, rule_set_versions = ruleSetVersions,
                grant_count = grantCount, total_amount = total, cells_json = cellsJson, created_by = createdBy, created_at = now,
            }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<BaselineRow>> BaselinesAsync(long funderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<BaselineRow>(new CommandDefinition(SelectBaselines, new { FunderId = funderId }, cancellationToken: ct))).AsList();
    }

    public async Task<BaselineRow?> BaselineAsync(long funderId, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BaselineRow>(new CommandDefinition(SelectBaseline, new { FunderId = funderId, Id = id }, cancellationToken: ct));
    }

    public async Task<long> AddTargetAsync(long funderId, string metric, string direction, int targetBp, DateOnly due, long baselineId, string createdBy, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Dialect.InsertReturningId("audit_targets", ["funder_id", "metric", "direction", "target_bp", "due_date", "baseline_id", "created_by", "created_at"], "id"),
            new { funder_id = funderId, metric, direction, target_bp = targetBp, due_date = due, baseline_id = baselineId, created_by = createdBy, created_at = now },
            cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TargetRow>> TargetsAsync(long funderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<TargetRow>(new CommandDefinition(SelectTargets, new { FunderId = funderId }, cancellationToken: ct))).AsList();
    }

    public async Task<TargetRow?> TargetAsync(long funderId, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<TargetRow>(new CommandDefinition(SelectTarget, new { FunderId = funderId, Id = id }, cancellationToken: ct));
    }

    public async Task<bool> IsOptedInAsync(long funderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(SelectParticipation, new { FunderId = funderId }, cancellationToken: ct)) == true;
    }

    public async Task SetParticipationAsync(long funderId, bool optedIn, string by, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var args = new { FunderId = funderId, OptedIn = optedIn, UpdatedBy = by, UpdatedAt = now };
        if (await connection.ExecuteAsync(new CommandDefinition(UpdateParticipationSql, args, tx, cancellationToken: ct)) == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertParticipationSql, args, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>The funder's grants with their effective classification, streamed row by row (never all in memory).</summary>
    public async IAsyncEnumerable<GrantExportRow> ExportAsync(long funderId, DateOnly? from, DateOnly? to, string? currency, string? recipientCountry, string? text,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var where = new List<string> { "g.funder_id = @FunderId" };
        var p = new DynamicParameters();
        p.Add("FunderId", funderId);
        if (from is { } f)
        {
            where.Add("g.award_date >= @From");
            p.Add("From", f);
        }

        if (to is { } t)
        {
            where.Add("g.award_date <= @To");
            p.Add("To", t);
        }

        if (currency is not null)
        {
            where.Add("g.currency = @Currency");
            p.Add("Currency", currency);
        }

        if (recipientCountry is not null)
        {
            where.Add("upper(g.recipient_country) = @RecipientCountry");
            p.Add("RecipientCountry", recipientCountry);
        }

        if (text is not null)
        {
            where.Add($"({db.Dialect.ContainsIgnoreCase("g.title", "Text")} OR {db.Dialect.ContainsIgnoreCase("g.description", "Text")} OR {db.Dialect.ContainsIgnoreCase("g.recipient_org_name", "Text")})");
            p.Add("Text", "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
        }

        await using var connection = await db.OpenAsync(ct);
        var sql = $"{SelectExport} WHERE {string.Join(" AND ", where)} ORDER BY g.award_date, g.id";
        await foreach (var row in connection.QueryUnbufferedAsync<GrantExportRow>(sql, p).WithCancellation(ct))
        {
            yield return row;
        }
    }
}
