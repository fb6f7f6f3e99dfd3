using System.Security.Cryptography;
using System.Text.Json;
using FundAudit.Core.EmergencyRequests;
using FundAudit.Core.Geography;
using FundAudit.Core.Money;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>How to reach the applicant safely.</summary>
/// <param name="Channel">signal, whatsapp, email, phone or trusted-organisation.</param>
/// <param name="Handle">The number, address or organisation to use.</param>
internal sealed record ContactDetails(string? Channel, string? Handle);

/// <summary>
/// POST /api/funds/{slug}/requests, anonymous: the minimal emergency form. Field names are fixed. Answers 201 with the
/// public reference and the case code, shown once (only its HMAC is stored). Idempotency-Key makes retries safe.
/// </summary>
internal static class SubmitRequest
{
    public static readonly string[] Channels = ["signal", "whatsapp", "email", "phone", "trusted-organisation"];
    public static readonly string[] Needs =
    [
        "relocation",
        "legal",
        "medical",
        "security",
        "digital",
        "subsistence",
        "other",
    ];

    /// <param name="Alias">A name to call the applicant by (not a legal name).</param>
    /// <param name="Contact">How to reach the applicant safely.</param>
    /// <param name="Country">ISO code or name of the country.</param>
    /// <param name="Urgency">extreme, high or standard.</param>
    /// <param name="Situation">What happened, in a few lines.</param>
    /// <param name="Need">relocation, legal, medical, security, digital, subsistence or other.</param>
    /// <param name="Amount">The amount asked for, in the currency's units.</param>
    /// <param name="Currency">ISO 4217 code.</param>
    /// <param name="Language">The language to answer in (e.g. es, fr, pt-BR).</param>
    /// <param name="Endorser">Optional: a person or organisation who can vouch for the applicant.</param>
    public sealed record Request(
        string? Alias,
        ContactDetails? Contact,
        string? Country,
        string? Urgency,
        string? Situation,
        string? Need,
        decimal? Amount,
        string? Currency,
        string? Language,
        string? Endorser
    );

    /// <param name="Reference">The public reference of the request (not a secret).</param>
    /// <param name="CaseCode">The applicant's only key to the request: shown once, keep it safe.</param>
    /// <param name="Status">Coarse status, as <c>POST /api/requests/status</c> answers it.</param>
    /// <param name="SubmittedAt">When the request was received.</param>
    public sealed record Response(string Reference, string CaseCode, string Status, DateTimeOffset SubmittedAt);

    /// <summary>How a request is serialised for its idempotency hash and its stored first answer.</summary>
    public static readonly JsonSerializerOptions HashJson = new(JsonSerializerDefaults.Web);

