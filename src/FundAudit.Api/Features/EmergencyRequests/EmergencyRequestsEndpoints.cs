using FundAudit.Api.Infrastructure;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Api.Infrastructure.Security;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.EmergencyRequests;

internal static class EmergencyRequestsEndpoints
{
    /// <summary>The form accepts small bodies only: a few short fields.</summary>
    private const long FormBodyLimit = 64 * 1024;

    public static IServiceCollection AddEmergencyRequests(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        services.AddFundAuditDataProtection(configuration);
        services.AddFundAuditRateLimiting(configuration);
        services.AddWebhookClient(configuration);
        services.AddSingleton(configuration.Bound<EmergencyOptions>(EmergencyOptions.Section));
        services.AddSingleton<ServiceSecrets>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton(configuration.Bound<IdempotencyOptions>(IdempotencyOptions.Section));
        services.AddSingleton<IdempotencyClaims>();
        services.AddSingleton<WebhookSender>();
        SlaTimerMapping.Register();
        services.AddSingleton<FundStore>();
        services.AddSingleton<RequestStore>();
        services.AddSingleton<PaymentStore>();
        services.AddSingleton<FundMemberStore>();
        services.AddSingleton<NeedToKnow>();
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<ApplicantStore>();
        services.AddSingleton<SlaOutboxStore>();
        services.AddSingleton<PurgeStore>();
        services.AddSingleton<FundMetricsStore>();
        services.AddSingleton<FundMetrics>();
        services.AddSingleton<SensitiveFields>();
        services.AddSingleton<CaseKeys>();
        services.AddSingleton<ShredStore>();
        services.AddSingleton<LegacyFieldMigration>();
        services.AddHostedService<LegacyFieldMigrationAtStart>();
        services.AddSingleton<CaseCodeHasher>();
        services.AddSingleton<CaseLookup>();
        services.AddSingleton<ApplicantCaseReader>();
        services.AddSingleton<RequestIntake>();
        services.AddSingleton<RequestWorkflow>();
        services.AddSingleton<EmergencyRequestsUseCases>();
        services.AddEmergencyJobs();
        services.AddHostedService<RapidResponseWarmUp>();

        services.AddScoped<IValidator<CreateFund.Request>, CreateFund.Validator>();
        services.AddScoped<IValidator<SubmitRequest.Request>, SubmitRequest.Validator>();
        services.AddScoped<IValidator<CheckRequestStatus.Request>, CheckRequestStatus.Validator>();
        services.AddScoped<IValidator<AnswerQuestion.Request>, AnswerQuestion.Validator>();
        services.AddScoped<IValidator<WithdrawRequest.Request>, WithdrawRequest.Validator>();
        services.AddScoped<IValidator<ListRequests.Request>, ListRequests.Validator>();
        services.AddScoped<IValidator<Decisions.VersionedRequest>, Decisions.VersionValidator>();
        services.AddScoped<IValidator<Decisions.AskRequest>, AskApplicant.Validator>();
        services.AddScoped<IValidator<Decisions.ApproveRequest>, ApproveRequest.Validator>();
        services.AddScoped<IValidator<Decisions.DeclineRequest>, DeclineRequest.Validator>();
        services.AddScoped<IValidator<RecordPaymentDetails.Request>, RecordPaymentDetails.Validator>();
        services.AddScoped<IValidator<RecordDisbursement.Request>, RecordDisbursement.Validator>();
        services.AddScoped<IValidator<GetFundMetrics.Request>, GetFundMetrics.Validator>();
        services.AddScoped<IValidator<ShredCase.Request>, ShredCase.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapEmergencyRequests(this IEndpointRouteBuilder app)
    {
        MapFunds(app);
        MapIntake(app);
        MapRequests(app);
        return app;
    }

    private static void MapFunds(IEndpointRouteBuilder app)
    {
        var funds = app.MapGroup("/api/funds").WithTags("Rapid response").RequireAuthorization(Policies.RapidResponse);
        funds
            .MapPost("/", CreateFund.HandleAsync)
            .WithName("CreateFund")
            .WithSummary(
                "Create a rapid-response fund with its maximum grant, languages and SLA policy (the webhook "
                    + "secret is shown once)"
            )
            .RequireAuthorization(Policies.Admin)
            .WithValidation<CreateFund.Request>(Status409Conflict);
        funds.MapGet("/", ListFunds.HandleAsync).WithName("ListFunds").WithSummary("The funder's rapid-response funds");
        funds
            .MapPut("/{slug}", UpdateFund.HandleAsync)
            .WithName("UpdateFund")
            .WithSummary(
                "Change a fund's name, maximum grant, threshold, languages, SLA policy and webhook (the body of "
                    + "CreateFund; slug and currency stay)"
            )
            .RequireAuthorization(Policies.Admin)
            .WithValidation<CreateFund.Request>(Status404NotFound, Status422UnprocessableEntity);
        funds
            .MapGet("/{slug}/metrics", GetFundMetrics.HandleAsync)
            .WithName("GetFundMetrics")
            .WithSummary(
                "Response times from the event log: median, 90th percentile and share within goal; open at "
                    + "risk and breached"
            )
            .RequireAuthorization(Policies.Officer)
            .WithValidation<GetFundMetrics.Request>(Status404NotFound);
        MapMembers(funds);
    }

    /// <summary>Need-to-know: the fund's members (admin).</summary>
    private static void MapMembers(RouteGroupBuilder funds)
    {
        funds
            .MapGet("/{slug}/members", FundMembers.ListAsync)
            .WithName("ListFundMembers")
            .WithSummary("The fund's members: the officers and finance people who see and handle its requests")
            .RequireAuthorization(Policies.Admin)
            .ProducesProblem(Status404NotFound);
        funds
            .MapPut("/{slug}/members/{personId:long}", FundMembers.AddAsync)
            .WithName("AddFundMember")
            .WithSummary("Make an officer or finance person a member of the fund")
            .RequireAuthorization(Policies.Admin)
            .RequireKeyStepUp()
            .ProducesProblems(Status404NotFound, Status422UnprocessableEntity);
        funds
            .MapDelete("/{slug}/members/{personId:long}", FundMembers.RemoveAsync)
            .WithName("RemoveFundMember")
            .WithSummary("Remove a member from the fund")
            .RequireAuthorization(Policies.Admin)
            .RequireKeyStepUp()
            .ProducesProblem(Status404NotFound);
    }

    /// <summary>Anonymous: the defender's form and the case-code endpoints. Rate limited per client address.</summary>
    private static void MapIntake(IEndpointRouteBuilder app)
    {
        var intake = app.MapGroup("/api")
            .WithTags("Rapid response (applicants)")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimiting.PublicPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(FormBodyLimit));
        intake
            .MapPost("/funds/{slug}/requests", SubmitRequest.HandleAsync)
            .WithName("SubmitEmergencyRequest")
            .WithSummary(
                "Anonymous: ask a fund for emergency support; answers the reference and the case code (shown " + "once)"
            )
            .WithDescription(
                "Send an Idempotency-Key header to make retries safe: the same key and body answer the "
                    + "first 201 (kept at least 24 hours); the same key with another body answers 422; the same key "
                    + "while the first request is still being processed answers 409 with Retry-After."
            )
            .WithValidation<SubmitRequest.Request>(Status404NotFound, Status409Conflict, Status422UnprocessableEntity)
            .ProducesIntakeProblems();
        intake
            .MapPost("/requests/status", CheckRequestStatus.HandleAsync)
            .WithName("CheckEmergencyRequestStatus")
            .WithSummary(
                "Anonymous: the request's coarse status and any question from the fund, for the holder of "
                    + "the case code"
            )
            .WithValidation<CheckRequestStatus.Request>(Status404NotFound)
            .ProducesIntakeProblems();
        intake
            .MapPost("/requests/answer", AnswerQuestion.HandleAsync)
            .WithName("AnswerEmergencyRequestQuestion")
            .WithSummary("Anonymous: answer the fund's question with the case code (the decision clock resumes)")
            .WithValidation<AnswerQuestion.Request>(Status404NotFound, Status409Conflict)
            .ProducesIntakeProblems();
        intake
            .MapPost("/requests/withdraw", WithdrawRequest.HandleAsync)
            .WithName("WithdrawEmergencyRequest")
            .WithSummary("Anonymous: withdraw the request with the case code (before the money is sent)")
            .WithValidation<WithdrawRequest.Request>(Status404NotFound, Status409Conflict)
            .ProducesIntakeProblems();
    }

