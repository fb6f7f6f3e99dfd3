using FundAudit.Core.Grants;

namespace FundAudit.Core.Tests.Classification;

internal static class TestGrants
{
    public static GrantRecord Make(
        string? title = null,
        string? description = null,
        string? recipientCountry = null,
        BeneficiaryLocation[]? locations = null,
        string? locationScope = null,
        string? explicitLevel = null,
        string? explicitPurpose = null,
        bool? explicitFlexible = null,
        string[]? fundingTypes = null,
        string[]? recipientLocations = null,
        string? programme = null,
        string? recipientName = null
    ) =>
        new()
        {
            Identifier = "t-1",
            Currency = "USD",
            AmountAwardedMinor = 500_000,
            AwardDate = new DateOnly(2025, 3, 1),
            Title = title,
            Description = description,
            ProgrammeTitle = programme,
            RecipientOrgName = recipientName,
            RecipientOrgCountry = recipientCountry,
            RecipientLocationCountryCodes = recipientLocations ?? [],
            BeneficiaryLocations = locations ?? [],
            LocationScope = locationScope,
            ExplicitLevel = explicitLevel,
            ExplicitPurpose = explicitPurpose,
            ExplicitFlexible = explicitFlexible,
            FundingTypes = fundingTypes ?? [],
        };

    public static BeneficiaryLocation Country(string code) => new(null, code, null, null);

    public static BeneficiaryLocation Named(string name, string? code = null) => new(name, code, null, null);

    public static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
