using System.Resources;

namespace FundAudit.Api.Infrastructure.Http;

/// <summary>
/// The validators' own problem messages (ProblemText.resx, English, and ProblemText.{es,fr,pt}.resx), read when a
/// validator runs, in the request's UI culture: the console's language on its pages (<c>?lang=</c>, cookie or
/// Accept-Language), English for the API, whose requests run in the invariant culture
/// (<see cref="InvariantCultureAsync"/>). FluentValidation's own messages follow the same culture.
/// </summary>
public static class ProblemText
{
    private static readonly ResourceManager Resources = new(
        typeof(ProblemText).FullName!,
        typeof(ProblemText).Assembly
    );

    /// <summary>The message of <paramref name="key"/> in the current UI culture, its arguments formatted in the
    /// current culture; the key itself when no language has it (a test checks every used key exists).</summary>
    public static string T(string key, params object?[] args)
    {
        var text = Resources.GetString(key, CultureInfo.CurrentUICulture) ?? key;
        return args.Length == 0 ? text : string.Format(CultureInfo.CurrentCulture, text, args);
    }

    /// <summary>A ProblemDetails answer whose title is the message of <paramref name="titleKey"/> and whose detail is
    /// that of <paramref name="detailKey"/> with <paramref name="args"/>, both as <see cref="T"/> reads them.</summary>
    public static ProblemHttpResult Problem(int statusCode, string titleKey, string detailKey, params object?[] args) =>
        TypedResults.Problem(statusCode: statusCode, title: T(titleKey), detail: T(detailKey, args));

    /// <summary>The English message of <paramref name="key"/>, its arguments formatted in the invariant culture,
    /// whatever the current culture (what a background job stores for the API).</summary>
    public static string Invariant(string key, params object?[] args)
    {
        var text = Resources.GetString(key, CultureInfo.InvariantCulture) ?? key;
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }

    /// <summary>The message of <paramref name="key"/> in <paramref name="language"/> (tests compare with it).</summary>
    public static string? Get(string key, string language) =>
        Resources.GetString(key, CultureInfo.GetCultureInfo(language));

    /// <summary>The keys of one language's own file (no fallback); English when <paramref name="language"/> is
    /// null.</summary>
    public static IReadOnlyList<string> Keys(string? language = null) =>
        Features.Pages.PageText.KeysOf(Resources, language);

    /// <summary>The validator's message <paramref name="key"/>, looked up when the validator runs (so in the
    /// request's language), with <paramref name="args"/> put in its placeholders; the failure keeps both as its
    /// state (<see cref="ProblemKey"/>), for a job that stores the message to say again in another language.</summary>
    public static IRuleBuilderOptions<TModel, TProperty> WithText<TModel, TProperty>(
        this IRuleBuilderOptions<TModel, TProperty> rule,
        string key,
        params object?[] args
    ) => rule.WithMessage(_ => T(key, args)).WithState(_ => new ProblemKey(key, args));

    /// <summary>Runs an API request (anything but the pages) in the invariant culture, so that its problems are in
    /// English and its numbers invariant whatever the server's own culture.</summary>
    public static Task InvariantCultureAsync(HttpContext http, Func<Task> next)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        return next();
    }
}

/// <summary>A validator failure's message as its ProblemText key and arguments (the failure's custom state).</summary>
public sealed record ProblemKey(string Key, IReadOnlyList<object?> Args);
