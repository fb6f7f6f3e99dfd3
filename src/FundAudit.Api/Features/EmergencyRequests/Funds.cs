using System.Security.Cryptography;
using FundAudit.Api.Features.Logs;
using FundAudit.Core.Money;
using Microsoft.AspNetCore.WebUtilities;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>A fund as the API shows it (never its webhook secret).</summary>
internal sealed record FundView(
    string Slug,
    string Name,
    string Currency,
    decimal MaxAmount,
    decimal? SecondApprovalThreshold,
    IReadOnlyList<string> Languages,
    SlaSettings Sla,
    string? WebhookUrl,
    DateTimeOffset CreatedAt
)
{
    public static FundView From(FundRow f) =>
        new(
            f.Slug,
            f.Name,
            f.Currency,
            MinorUnits.ToDecimal(f.MaxAmount, f.Currency),
            f.SecondApprovalThreshold is { } t ? MinorUnits.ToDecimal(t, f.Currency) : null,
            f.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries),
            FundPolicies.ToSettings(FundPolicies.Deserialize(f.SlaPolicy)),
            f.WebhookUrl,
            f.CreatedAt
        );
}

/// <summary>POST /api/funds: a rapid-response fund with its public slug, maximum grant, languages and SLA
/// policy.</summary>
internal static class CreateFund
{
    /// <param name="Slug">Public address of the fund's form: lower-case letters, digits and dashes.</param>
    /// <param name="Name">The fund's name.</param>
    /// <param name="Currency">ISO 4217 code of grants from this fund.</param>
    /// <param name="MaxAmount">The largest grant for one request (in the currency's units, e.g. 5000.00).</param>
    /// <param name="SecondApprovalThreshold">Approvals above this amount need a second, different approver (omit: one
    /// approver).</param>
    /// <param name="Languages">Languages the fund answers in (BCP 47 tags).</param>
    /// <param name="Sla">Goals per urgency tier in hours, warning share and calendar; defaults when omitted.</param>
    /// <param name="WebhookUrl">Where SLA warnings and breaches are POSTed (HMAC-signed with a timestamp, no personal
    /// data): an https URL whose host is not a loopback, private, link-local or otherwise internal address.</param>
    public sealed record Request(
        string? Slug,
        string? Name,
        string? Currency,
        decimal? MaxAmount,
        decimal? SecondApprovalThreshold,
        IReadOnlyList<string>? Languages,
        SlaSettings? Sla,
        string? WebhookUrl
    );

    /// <param name="WebhookSecret">The HMAC key of the webhook signatures, shown once.</param>
    /// <param name="Fund">The fund as created.</param>
    public sealed record Response(FundView Fund, string? WebhookSecret);

    public static async Task<Results<Created<Response>, ProblemHttpResult, ValidationProblem>> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        [FromServices] FundStore store,
        [FromServices] SensitiveFields sensitive,
        [FromServices] AdminLog adminLog,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var (policy, errors) = FundPolicies.ToPolicy(request.Sla);
        if (policy is null)
        {
            return FundPolicies.SlaProblem(errors);
        }

        var currency = request.Currency!.Trim().ToUpperInvariant();
        MinorUnits.TryFromDecimal(request.MaxAmount!.Value, currency, out var max);
        if (!TryThresholdMinor(request.SecondApprovalThreshold, currency, out var threshold))
        {
            return ThresholdTooPrecise();
        }

        var secret = request.WebhookUrl is null ? null : NewWebhookSecret();
        var row = new FundRow
        {
            FunderId = user.FunderId(),
            Slug = FundStore.SlugKey(request.Slug!),
            Name = request.Name!.Trim(),
            Currency = currency,
            MaxAmount = max,
            SecondApprovalThreshold = threshold,
            Languages = string.Join(',', (request.Languages ?? []).Select(l => l.Trim()).Where(l => l.Length > 0)),
            SlaPolicy = FundPolicies.Serialize(policy),
            WebhookUrl = request.WebhookUrl,
            WebhookSecretProtected = sensitive.Protect(secret),
            CreatedBy = user.Actor(),
            CreatedAt = clock.GetUtcNow(),
        };
        if (await store.CreateAsync(row, ct) is not { } fundId)
        {
            return ProblemText.Problem(StatusCodes.Status409Conflict, "Title_SlugTaken", "Use_FundSlugTaken");
        }

