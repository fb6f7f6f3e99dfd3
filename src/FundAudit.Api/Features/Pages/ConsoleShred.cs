using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>What the shred confirm page shows.</summary>
internal sealed record ShredPageData(string Reference, IReadOnlyList<string> Reasons);

/// <summary>
/// The console's shred: a confirm page (<c>GET /app/requests/{reference}/shred</c>) and its form
/// (<c>POST</c>), through the API's use case <see cref="ShredCase"/>. Admins only (policy
/// <c>console-shred-case</c>, built by the same rule as the API's).
/// </summary>
internal static class ConsoleShred
{
    public static async Task<IResult> ConfirmAsync(
        HttpContext http,
        string reference,
        ClaimsPrincipal user,
        [FromServices] RequestWorkflow workflow,
        CancellationToken ct
    )
    {
        if (await workflow.FindAsync(user.FunderId(), reference, ct) is not var (row, _))
        {
            return ConsoleRender.Message(http, ConsoleText.T("NotFound_Title"), ConsoleText.T("Shred_NoRequest"), 404);
        }

        return row.ShreddedAt is not null
            ? ConsoleRender.Message(
                http,
                ConsoleText.T("Shred_Done_Title"),
                ConsoleText.T("Shred_Done_Text"),
                StatusCodes.Status409Conflict
            )
            : ConsoleRender.Page<ConsoleShredConfirm>(
                http,
                ConsoleText.T("Shred_Title", row.Reference),
                "requests",
                new ShredPageData(row.Reference, ShredCase.Reasons)
            );
    }

    public static async Task<IResult> ShredAsync(
        HttpContext http,
        string reference,
        ClaimsPrincipal user,
        [FromServices] EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    )
    {
        var reason = http.Request.Form["reason"].ToString();
        if (!ShredCase.Reasons.Contains(reason, StringComparer.Ordinal))
        {
            return ConsoleRender.Message(
                http,
                ConsoleText.T("Shred_Missing_Title"),
                ConsoleText.T("Shred_Missing_Text"),
                StatusCodes.Status400BadRequest
            );
        }

        var result = await rapidResponse.ShredCaseAsync(reference, new ShredCase.Request(reason), user, ct);
        return result.Result is ProblemHttpResult problem
            ? ConsoleRender.Message(
                http,
                ConsoleText.T("NotFound_Title"),
                problem.ProblemDetails.Detail ?? "",
                problem.StatusCode
            )
            : ConsoleAccount.SeeOther($"/app/requests/{Uri.EscapeDataString(reference)}");
    }
}
