using FundAudit.Api.Features.Pages.Components;
using FundAudit.Api.Features.People;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// Step-up: the one endpoint filter for console actions that need a recent second factor (approve, decline, payment
/// details, disburse, reveal, changes to people). When the session's second factor is older than
/// <see cref="PeopleOptions.StepUpMinutes"/>, the filter answers a page with a code field and the original form's
/// values as hidden fields, posting back to the same address; with a right code it records the new second-factor
/// time on the session and lets the original action run. No script.
/// </summary>
internal static class StepUp
{
    public const string CodeField = "_stepup_code";

    /// <summary>Requires a recent second factor for this endpoint, or only when <paramref name="when"/> says
    /// so.</summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder, Func<HttpContext, bool>? when = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(
            (context, next) => when is null || when(context.HttpContext) ? FilterAsync(context, next) : next(context)
        );

    private static async ValueTask<object?> FilterAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var options = services.GetRequiredService<PeopleOptions>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (http.User.SecondFactorAt() is { } at && now - at <= TimeSpan.FromMinutes(options.StepUpMinutes))
        {
            return await next(context);
        }

        var ct = http.RequestAborted;
        var form = await http.Request.ReadFormAsync(ct);
        string? error = null;
        if (form.TryGetValue(CodeField, out var code))
        {
            if (
                http.User.StaffPersonId() is { } personId
                && http.User.SessionId() is { } sessionId
                && await services
                    .GetRequiredService<SecondFactors>()
                    .VerifyTotpAsync(http.User.FunderId(), personId, code, ct)
            )
            {
                await services.GetRequiredService<ConsoleSessionStore>().StepUpAsync(sessionId, now, ct);
                return await next(context);
            }

            error = ConsoleText.T("StepUp_Refused");
        }

        var tokenField = PageSecurity.Token(http).FieldName;
        var fields = form.Where(f => f.Key != CodeField && f.Key != tokenField)
            .SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? "")))
            .ToList();
        return PageResult.Render<ConsoleStepUp>(
            new
            {
                Chrome = ConsoleRender.Chrome(http, ConsoleText.T("StepUp_Title"), "", null, false),
                Action = (http.Request.PathBase + http.Request.Path).ToString(),
                FieldName = CodeField,
                Fields = fields,
                Minutes = options.StepUpMinutes,
                Error = error,
            },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest
        );
    }
}
