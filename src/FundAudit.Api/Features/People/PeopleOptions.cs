namespace FundAudit.Api.Features.People;

/// <summary><c>People:*</c>: invitations, step-up and the sign-in backoff.</summary>
internal sealed class PeopleOptions
{
    public const string Section = "People";

    /// <summary>How long an invitation link can be used (default 72 hours).</summary>
    public int InvitationHours { get; set; } = 72;

    /// <summary>
    /// The address people reach the console at, for invitation links (e.g. <c>https://audit.example.org</c>). Null:
    /// the address of the request that made the invitation (the <c>funders create</c> command uses
    /// <c>http://localhost:5000</c>).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How recent the second factor must be for approve, decline, payment details, disburse, reveal and
    /// changes to people (default 10 minutes).</summary>
    public int StepUpMinutes { get; set; } = 10;

    /// <summary>Failed sign-ins allowed without delay, per account and per address (default 3).</summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>The first delay after the free failures; each further failure doubles it (default 2 seconds).</summary>
    public int BackoffBaseSeconds { get; set; } = 2;

    /// <summary>The longest delay per account (default 60 seconds): short, so that no one can shut a person out by
    /// failing on purpose.</summary>
    public int AccountBackoffMaxSeconds { get; set; } = 60;

    /// <summary>The longest delay per client address (default 15 minutes).</summary>
    public int AddressBackoffMaxSeconds { get; set; } = 900;

    /// <summary>Failures older than this are forgotten (default 24 hours).</summary>
    public int BackoffResetHours { get; set; } = 24;
}