    /// <summary>What every anonymous intake endpoint may also answer: 429 (its client address's rate limit) and 503
    /// (a busy database, with Retry-After).</summary>
    private static RouteHandlerBuilder ProducesIntakeProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblems(Status429TooManyRequests, Status503ServiceUnavailable);

    private static void MapRequests(IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/requests")
            .WithTags("Rapid response")
            .RequireAuthorization(Policies.RapidResponse);
        MapRequestReads(requests);
        MapDecisions(requests);
        MapPayments(requests);
    }

    /// <summary>The list, one request and its event log.</summary>
    private static void MapRequestReads(RouteGroupBuilder requests)
    {
        requests
            .MapGet("/", ListRequests.HandleAsync)
            .WithName("ListEmergencyRequests")
            .WithSummary("Requests with each SLA goal's status and time left; filter by fund, state, tier, SLA status")
            .WithValidation<ListRequests.Request>();
        requests
            .MapGet("/{reference}", GetRequest.HandleAsync)
            .WithName("GetEmergencyRequest")
            .WithSummary(
                "One request with its sensitive fields, for members of its fund (each read is written to the access "
                    + "log with its purpose)"
            )
            .ProducesProblem(Status400BadRequest)
            .RequireAuthorization(Policies.Officer)
            .RequireKeySwitch()
            .ProducesProblem(Status404NotFound);
        requests
            .MapPut("/{reference}/assignee", AssignRequest.HandleAsync)
            .WithName("AssignEmergencyRequest")
            .WithSummary("Assign the request to an officer who is a member of its fund (null clears it)")
            .RequireAuthorization(Policies.Officer)
            .ProducesProblems(Status403Forbidden, Status404NotFound, Status422UnprocessableEntity);
        requests
            .MapGet("/{reference}/events", ListRequestEvents.HandleAsync)
            .WithName("ListEmergencyRequestEvents")
            .WithSummary("The request's event log: who did what, when")
            .ProducesProblem(Status404NotFound);
        requests
            .MapPost("/{reference}/shred", ShredCase.HandleAsync)
            .WithName("ShredEmergencyRequest")
            .WithSummary(
                "Admin: shred the case (its key is destroyed: every sensitive field is unreadable at once, in backups "
                    + "too; statistics stay)"
            )
            .RequireAuthorization(Policies.ShredCase)
            .RequireKeySwitch()
            .WithValidation<ShredCase.Request>(Status404NotFound);
    }