        await LogCreatedAsync(adminLog, row, fundId, ct);
        return TypedResults.Created($"/api/funds/{row.Slug}", new Response(FundView.From(row), secret));
    }

    /// <summary>Funds live with the rapid-response data (on SQLite another file): the administration log's entry
    /// follows in a transaction of its own on the main database.</summary>
    private static Task LogCreatedAsync(AdminLog adminLog, FundRow row, long fundId, CancellationToken ct) =>
        adminLog.AppendAsync(
            new AdminLogEntry(
                row.FunderId,
                row.CreatedBy,
                AdminActions.FundCreated,
                "fund",
                fundId.ToString(CultureInfo.InvariantCulture)
            ),
            ct
        );

    /// <summary>A new webhook secret: 32 random bytes, base64url (shown once, when the fund gets a webhook URL).
    /// </summary>
    internal static string NewWebhookSecret() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The optional second-approval threshold in minor units; false when it has more decimals than the
    /// currency (<see cref="ThresholdTooPrecise"/>).</summary>
    internal static bool TryThresholdMinor(decimal? amount, string currency, out long? minor)
    {
        minor = null;
        if (amount is not { } a)
        {
            return true;
        }

        var ok = MinorUnits.TryFromDecimal(a, currency, out var m);
        minor = m;
        return ok;
    }

    internal static ProblemHttpResult ThresholdTooPrecise() =>
        EmergencyProblems.Unprocessable(
            "secondApprovalThreshold",
            "The threshold has more decimals than the currency allows."
        );

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(WebhookOptions webhooks)
        {
            WebhookRules(webhooks);
            RuleFor(r => r.Slug)
                .NotEmpty()
                .WithText("Fund_SlugRequired")
                .Matches("^[a-z0-9][a-z0-9-]{1,62}$")
                .WithText("Fund_SlugPattern")
                .NotEqual("new")
                .WithText("Fund_SlugNew");
            RuleFor(r => r.Name).NotEmpty().WithText("Fund_NameRequired").AtMost(200);
            RuleFor(r => r.Currency)
                .NotEmpty()
                .WithText("Fund_CurrencyRequired")
                .Must(c => Currencies.IsKnown(c!.Trim().ToUpperInvariant()))
                .When(r => !string.IsNullOrEmpty(r.Currency), ApplyConditionTo.CurrentValidator)
                .WithText("Currency_Unknown");
            RuleFor(r => r.MaxAmount)
                .NotNull()
                .WithText("Fund_MaxAmountRequired")
                .GreaterThan(0)
                .WithText("Fund_MaxAmountPositive");
            RuleFor(r => r)
                .Must(r => MinorUnits.TryFromDecimal(r.MaxAmount!.Value, r.Currency!.Trim().ToUpperInvariant(), out _))
                .When(r =>
                    r.MaxAmount > 0
                    && r.Currency is not null
                    && Currencies.IsKnown(r.Currency.Trim().ToUpperInvariant())
                )
                .OverridePropertyName("maxAmount")
                .WithText("Amount_Decimals");
            RuleFor(r => r.SecondApprovalThreshold).GreaterThan(0).WithText("Fund_ThresholdPositive");
            RuleFor(r => r.Languages)
                .Must(l => l!.Count <= 20 && l.All(x => x is { Length: > 0 and <= 35 }))
                .When(r => r.Languages is not null)
                .WithText("Fund_Languages");
        }

        /// <summary>
        /// An absolute https URL (http too where Webhooks:AllowHttp is on: Development) whose host is not an address
        /// a webhook may not reach; a name is checked again at each delivery, where it resolves.
        /// </summary>
        private void WebhookRules(WebhookOptions webhooks)
        {
            RuleFor(r => r.WebhookUrl)
                .Must(u =>
                    Uri.TryCreate(u, UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttps || (webhooks.AllowHttp && uri.Scheme == Uri.UriSchemeHttp))
                )
                .When(r => r.WebhookUrl is not null)
                .WithText(webhooks.AllowHttp ? "Fund_WebhookHttp" : "Fund_WebhookHttps")
                .Must(u => !WebhookAddresses.IsRefusedHost(new Uri(u!)))
                .When(
                    r => !webhooks.AllowPrivateAddresses && Uri.TryCreate(r.WebhookUrl, UriKind.Absolute, out _),
                    ApplyConditionTo.CurrentValidator
                )
                .WithText("Fund_WebhookPrivate");
        }
    }
}

/// <summary>GET /api/funds: the funder's funds.</summary>
internal static class ListFunds
{
    public sealed record Response(IReadOnlyList<FundView> Items);

    public static async Task<Ok<Response>> HandleAsync(
        ClaimsPrincipal user,
        [FromServices] FundStore store,
        CancellationToken ct
    ) => TypedResults.Ok(new Response((await store.ListAsync(user.FunderId(), ct)).Select(FundView.From).ToList()));
}
