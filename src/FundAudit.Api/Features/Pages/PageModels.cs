namespace FundAudit.Api.Features.Pages;

// The pages are Razor components, whose classes and parameters are public by design; these public records are what
// the handlers hand them: plain values, no stores, no secrets beyond what the page shows.

/// <summary>A link to the same page in another language.</summary>
public sealed record LanguageLink(string Code, string Name, string Href, bool Current);

/// <summary>What every page's frame needs: title, language and direction, the language links, the brand line.</summary>
public sealed record PageChrome(
    string Title,
    string Lang,
    string Dir,
    string Brand,
    IReadOnlyList<LanguageLink> Languages
)
{
    /// <summary>
    /// The frame for the current request's UI culture, with links to <paramref name="path"/> in each language
    /// <paramref name="offered"/> (a fund's languages; all the pages' languages when null), each named in itself.
    /// </summary>
    public static PageChrome For(string title, string brand, string path, IReadOnlyList<string>? offered = null)
    {
        var culture = CultureInfo.CurrentUICulture;
        var current = PageText.Languages.FirstOrDefault(l => culture.Name == l || culture.Parent.Name == l) ?? "en";
        return new PageChrome(
            title,
            current,
            culture.TextInfo.IsRightToLeft ? "rtl" : "ltr",
            brand,
            (offered ?? PageText.Languages)
                .Select(l => new LanguageLink(
                    l,
                    PageText.NativeName(l),
                    $"{path}?{PageText.LanguageKey}={l}",
                    l == current
                ))
                .ToList()
        );
    }
}

/// <summary>The antiforgery field every form carries.</summary>
public sealed record FormToken(string FieldName, string Value);

/// <summary>The defender's form as typed, with the errors beside each field (by the JSON field names of the API
/// form).</summary>
public sealed class DefenderFormModel
{
    public required string Slug { get; init; }

    public required string FundName { get; init; }

    public required string MaxAmount { get; init; }

    public required FormToken Token { get; init; }

    /// <summary>Makes a double click or a reload send the same request once (the API's Idempotency-Key).</summary>
    public required string SubmissionKey { get; init; }

    public int MaxSituationLength { get; init; }

    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>A message for the whole form (a resource key), e.g. when a submission key was reused.</summary>
    public string? FormError { get; init; }

    public string Value(string field) => Values.TryGetValue(field, out var v) ? v : "";

    public string? Error(string field) => Errors.TryGetValue(field, out var e) ? e : null;
}

/// <summary>The answer page: shown once, right after the form is accepted.</summary>
public sealed record DefenderSentModel(string Slug, string FundName, string Reference, string CaseCode);

/// <summary>The case as its applicant sees it, after typing the code.</summary>
public sealed record DefenderCaseModel(
    string Reference,
    string Status,
    string? Question,
    DateTimeOffset SubmittedAt,
    bool CanAnswer,
    bool CanWithdraw
);

/// <summary>The status page: the code form, or the case with its question and the withdraw form.</summary>
public sealed record DefenderStatusModel
{
    public required string Slug { get; init; }

    public required string FundName { get; init; }

    public required FormToken Token { get; init; }

    /// <summary>Set once a valid code was typed; the code then travels only in form bodies, never in a URL.</summary>
    public DefenderCaseModel? Case { get; init; }

    public string? CaseCode { get; init; }

    /// <summary>Resource key of a message shown above the case (answer sent, withdrawn, refused, not found).</summary>
    public string? Notice { get; init; }

    public bool NoticeIsError { get; init; }

    public string? AnswerError { get; init; }

    public string? WithdrawError { get; init; }

    public string TypedAnswer { get; init; } = "";
}

/// <summary>A short page with a title and one paragraph (not found, form expired, too many attempts), by resource
/// keys.</summary>
public sealed record DefenderMessageModel(string TitleKey, string TextKey, string? Slug);
