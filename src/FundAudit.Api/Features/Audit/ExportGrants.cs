using System.Text;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Core.Audit;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// GET /api/grants/export.csv: the funder's grants with their effective classification (a person's correction wins,
/// source 'manual'), with the filters of GET /api/grants, streamed row by row. Every cell is neutralised against
/// spreadsheet formulas.
/// </summary>
internal static class ExportGrants
{
    public sealed record Request : IGrantQuery
    {
        /// <summary>Award date on or after (YYYY-MM-DD).</summary>
        public DateOnly? From { get; init; }

        /// <summary>Award date on or before (YYYY-MM-DD).</summary>
        public DateOnly? To { get; init; }

        /// <summary>ISO 4217 code.</summary>
        public string? Currency { get; init; }

        /// <summary>Recipient country as stored (code or name, case-insensitive).</summary>
        public string? RecipientCountry { get; init; }

        /// <summary>Text in title, description or recipient name.</summary>
        public string? Q { get; init; }
    }

    private static readonly string[] Header =
    [
        "id",
        "title",
        "recipient",
        "recipient_country",
        "currency",
        "amount",
        "award_date",
        "programme",
        "level",
        "level_source",
        "purpose",
        "purpose_source",
        "flexible",
        "flexible_source",
        "rule_set_version",
    ];

    public static PushStreamHttpResult HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] GrantExportStore store,
        HttpContext http
    )
    {
        var funderId = user.FunderId();
        // The list's filter, read as the export always read it: unlike GET /api/grants (GrantFilter.FromQuery), a
        // blank recipientCountry stays a condition (the country equals the empty string) instead of no condition.
        var filter = new GrantFilter(
            request.From,
            request.To,
            request.Currency?.Trim().ToUpperInvariant(),
            request.RecipientCountry?.Trim().ToUpperInvariant(),
            string.IsNullOrWhiteSpace(request.Q) ? null : request.Q.Trim()
        );
        var ct = http.RequestAborted;
        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                await writer.WriteAsync(CsvCell.Line(Header));
                await foreach (var g in store.ExportAsync(funderId, filter, ct))
                {
                    await writer.WriteAsync(
                        CsvCell.Line([
                            g.Identifier,
                            g.Title,
                            g.RecipientOrgName,
                            g.RecipientCountry,
                            g.Currency,
                            Currencies.IsKnown(g.Currency)
                                ? MinorUnits
                                    .ToDecimal(g.AmountAwarded, g.Currency)
                                    .ToString(CultureInfo.InvariantCulture)
                                : g.AmountAwarded.ToString(CultureInfo.InvariantCulture),
                            g.AwardDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            g.ProgrammeTitle,
                            g.Level,
                            g.LevelSource,
                            g.Purpose,
                            g.PurposeSource,
                            g.Flexible switch
                            {
                                true => "true",
                                false => "false",
                                null => "",
                            },
                            g.FlexibleSource,
                            g.RuleSetVersion,
                        ])
                    );
                }
            },
            "text/csv; charset=utf-8",
            "grants.csv"
        );
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            GrantFilter.QueryRules(this);
            RuleFor(r => r.Q).AtMost(200);
        }
    }
}
