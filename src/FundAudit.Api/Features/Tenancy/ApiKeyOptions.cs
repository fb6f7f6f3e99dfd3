namespace FundAudit.Api.Features.Tenancy;

/// <summary>Lifetimes of API keys (configuration section <c>ApiKeys</c>).</summary>
internal sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>A new key's lifetime when its creator names none (days).</summary>
    public int DefaultLifetimeDays { get; init; } = 90;

    /// <summary>The longest lifetime a key may be given (days).</summary>
    public int MaxLifetimeDays { get; init; } = 365;

    /// <summary>When a key made before keys had an expiry stops: its creation plus the default lifetime.</summary>
    public DateTimeOffset LegacyExpiry(ApiKeyRow key) => key.CreatedAt.AddDays(DefaultLifetimeDays);

    /// <summary>When a key stops.</summary>
    public DateTimeOffset ExpiryOf(ApiKeyRow key) => key.ExpiresAt ?? LegacyExpiry(key);
}

/// <summary>Why a key may not be issued: the owner or the lifetime (answered as 422).</summary>
internal sealed class KeyIssueException(string message) : Exception(message);
