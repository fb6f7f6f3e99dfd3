using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The funds page: the funder's funds, or one fund's form (<see cref="Form"/>, <see cref="Slug"/> null for a new
/// fund); <see cref="Saved"/> and <see cref="Secret"/> after a save (the webhook secret is shown once).
/// </summary>
internal sealed record FundsPageData(
    IReadOnlyList<FundView> Funds,
    FormState? Form,
    string? Slug,
    FundView? Saved = null,
    string? Secret = null
);

/// <summary>
/// The admins' funds pages at <c>/app/funds</c>: the list, a new fund's form and a fund's edit form. A form saves
/// through the API's own use cases (<see cref="CreateFund"/>, <see cref="UpdateFund"/>) after the API's validator
/// (<see cref="CreateFund.Validator"/>, so the webhook URL rules are the API's): bad input shows the form again with
/// each problem beside its field and stores nothing; the administration log records fund.created / fund.updated as
/// the API does. Every save needs a recent second factor (step-up): it may change the webhook or the threshold.
/// </summary>
internal static class ConsoleFunds
{
    public static void MapConsoleFunds(this RouteGroupBuilder console)
    {
        var funds = console.MapGroup("/funds").RequireConsoleAdmin();
        funds.MapGet("/", ListAsync).WithName("ConsoleFundsPage");
        funds.MapGet("/new", New).WithName("ConsoleNewFundPage");
        funds.MapGet("/{slug}", EditAsync).WithName("ConsoleFundPage");
        var forms = funds.MapForms().RequireStepUp();
        forms.MapPost("/", CreateAsync).WithName("ConsoleCreateFund");
        forms.MapPost("/{slug}", UpdateAsync).WithName("ConsoleUpdateFund");
    }

    public static async Task<IResult> ListAsync(
        HttpContext http,
        [FromServices] EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    ) =>
        Render(
            http,
            ConsoleText.T("Funds_Title"),
            new FundsPageData(await rapidResponse.ListFundsAsync(http.User, ct), null, null)
        );

    public static IResult New(HttpContext http) =>
        Render(http, ConsoleText.T("Funds_New"), new FundsPageData([], FundForm.Of(FundForm.Defaults), null));

    public static async Task<IResult> EditAsync(
        HttpContext http,
        string slug,
        [FromServices] EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    )
    {
        if (await rapidResponse.FindFundAsync(http.User, slug, ct) is not { } fund)
        {
            return NotFound(http);
        }

        var form = FundForm.Of(FundForm.Values(fund));
        return Render(http, ConsoleText.T("Fund_Heading", fund.Name), new FundsPageData([], form, fund.Slug));
    }

    public static async Task<IResult> CreateAsync(HttpContext http, [AsParameters] FundServices s, CancellationToken ct)
    {
        var (form, request) = await ReadAsync(http, s, null, ct);
        if (!form.IsValid || request is null)
        {
            return Refused(http, form, null);
        }

        var result = await s.RapidResponse.CreateFundAsync(request, http.User, ct);
        if (result.Result is Created<CreateFund.Response> { Value: { } created })
        {
            return await SavedAsync(http, s, created, ct);
        }

        return result.Result switch
        {
            ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } => Refused(
                http,
                form.With("slug", ConsoleText.T("Fund_SlugTaken")),
                null
            ),
            var other => Refused(http, Problems(form, other), null),
        };
    }

    public static async Task<IResult> UpdateAsync(
        HttpContext http,
        string slug,
        [AsParameters] FundServices s,
        CancellationToken ct
    )
    {
        if (await s.RapidResponse.FindFundAsync(http.User, slug, ct) is not { } fund)
        {
            return NotFound(http);
        }

        var (form, request) = await ReadAsync(http, s, fund, ct);
        if (!form.IsValid || request is null)
        {
            return Refused(http, form, fund.Slug);
        }

        var result = await s.RapidResponse.UpdateFundAsync(fund.Slug, request, http.User, ct);
        if (result.Result is Ok<CreateFund.Response> { Value: { } saved })
        {
            return await SavedAsync(http, s, saved, ct);
        }

        return result.Result switch
        {
            ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => NotFound(http),
            var other => Refused(http, Problems(form, other), fund.Slug),
        };
    }

    /// <summary>
    /// The posted form as the API's request, checked by the API's validator; a fund being edited keeps its slug and
    /// currency (the form shows them but does not post them).
    /// </summary>
    private static async Task<(FormState Form, CreateFund.Request? Request)> ReadAsync(
        HttpContext http,
        FundServices s,
        FundView? fund,
        CancellationToken ct
    )
    {
        var values = ConsoleForms.Read(await http.Request.ReadFormAsync(ct), FundForm.Fields);
        if (fund is not null)
        {
            values["slug"] = fund.Slug;
            values["currency"] = fund.Currency;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = FundForm.ToRequest(FormState.Of(values), errors);
        await ConsoleForms.ValidateAsync(s.Validator, request, errors, ct);
        return (new FormState(values, errors), errors.Count == 0 ? request : null);
    }

    /// <summary>A use case's refusal beside its field: the SLA policy's problems, or a 422's named field.</summary>
    private static FormState Problems(FormState form, IResult result)
    {
        var errors = new Dictionary<string, string>(form.Errors, StringComparer.Ordinal);
        switch (result)
        {
            case ValidationProblem v:
                foreach (var (key, messages) in v.ProblemDetails.Errors)
                {
                    errors.TryAdd(FundForm.FieldOfSla(key), string.Join(" ", messages));
                }

                break;
            case ProblemHttpResult p:
                var field = p.ProblemDetails.Extensions.TryGetValue("field", out var f) ? f?.ToString() : null;
                errors.TryAdd((field ?? "name").ToLowerInvariant(), ConsoleForms.Detail(p));
                break;
        }

        return form with
        {
            Errors = errors,
        };
    }

    private static async Task<IResult> SavedAsync(
        HttpContext http,
        FundServices s,
        CreateFund.Response saved,
        CancellationToken ct
    ) =>
        Render(
            http,
            ConsoleText.T("Funds_SavedTitle"),
            new FundsPageData(
                await s.RapidResponse.ListFundsAsync(http.User, ct),
                null,
                null,
                saved.Fund,
                saved.WebhookSecret
            ),
            ConsoleText.T("Funds_SavedNotice", saved.Fund.Name)
        );

    private static IResult Refused(HttpContext http, FormState form, string? slug) =>
        ConsoleRender.Page<ConsoleFundsPage>(
            http,
            slug is null ? ConsoleText.T("Funds_New") : ConsoleText.T("Fund_Heading", slug),
            "funds",
            new FundsPageData([], form, slug),
            ConsoleText.T("Funds_NotSaved"),
            true,
            StatusCodes.Status400BadRequest
        );

    private static IResult Render(HttpContext http, string title, FundsPageData data, string? notice = null) =>
        ConsoleRender.Page<ConsoleFundsPage>(http, title, "funds", data, notice);

    private static IResult NotFound(HttpContext http) =>
        ConsoleRender.Message(http, ConsoleText.T("NotFound_Title"), ConsoleText.T("Funds_NotFound"), 404);
}

/// <summary>What a fund's save needs, from the container: the API's use cases and its validator.</summary>
internal sealed record FundServices(
    [FromServices] EmergencyRequestsUseCases RapidResponse,
    [FromServices] IValidator<CreateFund.Request> Validator
);
