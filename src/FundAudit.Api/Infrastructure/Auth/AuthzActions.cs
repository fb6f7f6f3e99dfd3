namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>The administration log's action codes for people, keys' switch, memberships and assignments (issues 15
/// and 16), beside <c>AdminActions</c>.</summary>
internal static class AuthzActions
{
    public const string PersonCreated = "person.created";
    public const string KeysMayDecideSet = "funder.keys_may_decide_set";
    public const string FundMemberAdded = "fund_member.added";
    public const string FundMemberRemoved = "fund_member.removed";
    public const string RequestAssigned = "request.assigned";
}