    public static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        string slug,
        Request request,
        HttpContext http,
        [FromServices] RequestIntake intake,
        CancellationToken ct
    )
    {
        var result = await intake.SubmitAsync(slug, request, http.Request.Headers[IdempotencyStore.Header], ct);
        IdempotencyClaims.SetRetryAfter(http, result.Result);
        return result;
    }

    /// <summary>The first answer to this idempotency key, or a 422 when the key came with another request.</summary>
    public static async Task<Results<Created<Response>, ProblemHttpResult>?> ReplayAsync(
        IdempotencyStore idempotency,
        string scope,
        string key,
        string requestHash,
        CancellationToken ct
    )
    {
        var stored = await idempotency.FindAsync(scope, key, ct);
        if (stored is null)
        {
            return null;
        }

        if (stored.RequestHash != requestHash)
        {
            return EmergencyProblems.Unprocessable(
                IdempotencyStore.Header,
                "This Idempotency-Key was used with a different request. Use a new key for a new request."
            );
        }

        return TypedResults.Created((string?)null, JsonSerializer.Deserialize<Response>(stored.Body, HashJson)!);
    }

    /// <summary>Field names are the JSON names; messages never repeat what was typed.</summary>
    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(EmergencyOptions options)
        {
            RuleFor(r => r.Alias).RequiredText("Applicant_AliasRequired", 100);
            ContactRules();
            CaseRules(options);
            MoneyRules();
            // A language tag only: the language is stored in clear and shown in every admin's summary, so it must not
            // carry 35 characters of whatever the caller typed (a name, a telephone number).
            RuleFor(r => r.Language)
                .RequiredText("Applicant_LanguageRequired", 35)
                .Must(l => string.IsNullOrWhiteSpace(l) || IsLanguageTag(l.Trim()))
                .WithText("Applicant_Language");
            RuleFor(r => r.Endorser).AtMost(200);
        }

        /// <summary>A BCP 47 tag as the pages send one (es, pt-BR, zh-Hant-TW): a language of two or three letters,
        /// then at most three subtags of letters and digits.</summary>
        private static bool IsLanguageTag(string tag)
        {
            var parts = tag.Split('-');
            return parts.Length <= 4
                && parts[0].Length is 2 or 3
                && parts[0].All(char.IsAsciiLetter)
                && parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
        }

        /// <summary>The contact channel and handle.</summary>
        private void ContactRules()
        {
            RuleFor(r => r.Contact).NotNull().WithMessage("A contact channel and handle are required.");
            RuleFor(r => r.Contact!.Channel)
                .NotEmpty()
                .OverridePropertyName("contact.channel")
                .WithMessage("A contact channel is required.")
                .Must(c => Channels.Contains(c!.Trim().ToLowerInvariant()))
                .OverridePropertyName("contact.channel")
                .WithMessage($"One of: {string.Join(", ", Channels)}.")
                .When(r => r.Contact is not null);
            RuleFor(r => r.Contact!.Handle)
                .NotEmpty()
                .OverridePropertyName("contact.handle")
                .WithMessage("A contact handle is required.")
                .MaximumLength(200)
                .OverridePropertyName("contact.handle")
                .WithMessage("At most 200 characters.")
                .When(r => r.Contact is not null);
        }

        /// <summary>Where, how urgent, what happened and what is needed.</summary>
        private void CaseRules(EmergencyOptions options)
        {
            RuleFor(r => r.Country)
                .NotEmpty()
                .WithMessage("A country is required.")
                .Must(c => Countries.TryResolve(c, out _))
                .When(r => !string.IsNullOrWhiteSpace(r.Country), ApplyConditionTo.CurrentValidator)
                .WithMessage("Not a known country: give an ISO code (e.g. HN) or the country's name.");
            RuleFor(r => r.Urgency)
                .NotEmpty()
                .WithMessage("An urgency is required.")
                .Must(u => WireName.TryParse<UrgencyTier>(u, out _))
                .When(r => !string.IsNullOrWhiteSpace(r.Urgency), ApplyConditionTo.CurrentValidator)
                .WithMessage("One of: extreme, high, standard.");
            RuleFor(r => r.Situation)
                .NotEmpty()
                .WithMessage("Say briefly what happened.")
                .MaximumLength(options.MaxSituationLength)
                .WithMessage($"At most {options.MaxSituationLength} " + $"characters.");
            RuleFor(r => r.Need)
                .NotEmpty()
                .WithMessage("A need is required.")
                .Must(n => Needs.Contains(n!.Trim().ToLowerInvariant()))
                .When(r => !string.IsNullOrWhiteSpace(r.Need), ApplyConditionTo.CurrentValidator)
                .WithMessage($"One of: {string.Join(", ", Needs)}.");
        }

        /// <summary>The currency and the amount, whose decimals the currency must allow.</summary>
        private void MoneyRules()
        {
            RuleFor(r => r.Currency)
                .NotEmpty()
                .WithMessage("A currency is required.")
                .Must(c => Currencies.IsKnown(c!.Trim().ToUpperInvariant()))
                .When(r => !string.IsNullOrWhiteSpace(r.Currency), ApplyConditionTo.CurrentValidator)
                .WithMessage("Not an ISO 4217 currency code.");
            RuleFor(r => r.Amount)
                .NotNull()
                .WithMessage("An amount is required.")
                .GreaterThan(0)
                .WithMessage("The amount must be more than zero.");
            RuleFor(r => r)
                .Must(r => MinorUnits.TryFromDecimal(r.Amount!.Value, r.Currency!.Trim().ToUpperInvariant(), out _))
                .When(r =>
                    r.Amount > 0 && r.Currency is not null && Currencies.IsKnown(r.Currency.Trim().ToUpperInvariant())
                )
                .OverridePropertyName("amount")
                .WithMessage("The amount has more decimals than the currency allows.");
        }
    }
}

