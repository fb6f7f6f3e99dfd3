using FundAudit.Core.Audit;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit;

/// <summary>PUT /api/audit/field/participation: share (or stop sharing) this funder's mix in the field view.</summary>
internal static class SetFieldParticipation
{
    public sealed record Request(bool? OptIn);

    public sealed record Response(bool OptedIn);

    public static async Task<Ok<Response>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        [FromServices] FieldParticipationStore store,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        await store.SetParticipationAsync(user.FunderId(), request.OptIn!.Value, user.Actor(), clock.GetUtcNow(), ct);
        return TypedResults.Ok(new Response(request.OptIn.Value));
    }

    public static async Task<Ok<Response>> GetAsync(
        ClaimsPrincipal user,
        [FromServices] FieldParticipationStore store,
        CancellationToken ct
    ) => TypedResults.Ok(new Response(await store.IsOptedInAsync(user.FunderId(), ct)));

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.OptIn).NotNull().WithText("FieldView_OptIn");
    }
}

/// <summary>
/// GET /api/audit/field: the level × purpose mix of all opted-in funders together, for opted-in funders only.
/// Protection against disclosure: a cell is shown only when at least Audit:FieldMinFunders (3) funders have grants
/// in it; no median, no grant-level figure; each row and column total and the grand total are the sums of the shown
/// cells only (a total over everything would let a reader subtract the shown cells and recover a suppressed one).
/// Each funder's grants convert with that funder's own rates; a funder whose grants cannot all be converted is left
/// out whole (and counted as such), never partially.
/// </summary>
internal static class GetFieldView
{
    public sealed record Request
    {
        public DateOnly? From { get; init; }

        public DateOnly? To { get; init; }

        public int? FiscalYear { get; init; }

        public string? Currency { get; init; }
    }

    /// <param name="Funders">How many funders have grants in the cell (at least the threshold).</param>
    /// <param name="Level">The cell's level.</param>
    /// <param name="Purpose">The cell's purpose.</param>
    /// <param name="AmountMinor">The cell's money in minor units.</param>
    /// <param name="Amount">The same in major units.</param>
    /// <param name="Share">Percent of the shown total.</param>
    public sealed record Cell(
        string Level,
        string Purpose,
        long AmountMinor,
        decimal Amount,
        decimal Share,
        int Funders
    );

    /// <param name="ShownTotal">The sum of the shown cells (shares are of this).</param>
    /// <param name="SuppressedCells">How many non-empty cells were hidden for combining fewer funders than the
    /// threshold.</param>
    /// <param name="Period">The period.</param>
    /// <param name="Currency">The currency every amount is in.</param>
    /// <param name="MinFunders">The threshold: funders a cell needs to be shown.</param>
    /// <param name="FundersIncluded">Opted-in funders whose grants are counted.</param>
    /// <param name="FundersWithoutRates">Funders left out whole: not all their grants could be converted.</param>
    /// <param name="Cells">The shown cells.</param>
    /// <param name="Levels">Each level's sum of shown cells.</param>
    /// <param name="Purposes">Each purpose's sum of shown cells.</param>
    public sealed record Response(
        PeriodView Period,
        string Currency,
        int MinFunders,
        int FundersIncluded,
        int FundersWithoutRates,
        IReadOnlyList<Cell> Cells,
        Figure ShownTotal,
        IReadOnlyDictionary<string, Figure> Levels,
        IReadOnlyDictionary<string, Figure> Purposes,
        int SuppressedCells
    );

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] FieldParticipationStore participants,
        [FromServices] MixCalculator mix,
        [FromServices] IOptions<AuditOptions> options,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        if (!await participants.IsOptedInAsync(funderId, ct))
        {
            return ProblemText.Problem(StatusCodes.Status403Forbidden, "Title_NotInFieldView", "Use_FieldOptIn");
        }

        var min = Math.Max(3, options.Value.FieldMinFunders);
        var currency = request.Currency!.Trim().ToUpperInvariant();
        var q = new MixQuery(
            AuditViews
                .PeriodOf(request.From, request.To, request.FiscalYear, options.Value.FiscalYearStartMonth)!
                .Value,
            currency,
            ["level", "purpose"],
            null,
            null,
            null,
            null,
            options.Value.FiscalYearStartMonth
        );
        var (converted, withoutRates) = await ConvertAsync(participants, mix, q, ct);
        return TypedResults.Ok(ToResponse(q, currency, min, converted, withoutRates));
    }

    /// <summary>
    /// Each opted-in funder's level × purpose cells, from its own mix (<see cref="MixCalculator"/>: its grants
    /// converted with its own rates, from its snapshot when this instance holds a fresh one); a funder without the
    /// rates it needs is left out and counted.
    /// </summary>
    private static async Task<(
        List<(long Funder, string Level, string Purpose, long Amount)> Converted,
        int WithoutRates
    )> ConvertAsync(FieldParticipationStore participants, MixCalculator mix, MixQuery q, CancellationToken ct)
    {
        var converted = new List<(long Funder, string Level, string Purpose, long Amount)>();
        var withoutRates = 0;
        foreach (var funder in await participants.OptedInAsync(ct))
        {
            var (result, missing) = await mix.ComputeAsync(funder, q, false, ct);
            if (missing is not null)
            {
                withoutRates++;
                continue;
            }

            converted.AddRange(result!.Cells.Select(c => (funder, c.Key["level"], c.Key["purpose"], c.AmountMinor)));
        }

        return (converted, withoutRates);
    }

    /// <summary>The field's cells, those shared by fewer than the minimum of funders suppressed.</summary>
    private static Response ToResponse(
        MixQuery q,
        string currency,
        int min,
        List<(long Funder, string Level, string Purpose, long Amount)> converted,
        int withoutRates
    )
    {
        var cells = converted
            .GroupBy(c => (c.Level, c.Purpose))
            .Select(g =>
                (
                    g.Key.Level,
                    g.Key.Purpose,
                    Amount: g.Sum(x => x.Amount),
                    Funders: g.Select(x => x.Funder).Distinct().Count()
                )
            )
            .ToList();
        var shown = cells.Where(c => c.Funders >= min).ToList();
        var total = shown.Sum(c => c.Amount);
        return new Response(
            new PeriodView(q.Period.From, q.Period.To),
            currency,
            min,
            converted.Select(c => c.Funder).Distinct().Count(),
            withoutRates,
            shown
                .OrderBy(c => Array.IndexOf(MixCalculator.Levels, c.Level))
                .ThenBy(c => Array.IndexOf(MixCalculator.Purposes, c.Purpose))
                .Select(c => new Cell(
                    c.Level,
                    c.Purpose,
                    c.Amount,
                    Core.Money.MinorUnits.ToDecimal(c.Amount, currency),
                    AuditMaths.Share(c.Amount, total),
                    c.Funders
                ))
                .ToList(),
            AuditViews.FigureOf(total, total, currency),
            MixCalculator.Levels.ToDictionary(
                l => l,
                l => AuditViews.FigureOf(shown.Where(c => c.Level == l).Sum(c => c.Amount), total, currency)
            ),
            MixCalculator.Purposes.ToDictionary(
                p => p,
                p => AuditViews.FigureOf(shown.Where(c => c.Purpose == p).Sum(c => c.Amount), total, currency)
            ),
            cells.Count - shown.Count
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            AuditViews.PeriodRules(this, r => r.From, r => r.To, r => r.FiscalYear);
            AuditViews.CurrencyRule(this, r => r.Currency);
        }
    }
}
