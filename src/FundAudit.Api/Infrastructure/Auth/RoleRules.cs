namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>The validators' one rule for a role's name.</summary>
internal static class RoleRules
{
    /// <summary>The value must be one of <see cref="Roles.All"/>; the problem lists them.</summary>
    /// <param name="rule">The rule of a role's name (a request's role, or each of its roles).</param>
    public static IRuleBuilderOptions<T, string> KnownRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(Roles.IsKnown).WithText("OneOf", string.Join(", ", Roles.All));
}