/// <summary>
/// The intake itself, for the API and the defender's HTML form (whose hidden submission key is the idempotency key):
/// stores the request with its timers and first event and, in the same transaction, the first answer to its key.
/// </summary>
internal sealed class RequestIntake(
    ApplicantStore applicants,
    RequestStore requests,
    CaseKeys caseKeys,
    CaseCodeHasher hasher,
    IdempotencyStore idempotency,
    IdempotencyClaims claims,
    TimeProvider clock
)
{
    private static Results<Created<SubmitRequest.Response>, ProblemHttpResult> OtherRequest() =>
        EmergencyProblems.Unprocessable(
            IdempotencyStore.Header,
            "This Idempotency-Key was used with a different request. Use a new key for a new request."
        );

    public async Task<Results<Created<SubmitRequest.Response>, ProblemHttpResult>> SubmitAsync(
        string slug,
        SubmitRequest.Request request,
        string? key,
        CancellationToken ct
    )
    {
        var fund = await applicants.FindFundAsync(slug, ct);
        if (fund is null)
        {
            return EmergencyProblems.FundNotFound();
        }

        var scope = $"intake:{fund.Id}";
        var requestHash = IdempotencyStore.Hash(JsonSerializer.Serialize(request, SubmitRequest.HashJson));
        if (key is not null)
        {
            if (key.Length is 0 or > IdempotencyStore.MaxKeyLength)
            {
                return EmergencyProblems.Unprocessable(
                    IdempotencyStore.Header,
                    $"The Idempotency-Key must be 1 to {IdempotencyStore.MaxKeyLength} characters."
                );
            }

            // The fingerprint is the body's hash; the route is in the scope (this fund's form).
            return await claims.RunAsync(
                scope,
                key,
                requestHash,
                () => SubmitRequest.ReplayAsync(idempotency, scope, key, requestHash, ct),
                () => CreateAsync(fund, request, (scope, key, requestHash), ct),
                () => OtherRequest(),
                inProgress => inProgress,
                ct
            );
        }

        return await CreateAsync(fund, request, null, ct);
    }

    /// <summary>Stores the request under a fresh reference and case code (again, should a reference collide).</summary>
    private async Task<Results<Created<SubmitRequest.Response>, ProblemHttpResult>> CreateAsync(
        FundRow fund,
        SubmitRequest.Request request,
        (string Scope, string Key, string RequestHash)? idempotent,
        CancellationToken ct
    )
    {
        var tier = WireName.TryParse<UrgencyTier>(request.Urgency, out var t) ? t : UrgencyTier.Standard;
        var now = clock.GetUtcNow();
        var timers = SlaClock.Begin(FundPolicies.Deserialize(fund.SlaPolicy), tier, now);
        for (var attempt = 0; ; attempt++)
        {
            var code = CaseCode.Generate();
            var (row, keyProtected) = await NewRowAsync(fund, request, tier, code, now, ct);
            var response = new SubmitRequest.Response(
                row.Reference,
                code.ToString(),
                ApplicantStatus.Of(RequestState.Submitted),
                row.SubmittedAt
            );
            var submitted = SubmittedEvent(row);
            try
            {
                await requests.CreateAsync(
                    row,
                    timers,
                    submitted,
                    async (connection, tx, id) =>
                    {
                        await CaseKeys.StoreAsync(tx, row.FunderId, id, row.Reference, keyProtected, now, ct);
                        if (idempotent is var (s, k, h))
                        {
                            await idempotency.SaveAsync(
                                connection,
                                tx,
                                s,
                                k,
                                h,
                                StatusCodes.Status201Created,
                                JsonSerializer.Serialize(response, SubmitRequest.HashJson),
                                row.SubmittedAt,
                                ct
                            );
                        }
                    },
                    ct
                );
                return TypedResults.Created((string?)null, response);
            }
            catch (Exception ex) when (requests.Dialect.IsUniqueViolation(ex) && attempt < 3)
            {
                // A concurrent retry with the same key won: answer what it answered. Otherwise a reference collided:
                // try again.
                if (idempotent is var (s, k, h) && await SubmitRequest.ReplayAsync(idempotency, s, k, h, ct) is { } r)
                {
                    return r;
                }
            }
        }
    }

    private static EventRow SubmittedEvent(RequestRow row) =>
        new()
        {
            Command = "submit",
            FromState = row.State,
            ToState = row.State,
            Actor = "applicant:" + row.Reference,
            ActorRole = "applicant",
            OccurredAt = row.SubmittedAt,
        };

    private async Task<(RequestRow Row, string KeyProtected)> NewRowAsync(
        FundRow fund,
        SubmitRequest.Request request,
        UrgencyTier tier,
        CaseCode code,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var currency = request.Currency!.Trim().ToUpperInvariant();
        MinorUnits.TryFromDecimal(request.Amount!.Value, currency, out var amount);
        Countries.TryResolve(request.Country, out var country);
        var contact = new ContactDetails(
            request.Contact!.Channel!.Trim().ToLowerInvariant(),
            request.Contact.Handle!.Trim()
        );
        var reference =
            "RR-"
            + RandomNumberGenerator.GetString(CaseCode.Alphabet, 4)
            + "-"
            + RandomNumberGenerator.GetString(CaseCode.Alphabet, 4);
        var (cipher, keyProtected) = caseKeys.Create(reference);
        var row = new RequestRow
        {
            FunderId = fund.FunderId,
            FundId = fund.Id,
            Reference = reference,
            CaseCodeHash = await hasher.HashAsync(code, ct),
            State = WireName.Of(RequestState.Submitted),
            Tier = WireName.Of(tier),
            Need = request.Need!.Trim().ToLowerInvariant(),
            Country = country!.Alpha2,
            Language = request.Language!.Trim(),
            AmountRequested = amount,
            Currency = currency,
            Version = 1,
            AliasProtected = cipher.Protect(request.Alias!.Trim(), CaseField.Alias),
            ContactProtected = cipher.Protect(
                JsonSerializer.Serialize(contact, SubmitRequest.HashJson),
                CaseField.Contact
            ),
            SituationProtected = cipher.Protect(request.Situation!.Trim(), CaseField.Situation),
            EndorserProtected = cipher.Protect(
                string.IsNullOrWhiteSpace(request.Endorser) ? null : request.Endorser.Trim(),
                CaseField.Endorser
            ),
            SubmittedAt = now,
        };
        return (row, keyProtected);
    }
}
