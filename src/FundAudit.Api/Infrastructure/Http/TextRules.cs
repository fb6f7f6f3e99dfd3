namespace FundAudit.Api.Infrastructure.Http;

/// <summary>The validators' rules for free text, each with the message every endpoint gives for it.</summary>
internal static class TextRules
{
    /// <summary>
    /// Required text of at most <paramref name="maxLength"/> characters: empty says <paramref name="requiredMessage"/>,
    /// too long says "At most N characters.".
    /// </summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(
        this IRuleBuilder<T, string?> rule,
        string requiredMessage,
        int maxLength
    ) => rule.NotEmpty().WithMessage(requiredMessage).AtMost(maxLength);

    /// <summary>At most <paramref name="maxLength"/> characters ("At most N characters.").</summary>
    public static IRuleBuilderOptions<T, string?> AtMost<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).WithMessage(AtMostMessage(maxLength));

    private static string AtMostMessage(int maxLength) =>
        "At most " + maxLength.ToString(CultureInfo.InvariantCulture) + " characters.";
}
