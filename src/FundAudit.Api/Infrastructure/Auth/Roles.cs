namespace FundAudit.Api.Infrastructure.Auth;

/// <summary>The roles an API key (and later a person) can hold within one funder.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Officer = "officer";
    public const string Finance = "finance";

    public static readonly IReadOnlyList<string> All = [Admin, Analyst, Officer, Finance];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Authorization policies. The fallback policy requires an authenticated caller everywhere.</summary>
internal static class Policies
{
    /// <summary>Funder administration: keys, Hangfire dashboard.</summary>
    public const string Admin = "admin";

    /// <summary>Reading the portfolio: admin, analyst, officer.</summary>
    public const string PortfolioRead = "portfolio-read";

    /// <summary>Changing the portfolio (ingest, delete, corrections): admin, analyst.</summary>
    public const string PortfolioWrite = "portfolio-write";

    /// <summary>Rapid response, the officers' part (acknowledge, ask, approve, decline, close, metrics): admin,
    /// officer.</summary>
    public const string Officer = "officer";

    /// <summary>Rapid response, recording disbursements: finance only (admins do not move money).</summary>
    public const string Finance = "finance";

    /// <summary>Rapid response, reading funds and cases and recording payment details: admin, officer,
    /// finance.</summary>
    public const string RapidResponse = "rapid-response";

    /// <summary>The officers' console, any role, signed in by session cookie (never by API key).</summary>
    public const string Console = "console";

    /// <summary>The console's rapid-response pages: admin, officer, finance.</summary>
    public const string ConsoleRapidResponse = "console-rapid-response";

    /// <summary>The console's officer actions (opening a case's sensitive fields): admin, officer.</summary>
    public const string ConsoleOfficer = "console-officer";

    /// <summary>
    /// Shredding a case (destroying its key) over the API: admin. Who may shred is decided in one place,
    /// <c>AuthServiceCollectionExtensions.MayShredCases</c>, which this policy and <see cref="ConsoleShredCase"/>
    /// apply: the step-up by a second factor (once staff are people with one) is added there.
    /// </summary>
    public const string ShredCase = "shred-case";

    /// <summary>Shredding a case from the console (its confirm page and form): the same rule as
    /// <see cref="ShredCase"/>.</summary>
    public const string ConsoleShredCase = "console-shred-case";

    /// <summary>The console's portfolio pages: admin, analyst, officer.</summary>
    public const string ConsolePortfolio = "console-portfolio";
}
