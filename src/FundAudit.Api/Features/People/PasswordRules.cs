using Microsoft.AspNetCore.Identity;

namespace FundAudit.Api.Features.People;

/// <summary>
/// Passwords: at least 12 characters, at most 200, and not one of the 10,000 most common passwords (the list in
/// <c>Data/common-passwords.txt</c>, derived by <c>tools/passwords/derive.sh</c>; a password is refused when it, or
/// it without its trailing digits and symbols, or one of its halves when it is a word said twice, is on the list).
/// Hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512, 100,000 rounds).
/// </summary>
internal static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 200;

    private static readonly PasswordHasher<PersonRow> Hasher = new();
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Hashed once at start: a sign-in for an unknown email checks against it, so it takes as long.</summary>
    private static readonly Lazy<string> Decoy = new(() =>
        Hasher.HashPassword(new PersonRow(), "decoy password " + Guid.NewGuid())
    );

    /// <summary>Why a password is refused, or null.</summary>
    public static string? Problem(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return ProblemText.T("Password_MinLength", MinLength);
        }

        if (password.Length > MaxLength)
        {
            return ProblemText.T("Password_MaxLength", MaxLength);
        }

        return IsCommon(password) ? ProblemText.T("Password_Common") : null;
    }

    public static bool IsCommon(string password)
    {
        var lower = password.Trim().ToLowerInvariant();
        var core = lower.TrimEnd("0123456789!@#$%^&*()-_=+.,?;:' ".ToCharArray());
        var half =
            lower.Length % 2 == 0 && lower[..(lower.Length / 2)] == lower[(lower.Length / 2)..]
                ? lower[..(lower.Length / 2)]
                : null;
        return Common.Value.Contains(lower)
            || (core.Length >= 4 && Common.Value.Contains(core))
            || (half is not null && Common.Value.Contains(half));
    }

    public static string Hash(string password) => Hasher.HashPassword(new PersonRow(), password);

    /// <summary>Checks a password against a stored hash (or, with none, against a decoy, taking as long).</summary>
    public static bool Verify(string? hash, string? password)
    {
        var result = Hasher.VerifyHashedPassword(new PersonRow(), hash ?? Decoy.Value, password ?? "");
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordRules).Assembly.GetManifestResourceStream(
            "FundAudit.Api.People.common-passwords.txt"
        ) ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }

        return set;
    }
}
