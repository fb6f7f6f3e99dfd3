using System.Text.Json;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>What a baseline freezes: the level × purpose cells and the headline amounts, in minor units of its
/// currency.</summary>
internal sealed record BaselineSnapshot(
    IReadOnlyList<BaselineSnapshot.Cell> Cells,
    long TotalMinor,
    long Grants,
    long PreventionCollectiveMinor,
    long FlexibleMinor,
    long LocalMinor,
    long UnclassifiedMinor
)
{
    public sealed record Cell(string Level, string Purpose, long AmountMinor, long Grants);

    public static BaselineSnapshot From(MixResult m) =>
        new(
            m.Cells.Select(c => new Cell(c.Key["level"], c.Key["purpose"], c.AmountMinor, c.Grants)).ToList(),
            m.TotalMinor,
            m.Grants,
            m.PreventionCollectiveMinor,
            m.FlexibleMinor,
            m.LocalMinor,
            m.UnclassifiedMinor
        );

    public long Level(string level) => Cells.Where(c => c.Level == level).Sum(c => c.AmountMinor);

    public long Purpose(string purpose) => Cells.Where(c => c.Purpose == purpose).Sum(c => c.AmountMinor);

    /// <summary>The exact percentage of a metric: local, flexible, prevention_collective, unclassified, level:x or
    /// purpose:x.</summary>
    public decimal Metric(string metric) =>
        AuditMaths.ExactShare(
            metric switch
            {
                "local" => LocalMinor,
                "flexible" => FlexibleMinor,
                "prevention_collective" => PreventionCollectiveMinor,
                "unclassified" => UnclassifiedMinor,
                _ when metric.StartsWith("level:", StringComparison.Ordinal) => Level(metric[6..]),
                _ when metric.StartsWith("purpose:", StringComparison.Ordinal) => Purpose(metric[8..]),
                _ => 0,
            },
            TotalMinor
        );
}

internal sealed record BaselineView(
    long Id,
    string Name,
    PeriodView Period,
    string Currency,
    IReadOnlyList<string> RuleSetVersions,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    long Grants,
    Figure Totals,
    Figure PreventionCollective,
    Figure Flexible,
    Figure Local,
    Figure Unclassified,
    IReadOnlyList<GetMix.Cell> Cells
);

/// <summary>POST /api/audit/baselines: freezes the level × purpose mix of a period, with its rule-set versions.
/// Immutable.</summary>
internal static class CreateBaseline
{
    /// <param name="Name">Unique per funder, e.g. "FY2024 before the strategy".</param>
    /// <param name="From">First award date of the period (with to).</param>
    /// <param name="To">Last award date of the period.</param>
    /// <param name="FiscalYear">Instead of from/to.</param>
    /// <param name="Currency">The currency to convert to (default: the funder's).</param>
    public sealed record Request(string? Name, DateOnly? From, DateOnly? To, int? FiscalYear, string? Currency);

    public static async Task<Results<Created<BaselineView>, ProblemHttpResult>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        [FromServices] MixCalculator mix,
        [FromServices] BaselineStore store,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var name = request.Name!.Trim();
        if (await store.BaselineNameTakenAsync(funderId, name, ct))
        {
            return ProblemText.Problem(
                StatusCodes.Status409Conflict,
                "Title_BaselineNameInUse",
                "Use_BaselineNameInUse",
                name
            );
        }

        var period = AuditViews
            .PeriodOf(request.From, request.To, request.FiscalYear, mix.Options.FiscalYearStartMonth)!
            .Value;
        var currency = request.Currency!.Trim().ToUpperInvariant();
        var (result, missing) = await mix.LevelByPurposeAsync(funderId, period, currency, ct);
        if (result is null)
        {
            return AuditViews.Missing(missing!);
        }

        var versions = await store.RuleSetVersionsAsync(funderId, period, ct);
        var snapshot = BaselineSnapshot.From(result);
        var id = await store.AddBaselineAsync(
            funderId,
            name,
            period,
            currency,
            string.Join(";", versions),
            snapshot.Grants,
            snapshot.TotalMinor,
            JsonSerializer.Serialize(snapshot),
            user.Actor(),
            clock.GetUtcNow(),
            ct
        );
        var row = await store.BaselineAsync(funderId, id, ct);
        return TypedResults.Created($"/api/audit/baselines/{id}", GetBaseline.ToView(row!));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().AtMost(200);
            AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
            AuditViews.CurrencyRule(this, r => r.Currency);
        }
    }
}

/// <summary>GET /api/audit/baselines and /{id}: the funder's frozen baselines.</summary>
internal static class GetBaseline
{
    public static async Task<Ok<IReadOnlyList<BaselineView>>> ListAsync(
        ClaimsPrincipal user,
        [FromServices] BaselineStore store,
        CancellationToken ct
    ) =>
        TypedResults.Ok<IReadOnlyList<BaselineView>>(
            (await store.BaselinesAsync(user.FunderId(), ct)).Select(ToView).ToList()
        );

    public static async Task<Results<Ok<BaselineView>, ProblemHttpResult>> HandleAsync(
        long id,
        ClaimsPrincipal user,
        [FromServices] BaselineStore store,
        CancellationToken ct
    ) =>
        await store.BaselineAsync(user.FunderId(), id, ct) is { } row
            ? TypedResults.Ok(ToView(row))
            : AuditViews.BaselineNotFound(id);

    public static BaselineSnapshot Snapshot(BaselineRow row) =>
        JsonSerializer.Deserialize<BaselineSnapshot>(row.CellsJson)!;

    public static IReadOnlyList<string> Versions(BaselineRow row) =>
        row.RuleSetVersions.Split(';', StringSplitOptions.RemoveEmptyEntries);

    public static BaselineView ToView(BaselineRow row)
    {
        var s = Snapshot(row);
        var c = row.Currency;
        return new BaselineView(
            row.Id,
            row.Name,
            new PeriodView(row.PeriodFrom, row.PeriodTo),
            c,
            Versions(row),
            row.CreatedAt,
            row.CreatedBy,
            s.Grants,
            AuditViews.FigureOf(s.TotalMinor, s.TotalMinor, c, s.Grants),
            AuditViews.FigureOf(s.PreventionCollectiveMinor, s.TotalMinor, c),
            AuditViews.FigureOf(s.FlexibleMinor, s.TotalMinor, c),
            AuditViews.FigureOf(s.LocalMinor, s.TotalMinor, c),
            AuditViews.FigureOf(s.UnclassifiedMinor, s.TotalMinor, c),
            s.Cells.Select(x => new GetMix.Cell(
                    new Dictionary<string, string> { ["level"] = x.Level, ["purpose"] = x.Purpose },
                    x.AmountMinor,
                    Core.Money.MinorUnits.ToDecimal(x.AmountMinor, c),
                    x.Grants,
                    AuditMaths.Share(x.AmountMinor, s.TotalMinor),
                    0,
                    0
                ))
                .ToList()
        );
    }
}
