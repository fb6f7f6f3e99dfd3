namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>What a caller needs of a request's fund.</summary>
internal enum FundNeed
{
    /// <summary>See the request without its sensitive fields (list, summary, events, metrics): admins, or members of
    /// its fund.</summary>
    See,

    /// <summary>Read its sensitive fields or act on it: members of its fund only (admins too).</summary>
    Handle,
}

/// <summary>
/// Need-to-know (issue 15 item 4): officers and finance people see only the requests of funds they are members of;
/// sensitive fields and actions open only to members of the request's fund (admins manage funds and members and read
/// sensitive fields only as members). A request the caller may not see is not found (404), as another funder's is; an
/// admin who sees a request but is no member of its fund gets 403.
/// </summary>
internal sealed class NeedToKnow(FundMemberStore members)
{
    /// <summary>The purposes a reveal of sensitive fields is logged with.</summary>
    public static readonly IReadOnlyList<string> Purposes = ["decide", "verify_identity", "pay", "safety_follow_up"];

    /// <summary>Which of the funder's funds the caller may see: all for an admin, else its member funds.</summary>
    public async Task<Func<long, bool>> VisibleFundsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.IsInRole(Roles.Admin))
        {
            return _ => true;
        }

        var funds = await MemberFundsAsync(user, ct);
        return funds.Contains;
    }

    /// <summary>Null when the caller may have <paramref name="need"/> of the fund, else the problem.</summary>
    public async Task<ProblemHttpResult?> RefusalAsync(
        ClaimsPrincipal user,
        long fundId,
        FundNeed need,
        CancellationToken ct
    )
    {
        var member =
            user.StaffPersonId() is { } person && await members.IsMemberAsync(user.FunderId(), fundId, person, ct);
        if (member || (need == FundNeed.See && user.IsInRole(Roles.Admin)))
        {
            return null;
        }

        return user.IsInRole(Roles.Admin) ? NotAMember() : EmergencyProblems.RequestNotFound();
    }

    private async Task<IReadOnlySet<long>> MemberFundsAsync(ClaimsPrincipal user, CancellationToken ct) =>
        user.StaffPersonId() is { } person
            ? await members.FundsOfAsync(user.FunderId(), person, ct)
            : new HashSet<long>();

    public static ProblemHttpResult NotAMember() =>
        ProblemText.Problem(StatusCodes.Status403Forbidden, "Title_MembersOnly", "Use_MembersOnly");
}
