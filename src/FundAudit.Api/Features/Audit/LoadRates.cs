using System.Text;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// POST /api/audit/rates: loads exchange rates from CSV (the ECB history as published, or
/// date,currency,rate_to_base,base).
/// Rates belong to the funder that loads them: the funder answers for the rates of its own reports. The file is all
/// or nothing: any bad cell is a 400 naming its row and column, and nothing is stored.
/// </summary>
internal static class LoadRates
{
    public sealed record Response(
        string Layout,
        int Loaded,
        IReadOnlyList<string> Currencies,
        IReadOnlyList<string> Bases,
        DateOnly? First,
        DateOnly? Last
    );

    public sealed record Series(string Base, string Currency, long Rates, DateOnly First, DateOnly Last);

    public static async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http,
        ClaimsPrincipal user,
        [FromServices] RateStore store,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        if (
            http.ContentType is { } type
            && !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
        )
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported " + "media type",
                detail: "Send the rates as text/csv."
            );
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);
        var parsed = RatesCsv.Parse(new StringReader(text));
        if (parsed.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                parsed
                    .Errors.GroupBy(e => $"row {e.Row}" + (e.Column.Length > 0 ? $", column {e.Column}" : ""))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The rates file is not valid; nothing was stored."
            );
        }

        if (parsed.Rates.Count == 0)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["row 2"] = ["The file has no " + "rates."] },
                title: "The rates file is not valid; nothing was stored."
            );
        }

        await store.StoreRatesAsync(user.FunderId(), parsed.Rates, clock.GetUtcNow(), ct);
        return TypedResults.Ok(
            new Response(
                parsed.Layout,
                parsed.Rates.Count,
                parsed.Rates.Select(r => r.Currency).Distinct().Order(StringComparer.Ordinal).ToList(),
                parsed.Rates.Select(r => r.Base).Distinct().Order(StringComparer.Ordinal).ToList(),
                parsed.Rates.Min(r => r.Date),
                parsed.Rates.Max(r => r.Date)
            )
        );
    }

    /// <summary>GET /api/audit/rates: the funder's rate series (base, currency, how many, first and last
    /// date).</summary>
    public static async Task<Ok<IReadOnlyList<Series>>> ListAsync(
        ClaimsPrincipal user,
        [FromServices] RateStore store,
        CancellationToken ct
    ) =>
        TypedResults.Ok<IReadOnlyList<Series>>(
            (await store.RateSeriesAsync(user.FunderId(), ct))
                .Select(s => new Series(s.Base, s.Currency, s.Rates, s.First, s.Last))
                .ToList()
        );
}
