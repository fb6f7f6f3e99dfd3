using System.Text;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>GET /api/grants: the caller's grants, newest award first, filtered, with keyset pagination.</summary>
internal static class ListGrants
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

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

        /// <summary>Page size, 1 to 500 (default 50).</summary>
        public int? Limit { get; init; }

        /// <summary>The <c>next</c> value of the previous page.</summary>
        public string? Cursor { get; init; }

        /// <summary>Only the grants that this import wrote last (created or changed; grants stored unchanged by a later
        /// import keep the import that wrote them).</summary>
        public long? ImportId { get; init; }
    }

    public sealed record Response(IReadOnlyList<GivingGrant> Items, string? Next);

    public static async Task<Ok<Response>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] GrantStore store,
        CancellationToken ct
    )
    {
        var limit = request.Limit ?? DefaultLimit;
        var after = request.Cursor is null ? ((DateOnly, long)?)null : Cursor.Decode(request.Cursor);
        var filter = GrantFilter.FromQuery(
            request.From,
            request.To,
            request.Currency,
            request.RecipientCountry,
            request.Q
        ) with
        {
            ImportId = request.ImportId,
        };
        var rows = await store.ListAsync(user.FunderId(), filter, after, limit + 1, ct);
        var (page, next) = KeysetPage.Of(rows, limit, r => Cursor.Encode(r.AwardDate, r.Id));
        return TypedResults.Ok(new Response(page.Select(GrantViews.ToView).ToList(), next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Limit).InclusiveBetween(1, MaxLimit);
            GrantFilter.QueryRules(this);
            RuleFor(r => r.Cursor)
                .Must(c => Cursor.Decode(c!) is not null)
                .When(r => r.Cursor is not null)
                .WithText("Grants_Cursor");
            RuleFor(r => r.Q).AtMost(200);
            RuleFor(r => r.ImportId).GreaterThan(0).WithText("Import_Id");
        }
    }

    /// <summary>An opaque cursor: the (award date, id) of the last item of a page.</summary>
    internal static class Cursor
    {
        public static string Encode(DateOnly date, long id) =>
            Convert
                .ToBase64String(Encoding.UTF8.GetBytes($"{date:yyyy-MM-dd}|{id}"))
                .TrimEnd('=')
                .Replace('+', '-')
                .Replace('/', '_');

        public static (DateOnly, long)? Decode(string cursor)
        {
            try
            {
                var b64 = cursor.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
                return
                    parts.Length == 2
                    && DateOnly.TryParseExact(
                        parts[0],
                        "yyyy-MM-dd",
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.None,
                        out var date
                    )
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? (date, id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
