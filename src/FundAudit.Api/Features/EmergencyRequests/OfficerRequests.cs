using System.Text.Json;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>GET /api/requests: the funder's requests with each SLA goal's status and time left. No sensitive
/// fields.</summary>
internal static class ListRequests
{
    private static readonly IReadOnlyList<string> OpenStates = Enum.GetValues<RequestState>()
        .Where(RequestStateMachine.IsOpen)
        .Select(s => WireName.Of(s))
        .ToList();

    public sealed record Request
    {
        /// <summary>A fund slug.</summary>
        public string? Fund { get; init; }

        /// <summary>A state (submitted, acknowledged, awaiting_applicant, …).</summary>
        public string? State { get; init; }

        /// <summary>extreme, high or standard.</summary>
        public string? Tier { get; init; }

        /// <summary>at_risk or breached: only open requests whose most pressing goal is so.</summary>
        public string? Sla { get; init; }

        /// <summary>1 to 200 (default 50).</summary>
        public int? Limit { get; init; }

        /// <summary>The <c>next</c> value of the previous page.</summary>
        public long? Cursor { get; init; }

        /// <summary>true: only requests still open (before disbursement, not declined, closed or withdrawn).</summary>
        public bool? Open { get; init; }

        /// <summary>true: only inactive open requests whose personal data is due to be purged
        /// (<c>purgeDueAt</c>).</summary>
        public bool? PurgeDue { get; init; }
    }

    public sealed record Response(IReadOnlyList<RequestSummary> Items, long? Next);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Request request,
        ClaimsPrincipal user,
        [FromServices] FundStore fundStore,
        [FromServices] RequestStore store,
        [FromServices] PurgeStore retention,
        [FromServices] EmergencyOptions options,
        [FromServices] NeedToKnow access,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var visible = await access.VisibleFundsAsync(user, ct); // need-to-know: only the caller's funds
        var funds = (await fundStore.ListAsync(funderId, ct)).Where(f => visible(f.Id)).ToDictionary(f => f.Id);
        long? fundId = null;
        if (request.Fund is not null)
        {
            var fund = funds.Values.FirstOrDefault(f => f.Slug == FundStore.SlugKey(request.Fund));
            if (fund is null)
            {
                return EmergencyProblems.FundNotFound();
            }

            fundId = fund.Id;
        }

        var limit = request.Limit ?? 50;
        var rows = await store.ListAsync(
            funderId,
            fundId,
            request.State?.Trim().ToLowerInvariant(),
            request.Tier?.Trim().ToLowerInvariant(),
            request.Open == true ? OpenStates : null,
            request.Cursor ?? 0,
            limit + 1,
            ct
        );
        var (page, next) = KeysetPage.Of(rows, limit, r => r.Id);
        page = page.Where(r => funds.ContainsKey(r.FundId)).ToList();
        var ids = page.Select(r => r.Id).ToList();
        var timers = await store.TimersAsync(funderId, ids, ct);
        var warnings = await retention.PendingWarningsAsync(funderId, ids, ct);
        var now = clock.GetUtcNow();
        var items = page.Select(r =>
                RequestSummary.From(r, funds[r.FundId], timers[r.Id], now) with
                {
                    PurgeDueAt = warnings.TryGetValue(r.Id, out var at) ? at.AddDays(options.PurgeWarningDays) : null,
                }
            )
            .Where(s => request.Sla is null || s.SlaStatus == request.Sla.Trim().ToLowerInvariant())
            .Where(s => request.PurgeDue != true || s.PurgeDueAt is not null)
            .ToList();
        return TypedResults.Ok(new Response(items, next));
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.State)
                .Must(s => WireName.TryParse<RequestState>(s, out _))
                .When(r => r.State is not null)
                .WithText("Requests_State");
            RuleFor(r => r.Tier)
                .Must(s => WireName.TryParse<UrgencyTier>(s, out _))
                .When(r => r.Tier is not null)
                .WithText("Requests_Urgency");
            RuleFor(r => r.Sla)
                .Must(s => s is "at_risk" or "breached")
                .When(r => r.Sla is not null)
                .WithText("Requests_Sla");
            RuleFor(r => r.Limit).InclusiveBetween(1, 200);
            RuleFor(r => r.Cursor).GreaterThanOrEqualTo(0);
        }
    }
}

/// <summary>GET /api/requests/{reference}: one request with its sensitive fields. Every call is written to the access
/// log.</summary>
internal static class GetRequest
{
    public sealed record Message(string Kind, string? Body, string By, DateTimeOffset At);

    public sealed record Response(
        RequestSummary Request,
        string? Alias,
        ContactDetails? Contact,
        string? Situation,
        string? Endorser,
        string? DeclineReason,
        IReadOnlyList<Message> Messages,
        IReadOnlyList<string> AllowedActions
    );

