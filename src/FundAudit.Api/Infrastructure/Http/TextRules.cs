namespace FundAudit.Api.Infrastructure.Http;

/// <summary>The validators' rules for free text, each with the message every endpoint gives for it.</summary>
internal static class TextRules
{
    /// <summary>
    /// Required text of at most <paramref name="maxLength"/> characters: empty says the <see cref="ProblemText"/>
    /// message <paramref name="requiredKey"/>, too long says "At most N characters.", in the request's language.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(
        this IRuleBuilder<T, string?> rule,
        string requiredKey,
        int maxLength
    ) => rule.NotEmpty().WithText(requiredKey).AtMost(maxLength);

    /// <summary>At most <paramref name="maxLength"/> characters ("At most N characters.").</summary>
    public static IRuleBuilderOptions<T, string?> AtMost<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).WithText("Text_AtMost", maxLength);
}
