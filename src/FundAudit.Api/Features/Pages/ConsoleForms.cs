namespace FundAudit.Api.Features.Pages;

/// <summary>
/// A console form as typed: each field's text (kept on the page when the form is refused) and the problem of each
/// field, by the field's name (the lower-case name of the API request's property it fills).
/// </summary>
internal sealed record FormState(IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string> Errors)
{
    public static FormState Of(IReadOnlyDictionary<string, string> values) =>
        new(values, new Dictionary<string, string>(StringComparer.Ordinal));

    public string Value(string field) => Values.GetValueOrDefault(field) ?? "";

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    public bool IsValid => Errors.Count == 0;
}

/// <summary>Reading console forms and queries into the API's requests, with each problem kept by field.</summary>
internal static class ConsoleForms
{
    /// <summary>The named fields of a posted form or a query, trimmed (a missing field is empty).</summary>
    public static Dictionary<string, string> Read(Func<string, string?> source, params string[] fields) =>
        fields.ToDictionary(f => f, f => source(f)?.Trim() ?? "", StringComparer.Ordinal);

    public static Dictionary<string, string> Read(IFormCollection form, params string[] fields) =>
        Read(f => form[f].ToString(), fields);

    public static Dictionary<string, string> Read(IQueryCollection query, params string[] fields) =>
        Read(f => query[f].ToString(), fields);

    /// <summary>A date typed as YYYY-MM-DD (what a date input sends); blank is null, anything else a problem.</summary>
    public static DateOnly? Date(FormState form, string field, Dictionary<string, string> errors) =>
        Optional(form.Value(field), field, errors, "Problem_Date", Day);

    /// <summary>A number typed with a point or a comma as the decimal separator; blank is null.</summary>
    public static decimal? Number(FormState form, string field, Dictionary<string, string> errors) =>
        Optional<decimal>(
            form.Value(field).Replace(',', '.').Replace(" %", "", StringComparison.Ordinal).TrimEnd('%'),
            field,
            errors,
            "Problem_Number",
            t => decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : null
        );

    /// <summary>A whole positive number (an id chosen from a list); blank is null.</summary>
    public static long? Id(FormState form, string field, Dictionary<string, string> errors) =>
        Optional<long>(form.Value(field), field, errors, "Problem_Choose", t =>
            long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null
        );

    /// <summary>An optional field's <paramref name="text"/> as <paramref name="parse"/> reads it: blank is null, text
    /// it cannot read the problem <paramref name="problemKey"/> on <paramref name="field"/> (unless it has
    /// one).</summary>
    private static T? Optional<T>(
        string text,
        string field,
        Dictionary<string, string> errors,
        string problemKey,
        Func<string, T?> parse
    )
        where T : struct
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (parse(text) is { } value)
        {
            return value;
        }

        errors.TryAdd(field, ConsoleText.T(problemKey));
        return null;
    }

    /// <summary>A day as a date input sends it (YYYY-MM-DD); null when it is not one.</summary>
    public static DateOnly? Day(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    public static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A date that must be given as YYYY-MM-DD (a period's end): anything else, blank too, is a problem on
    /// <paramref name="field"/>.</summary>
    public static DateOnly? RequiredDate(string text, string field, Dictionary<string, string> errors)
    {
        if (Day(text) is { } date)
        {
            return date;
        }

        errors[field] = ConsoleText.T("Problem_Date");
        return null;
    }

    /// <summary>A period's two dates as <see cref="RequiredDate"/> reads them, their problems on "from" and "to".
    /// </summary>
    public static (DateOnly? From, DateOnly? To) RequiredPeriod(
        string from,
        string to,
        Dictionary<string, string> errors
    ) => (RequiredDate(from, "from", errors), RequiredDate(to, "to", errors));

    /// <summary>
    /// The API validator's problems added to <paramref name="errors"/> by field (the property name in lower case),
    /// unless
    /// the field already has one of its own (a date that could not be read).
    /// </summary>
    public static Task ValidateAsync<T>(
        IValidator<T> validator,
        T request,
        Dictionary<string, string> errors,
        CancellationToken ct
    ) => ValidateAsync(validator, request, errors, "", ct);

    /// <summary><see cref="ValidateAsync{T}(IValidator{T}, T, Dictionary{string, string}, CancellationToken)"/> for a
    /// form whose fields are named <paramref name="fieldPrefix"/> and the property name in lower case.</summary>
    public static async Task ValidateAsync<T>(
        IValidator<T> validator,
        T request,
        Dictionary<string, string> errors,
        string fieldPrefix,
        CancellationToken ct
    )
    {
        foreach (var failure in (await validator.ValidateAsync(request, ct)).Errors)
        {
            errors.TryAdd(fieldPrefix + failure.PropertyName.ToLowerInvariant(), failure.ErrorMessage);
        }
    }

    /// <summary><see cref="ValidateAsync{T}(IValidator{T}, T, Dictionary{string, string}, CancellationToken)"/>, only
    /// when every field could be read (no problem in <paramref name="errors"/> yet).</summary>
    public static Task ValidateIfReadAsync<T>(
        IValidator<T> validator,
        T request,
        Dictionary<string, string> errors,
        CancellationToken ct
    ) => errors.Count == 0 ? ValidateAsync(validator, request, errors, ct) : Task.CompletedTask;

    /// <summary>A problem's detail, else its title.</summary>
    public static string Detail(ProblemHttpResult problem) =>
        problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? ConsoleText.T("Problem_NotCompleted");
}