    /// <param name="reference">The request's reference.</param>
    /// <param name="purpose">Why the sensitive fields are opened, written to the access log: decide (the default),
    /// verify_identity, pay or safety_follow_up.</param>
    /// <param name="user">The caller.</param>
    /// <param name="workflow">Finds the request (need-to-know).</param>
    /// <param name="requests">Its messages and timers.</param>
    /// <param name="access">The access log.</param>
    /// <param name="caseKeys">The case's key: decrypts.</param>
    /// <param name="clock">Now.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        [FromQuery] string? purpose,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        [FromServices] RequestStore requests,
        [FromServices] PaymentStore access,
        [FromServices] CaseKeys caseKeys,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var why = string.IsNullOrWhiteSpace(purpose) ? NeedToKnow.Purposes[0] : purpose.Trim().ToLowerInvariant();
        if (!NeedToKnow.Purposes.Contains(why, StringComparer.Ordinal))
        {
            return TypedResults.Problem(
                title: "Unknown purpose",
                detail: $"purpose must be one of: {string.Join(", ", NeedToKnow.Purposes)}.",
                statusCode: StatusCodes.Status400BadRequest
            );
        }

        var (found, problem) = await workflow.FindForAsync(user, reference, FundNeed.Handle, ct);
        if (found is not var (row, fund))
        {
            return problem!;
        }

        var now = clock.GetUtcNow();
        await access.LogAccessAsync(funderId, row.Id, user.PersonId(), "case", now, ct, why);
        var messages = await requests.MessagesAsync(funderId, row.Id, ct);
        var cipher = await caseKeys.ForAsync(row, ct);
        var contact = cipher.Unprotect(row.ContactProtected, CaseField.Contact) is { } c
            ? JsonSerializer.Deserialize<ContactDetails>(c, JsonSerializerOptions.Web)
            : null;
        var allowed = RequestWorkflow.StaffAllowedActions(
            user,
            RequestWorkflow.ParseState(row.State),
            RequestWorkflow.FactsOf(row, fund)
        );
        return TypedResults.Ok(
            new Response(
                RequestSummary.From(row, fund, await requests.TimersAsync(funderId, row.Id, ct), now),
                cipher.Unprotect(row.AliasProtected, CaseField.Alias),
                contact,
                cipher.Unprotect(row.SituationProtected, CaseField.Situation),
                cipher.Unprotect(row.EndorserProtected, CaseField.Endorser),
                cipher.Unprotect(row.DeclineReasonProtected, CaseField.DeclineReason),
                messages
                    .Select(m => new Message(
                        m.Kind,
                        cipher.Unprotect(m.BodyProtected, CaseField.Message(m.Kind)),
                        m.CreatedBy,
                        m.CreatedAt
                    ))
                    .ToList(),
                allowed.Select(a => WireName.Of(a)).ToList()
            )
        );
    }
}

/// <summary>
/// One request without its sensitive fields, with the actions the caller may take: what the console shows before the
/// officer deliberately opens the case (which <see cref="GetRequest"/> logs). Reading it is not an access to log.
/// </summary>
internal static class GetRequestSummary
{
    public sealed record Response(
        RequestSummary Request,
        IReadOnlyList<string> AllowedActions,
        string FundCurrency,
        decimal MaxAmount
    );

    public static async Task<Response?> HandleAsync(
        string reference,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        CancellationToken ct
    )
    {
        if ((await workflow.FindForAsync(user, reference, FundNeed.See, ct)).Found is not var (row, fund))
        {
            return null;
        }

        var allowed = RequestWorkflow.StaffAllowedActions(
            user,
            RequestWorkflow.ParseState(row.State),
            RequestWorkflow.FactsOf(row, fund)
        );
        return new Response(
            await workflow.SummaryOfAsync(row, fund, ct),
            allowed.Select(a => WireName.Of(a)).ToList(),
            fund.Currency,
            RequestSummary.Money(fund.MaxAmount, fund.Currency)
        );
    }
}

/// <summary>GET /api/requests/{reference}/events: the request's event log (who, what, when).</summary>
internal static class ListRequestEvents
{
    public sealed record Item(
        string Action,
        string FromState,
        string ToState,
        string Actor,
        string Role,
        decimal? Amount,
        DateTimeOffset At
    );

    public sealed record Response(IReadOnlyList<Item> Items);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string reference,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        [FromServices] RequestStore store,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var (found, problem) = await workflow.FindForAsync(user, reference, FundNeed.See, ct);
        if (found is not var (row, fund))
        {
            return problem!;
        }

        var events = await store.EventsAsync(funderId, row.Id, ct);
        return TypedResults.Ok(
            new Response(
                events
                    .Select(e => new Item(
                        e.Command,
                        e.FromState,
                        e.ToState,
                        e.Actor,
                        e.ActorRole,
                        e.Amount is { } a ? RequestSummary.Money(a, fund.Currency) : null,
                        e.OccurredAt
                    ))
                    .ToList()
            )
        );
    }
}
