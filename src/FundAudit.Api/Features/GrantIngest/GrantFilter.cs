using FundAudit.Core.Money;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>The query of a filtered grant endpoint (the list, the export), as its validator checks it.</summary>
internal interface IGrantQuery
{
    /// <summary>Award date on or after.</summary>
    DateOnly? From { get; }

    /// <summary>Award date on or before.</summary>
    DateOnly? To { get; }

    /// <summary>ISO 4217 code.</summary>
    string? Currency { get; }
}

/// <summary>
/// The filters of the grant list (GET /api/grants) and of its CSV export (GET /api/grants/export.csv), already read
/// from the request: null is no condition. The one place that turns them into SQL over the funder's grants (alias
/// <c>g</c>), the LIKE escaping of the text included.
/// </summary>
internal sealed record GrantFilter(
    DateOnly? From,
    DateOnly? To,
    string? Currency,
    string? RecipientCountry,
    string? Text,
    long? ImportId = null
)
{
    /// <summary>The rules of both queries (<see cref="IGrantQuery"/>): a known currency; 'to' not before 'from'.
    /// </summary>
    public static void QueryRules<T>(AbstractValidator<T> v)
        where T : IGrantQuery
    {
        v.RuleFor(r => r.Currency)
            .Must(Currencies.IsKnown)
            .When(r => r.Currency is not null)
            .WithText("Currency_Unknown");
        v.RuleFor(r => r.To)
            .GreaterThanOrEqualTo(r => r.From)
            .When(r => r.From is not null && r.To is not null)
            .WithText("Period_ToBeforeFrom");
    }

    /// <summary>
    /// The list's reading of its query: a blank value is no condition; currency and country are trimmed and
    /// upper-cased, the text trimmed.
    /// </summary>
    public static GrantFilter FromQuery(
        DateOnly? from,
        DateOnly? to,
        string? currency,
        string? recipientCountry,
        string? text
    ) => new(from, to, Code(currency), Code(recipientCountry), string.IsNullOrWhiteSpace(text) ? null : text.Trim());

    /// <summary>
    /// The conditions, funder first, to be joined with AND, and their parameters (FunderId, From, To, Currency,
    /// RecipientCountry, ImportId, Text): the text is a case-insensitive substring of the title, description or
    /// recipient name.
    /// </summary>
    public (List<string> Where, DynamicParameters Parameters) ToSql(long funderId, IDbDialect dialect)
    {
        var where = new List<string> { "g.funder_id = @FunderId" };
        var p = new DynamicParameters();
        p.Add("FunderId", funderId);
        void And(string condition, string parameter, object value)
        {
            where.Add(condition);
            p.Add(parameter, value);
        }

        if (From is { } from)
        {
            And("g.award_date >= @From", "From", from);
        }

        if (To is { } to)
        {
            And("g.award_date <= @To", "To", to);
        }

        if (Currency is not null)
        {
            And("g.currency = @Currency", "Currency", Currency);
        }

        if (RecipientCountry is not null)
        {
            And("upper(g.recipient_country) = @RecipientCountry", "RecipientCountry", RecipientCountry);
        }

        if (ImportId is { } import)
        {
            And("g.import_id = @ImportId", "ImportId", import);
        }

        if (Text is not null)
        {
            var title = dialect.ContainsIgnoreCase("g.title", "Text");
            var description = dialect.ContainsIgnoreCase("g.description", "Text");
            var recipient = dialect.ContainsIgnoreCase("g.recipient_org_name", "Text");
            And($"({title} OR {description} OR {recipient})", "Text", "%" + EscapeLike(Text) + "%");
        }

        return (where, p);
    }

    /// <summary>The text as a literal inside a LIKE pattern whose escape character is a backslash.</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);

    private static string? Code(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();
}
