using FundAudit.Api.Features.Logs;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>A frozen baseline as stored: its period, currency, rule-set versions and snapshot (cells_json).</summary>
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

/// <summary>A target as stored: a metric's share to reach (basis points) by a date, measured from a baseline.</summary>
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

/// <summary>A target's values as a request sets them (creation and change alike): metric and direction in lower case,
/// the share in basis points.</summary>
internal sealed record TargetValues(string Metric, string Direction, int TargetBp, DateOnly Due, long BaselineId);

/// <summary>
/// The funder's baselines and targets (audit_baselines, audit_targets). Every statement filters on funder_id.
/// </summary>
internal sealed class BaselineStore(Db db, AdminLog adminLog)
{
    private const string SelectRuleSetVersions = """
        SELECT DISTINCT g.rule_set_version FROM grants g
        WHERE g.funder_id = @FunderId AND g.award_date >= @From AND g.award_date <= @To
          AND g.rule_set_version IS NOT NULL
        """;
    private const string BaselineColumns = """
        id, name, period_from, period_to, currency, rule_set_versions, grant_count, total_amount, cells_json,
        created_by, created_at
        """;
    private const string SelectBaselines =
        $"SELECT {BaselineColumns} FROM audit_baselines WHERE funder_id = @FunderId ORDER BY id";
    private const string SelectBaseline =
        $"SELECT {BaselineColumns} FROM audit_baselines WHERE funder_id = @FunderId AND id = @Id";
    private const string SelectBaselineByName =
        "SELECT id FROM audit_baselines WHERE funder_id = @FunderId AND name = @Name";
    private const string TargetColumns =
        "id, metric, direction, target_bp, due_date, baseline_id, created_by, created_at";
    private const string SelectTargets =
        $"SELECT {TargetColumns} FROM audit_targets WHERE funder_id = @FunderId ORDER BY id";
    private const string SelectTarget =
        $"SELECT {TargetColumns} FROM audit_targets WHERE funder_id = @FunderId AND id = @Id";

    private const string UpdateTarget = """
        UPDATE audit_targets
        SET metric = @Metric, direction = @Direction, target_bp = @TargetBp, due_date = @DueDate,
            baseline_id = @BaselineId
        WHERE funder_id = @FunderId AND id = @Id
        """;
    private const string DeleteTarget = "DELETE FROM audit_targets WHERE funder_id = @FunderId AND id = @Id";

    private static readonly string[] BaselineInsertColumns =
    [
        "funder_id",
        "name",
        "period_from",
        "period_to",
        "currency",
        "rule_set_versions",
        "grant_count",
        "total_amount",
        "cells_json",
        "created_by",
        "created_at",
    ];

    private static readonly string[] TargetInsertColumns =
    [
        "funder_id",
        "metric",
        "direction",
        "target_bp",
        "due_date",
        "baseline_id",
        "created_by",
        "created_at",
    ];

    /// <summary>The rule-set versions that classified the funder's grants of the period, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> RuleSetVersionsAsync(
        long funderId,
        AuditPeriod period,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            period.From,
            period.To,
        };
        return (await db.QueryListAsync<string>(SelectRuleSetVersions, args, ct))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async Task<bool> BaselineNameTakenAsync(long funderId, string name, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long?>(SelectBaselineByName, new { FunderId = funderId, Name = name }, ct)
            is not null;

    public Task<long> AddBaselineAsync(
        long funderId,
        string name,
        AuditPeriod period,
        string currency,
        string ruleSetVersions,
        long grantCount,
        long total,
        string cellsJson,
        string createdBy,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            funder_id = funderId,
            name,
            period_from = period.From,
            period_to = period.To,
            currency,
            rule_set_versions = ruleSetVersions,
            grant_count = grantCount,
            total_amount = total,
            cells_json = cellsJson,
            created_by = createdBy,
            created_at = now,
        };
        return adminLog.InsertLoggedAsync(
            "audit_baselines",
            BaselineInsertColumns,
            args,
            AdminLogEntry.ForNewRow(funderId, createdBy, AdminActions.BaselineCreated, "baseline"),
            ct
        );
    }

    public async Task<IReadOnlyList<BaselineRow>> BaselinesAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<BaselineRow>(SelectBaselines, new { FunderId = funderId }, ct);

    public Task<BaselineRow?> BaselineAsync(long funderId, long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<BaselineRow>(SelectBaseline, new { FunderId = funderId, Id = id }, ct);

    public Task<long> AddTargetAsync(
        long funderId,
        TargetValues target,
        string createdBy,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var args = new
        {
            funder_id = funderId,
            metric = target.Metric,
            direction = target.Direction,
            target_bp = target.TargetBp,
            due_date = target.Due,
            baseline_id = target.BaselineId,
            created_by = createdBy,
            created_at = now,
        };
        return adminLog.InsertLoggedAsync(
            "audit_targets",
            TargetInsertColumns,
            args,
            AdminLogEntry.ForNewRow(funderId, createdBy, AdminActions.TargetCreated, "target"),
            ct
        );
    }

    public async Task<IReadOnlyList<TargetRow>> TargetsAsync(long funderId, CancellationToken ct) =>
        await db.QueryListAsync<TargetRow>(SelectTargets, new { FunderId = funderId }, ct);

    public Task<TargetRow?> TargetAsync(long funderId, long id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<TargetRow>(SelectTarget, new { FunderId = funderId, Id = id }, ct);

    /// <summary>Changes one of the funder's targets; false when it has none with that id.</summary>
    public async Task<bool> UpdateTargetAsync(long funderId, long id, TargetValues target, CancellationToken ct)
    {
        var args = new
        {
            FunderId = funderId,
            Id = id,
            target.Metric,
            target.Direction,
            target.TargetBp,
            DueDate = target.Due,
            target.BaselineId,
        };
        return await db.ExecuteAsync(UpdateTarget, args, ct) > 0;
    }

    /// <summary>Deletes one of the funder's targets; false when it has none with that id.</summary>
    public async Task<bool> DeleteTargetAsync(long funderId, long id, CancellationToken ct) =>
        await db.ExecuteAsync(DeleteTarget, new { FunderId = funderId, Id = id }, ct) > 0;
}