    /// <summary>The officers' transitions: acknowledge, ask, approve, decline, close.</summary>
    private static void MapDecisions(RouteGroupBuilder requests)
    {
        MapDecision<Decisions.VersionedRequest>(
            requests.MapPost(
                "/{reference}/acknowledge",
                StaffTransition<AcknowledgeRequest, Decisions.VersionedRequest>.HandleAsync
            ),
            "AcknowledgeEmergencyRequest",
            "Acknowledge the request (stops the time-to-acknowledge clock)"
        );
        MapDecision<Decisions.AskRequest>(
            requests.MapPost("/{reference}/questions", StaffTransition<AskApplicant, Decisions.AskRequest>.HandleAsync),
            "AskEmergencyRequestQuestion",
            "Ask the applicant for information (pauses the decision clock until the answer)"
        );
        MapDecision<Decisions.ApproveRequest>(
                requests.MapPost(
                    "/{reference}/approve",
                    StaffTransition<ApproveRequest, Decisions.ApproveRequest>.HandleAsync
                ),
                "ApproveEmergencyRequest",
                "Approve an amount up to the fund's maximum (above its threshold a second, different person confirms)"
            )
            .RequireKeySwitch();
        MapDecision<Decisions.DeclineRequest>(
                requests.MapPost(
                    "/{reference}/decline",
                    StaffTransition<DeclineRequest, Decisions.DeclineRequest>.HandleAsync
                ),
                "DeclineEmergencyRequest",
                "Decline the request with a reason"
            )
            .RequireKeySwitch();
        MapDecision<Decisions.VersionedRequest>(
            requests.MapPost(
                "/{reference}/close",
                StaffTransition<CloseRequest, Decisions.VersionedRequest>.HandleAsync
            ),
            "CloseEmergencyRequest",
            "Close a disbursed, declined or withdrawn case (personal data is purged later)"
        );
    }

    /// <summary>One officer's decision: a POST run by <see cref="StaffTransition{TTransition, TBody}"/>.</summary>
    /// <param name="decision">The POST as mapped at the call site, where the request delegate generator sees its
    /// handler.</param>
    /// <param name="name">The operation id.</param>
    /// <param name="summary">The one-line summary.</param>
    private static RouteHandlerBuilder MapDecision<TBody>(RouteHandlerBuilder decision, string name, string summary)
        where TBody : IVersionedBody =>
        MapTransition(
            decision.WithName(name).WithSummary(summary).RequireAuthorization(Policies.Officer).WithValidation<TBody>()
        );

    /// <summary>Payment details and the disbursement.</summary>
    private static void MapPayments(RouteGroupBuilder requests)
    {
        MapTransition(
            requests
                .MapPut(
                    "/{reference}/payment-details",
                    StaffTransition<RecordPaymentDetails, RecordPaymentDetails.Request>.HandleAsync
                )
                .WithName("RecordEmergencyPaymentDetails")
                .WithSummary("Record how to pay, once approved (a separate encrypted record)")
                .WithValidation<RecordPaymentDetails.Request>()
                .RequireKeySwitch()
        );
        requests
            .MapGet("/{reference}/payment-details", GetPaymentDetails.HandleAsync)
            .WithName("GetEmergencyPaymentDetails")
            .WithSummary("Read the payment details (written to the access log)")
            .RequireKeySwitch()
            .ProducesProblem(Status404NotFound);
        MapTransition(
            requests
                .MapPost("/{reference}/disbursement", RecordDisbursement.HandleAsync)
                .WithName("RecordEmergencyDisbursement")
                .WithSummary(
                    "Finance: record the disbursement (Idempotency-Key required; one per request; not by an "
                        + "approver)"
                )
                .RequireAuthorization(Policies.Finance)
                .WithValidation<RecordDisbursement.Request>()
                .RequireKeySwitch()
        );
    }

    private static RouteHandlerBuilder MapTransition(RouteHandlerBuilder builder) =>
        builder.ProducesProblems(Status404NotFound, Status409Conflict, Status422UnprocessableEntity);
}
