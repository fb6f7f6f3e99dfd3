namespace FundAudit.Api.Features.Classification;

/// <summary>What a dry run needs of a stored grant: its inputs, its stored level and purpose and a person's
/// correction (which wins over any rule set).</summary>
internal sealed class DryRunInputRow
{
    public ClassificationInputRow Input { get; init; } = new();

    public string? Level { get; init; }

    public string? Purpose { get; init; }

    public string? CorrectedLevel { get; init; }

    public string? CorrectedPurpose { get; init; }
}

/// <summary>Reads a funder's grants, page by page, for a rule-set dry run. Reads only; filters on funder_id.</summary>
internal sealed class RuleSetDryRunStore(Db db)
{
    private const string SelectDryRunInputs = """
        SELECT g.id, g.identifier, g.title, g.description, g.currency, g.amount_awarded, g.award_date,
               g.recipient_org_name, g.recipient_country, g.recipient_location_countries, g.beneficiary_locations,
               g.programme_title, g.funding_types, g.location_scope, g.explicit_level, g.explicit_purpose,
               g.explicit_flexible, g.level, g.purpose, c.level AS corrected_level, c.purpose AS corrected_purpose
        FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
        WHERE g.funder_id = @FunderId AND g.id > @AfterId ORDER BY g.id
        """;

    /// <summary>A page of the funder's grants, in id order after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<DryRunInputRow>> InputsAsync(
        long funderId,
        long afterId,
        int limit,
        CancellationToken ct
    )
    {
        var args = new
        {
            FunderId = funderId,
            AfterId = afterId,
            Limit = limit,
        };
        var rows = await db.QueryListAsync<DryRunRow>(SelectDryRunInputs + " " + db.Dialect.Limit("Limit"), args, ct);
        return [.. rows.Select(r => r.ToRow())];
    }

    /// <summary>One row of <see cref="SelectDryRunInputs"/> as Dapper reads it.</summary>
    private sealed class DryRunRow
    {
        public long Id { get; init; }

        public string Identifier { get; init; } = "";

        public string Title { get; init; } = "";

        public string? Description { get; init; }

        public string Currency { get; init; } = "";

        public long AmountAwarded { get; init; }

        public DateOnly AwardDate { get; init; }

        public string? RecipientOrgName { get; init; }

        public string? RecipientCountry { get; init; }

        public string? RecipientLocationCountries { get; init; }

        public string? BeneficiaryLocations { get; init; }

        public string? ProgrammeTitle { get; init; }

        public string? FundingTypes { get; init; }

        public string? LocationScope { get; init; }

        public string? ExplicitLevel { get; init; }

        public string? ExplicitPurpose { get; init; }

        public bool? ExplicitFlexible { get; init; }

        public string? Level { get; init; }

        public string? Purpose { get; init; }

        public string? CorrectedLevel { get; init; }

        public string? CorrectedPurpose { get; init; }

        public DryRunInputRow ToRow() =>
            new()
            {
                Input = new ClassificationInputRow
                {
                    Id = Id,
                    Identifier = Identifier,
                    Title = Title,
                    Description = Description,
                    Currency = Currency,
                    AmountAwarded = AmountAwarded,
                    AwardDate = AwardDate,
                    RecipientOrgName = RecipientOrgName,
                    RecipientCountry = RecipientCountry,
                    RecipientLocationCountries = RecipientLocationCountries,
                    BeneficiaryLocations = BeneficiaryLocations,
                    ProgrammeTitle = ProgrammeTitle,
                    FundingTypes = FundingTypes,
                    LocationScope = LocationScope,
                    ExplicitLevel = ExplicitLevel,
                    ExplicitPurpose = ExplicitPurpose,
                    ExplicitFlexible = ExplicitFlexible,
                },
                Level = Level,
                Purpose = Purpose,
                CorrectedLevel = CorrectedLevel,
                CorrectedPurpose = CorrectedPurpose,
            };
    }
}
