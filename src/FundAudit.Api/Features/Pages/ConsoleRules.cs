using System.Text.Encodings.Web;
using System.Text.Json;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.Pages.Components;
using Hangfire;

namespace FundAudit.Api.Features.Pages;

/// <summary>The rule-set page: the current rule set, the editor's text, its problems by JSON path, a dry run.</summary>
internal sealed record RulesData(
    RuleSetResponse Current,
    string Text,
    IReadOnlyList<(string Path, string Message)> Problems,
    DryRunRuleSet.Response? DryRun,
    bool CanWrite
);

/// <summary>
/// The console's rule set (/app/rules): view it, edit its JSON in a text area, try it (the API's dry run: what would
/// move, nothing stored) and save it (the API's PUT: a new version, re-classification in a job). The text is checked
/// by the API's own validator, each problem shown beside the field by its JSON path.
/// </summary>
internal static class ConsoleRules
{
    /// <summary>The rule set is a JSON document of about 30 KB; the editor's form may carry up to this.</summary>
    public const long FormLimit = 1024 * 1024;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "Atlántida", not "Atl\u00E1ntida": shown as text
    };

    public static async Task<IResult> ShowAsync(
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] ClassificationUseCases classification,
        CancellationToken ct
    )
    {
        var current = await classification.RuleSetAsync(user, ct);
        var data = new RulesData(current, Pretty(current.Rules), [], null, ConsoleReview.CanCorrect(user));
        return ConsoleRender.Page<ConsoleRulesPage>(http, ConsoleText.T("Rules_Title"), "rules", data);
    }

    public static async Task<IResult> SubmitAsync(
        HttpContext http,
        ClaimsPrincipal user,
        [FromServices] ClassificationUseCases classification,
        [FromServices] IValidator<JsonElement> validator,
        [FromServices] IBackgroundJobClient jobs,
        CancellationToken ct
    )
    {
        var form = http.Request.Form;
        var text = form["rules"].ToString();
        var save = form["action"].ToString() == "save";
        var current = await classification.RuleSetAsync(user, ct);
        var data = new RulesData(current, text, [], null, true);
        var (rules, problems) = await CheckAsync(text, validator, ct);
        if (problems.Count > 0)
        {
            var what = ConsoleText.T(save ? "Rules_NotSaved" : "Rules_NotTried");
            return Render(http, data with { Problems = problems }, what, true, 400);
        }

        if (!save)
        {
            var dryRun = await classification.DryRunAsync(rules, user, ct);
            return Render(http, data with { DryRun = dryRun }, DryRunNotice(dryRun), false, 200);
        }

        switch ((await classification.SaveRuleSetAsync(rules, user, jobs, ct)).Result)
        {
            case Accepted<RuleSetResponse> { Value: { } saved }:
                var notice = ConsoleText.T("Rules_Saved", saved.Version);
                return Render(http, new RulesData(saved, Pretty(saved.Rules), [], null, true), notice, false, 200);
            case ProblemHttpResult problem:
                problems = [("$.version", ConsoleForms.Detail(problem))];
                return Render(http, data with { Problems = problems }, ConsoleForms.Detail(problem), true, 409);
            default:
                throw new InvalidOperationException("Unexpected answer from saving a rule set.");
        }
    }

    /// <summary>The text as a JSON document and the validator's problems by path (or why it is not JSON).</summary>
    private static async Task<(JsonElement Rules, List<(string Path, string Message)> Problems)> CheckAsync(
        string text,
        IValidator<JsonElement> validator,
        CancellationToken ct
    )
    {
        JsonElement rules;
        try
        {
            using var document = JsonDocument.Parse(text);
            rules = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var problem = e.LineNumber is { } line
                ? ConsoleText.T("Rules_BadJsonAt", line + 1, (e.BytePositionInLine ?? 0) + 1)
                : ConsoleText.T("Rules_BadJson");
            return (default, [("$", problem)]);
        }

        // The API's rule for texts (JsonTexts) first: the rule-set reader cannot read a lone surrogate.
        if (JsonTexts.Problems(rules) is { Count: > 0 } texts)
        {
            return (rules, [.. texts.Select(t => (t.Path == "$" ? "$" : "$." + t.Path, ProblemText.T(t.Key)))]);
        }

        var result = await validator.ValidateAsync(rules, ct);
        return (rules, [.. result.Errors.Select(e => (e.PropertyName, e.ErrorMessage))]);
    }

    private static string DryRunNotice(DryRunRuleSet.Response r) =>
        ConsoleText.T(
            r.MoneyChanged.Count > 0 ? "Rules_DryRunMoney" : "Rules_DryRun",
            r.Version,
            ConsolePortfolio.Grants(r.GrantsChanged),
            ConsoleFormat.Count(r.Grants),
            Money(r.MoneyChanged)
        ) + (r.VersionInUse ? " " + ConsoleText.T("Rules_VersionInUse", r.Version) : "");

    /// <summary>"1,000.00 GBP; 300.00 EUR".</summary>
    public static string Money(IReadOnlyList<DryRunRuleSet.Money> amounts) =>
        string.Join("; ", amounts.Select(a => $"{ConsolePortfolio.Money(a.Amount)} {a.Currency}"));

    private static string Pretty(JsonElement rules) => JsonSerializer.Serialize(rules, Indented);

    private static IResult Render(HttpContext http, RulesData data, string notice, bool isError, int status) =>
        ConsoleRender.Page<ConsoleRulesPage>(
            http,
            ConsoleText.T("Rules_Title"),
            "rules",
            data,
            notice,
            isError,
            status
        );
}
