using FundAudit.Core.Classification;
using FundAudit.Core.Grants;
using static FundAudit.Core.Tests.Classification.TestGrants;

namespace FundAudit.Core.Tests.Classification;

public sealed class RuleSetTests
{
    private const string Minimal = """
        { "version": "funder-1", "purpose": { "terms": { "emergency": { "relocation": 3 } } } }
        """;

    [Fact]
    public void The_default_rule_set_is_valid_and_versioned()
    {
        var result = RuleSet.Parse(RuleSet.DefaultJson());
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Matches(@"^\d{4}\.\d{2}-\d+$", RuleSet.Default.Version);
        Assert.Equal(5, RuleSet.Default.PurposeTerms.Count); // the four protection purposes and `other`
        Assert.All(RuleSet.Default.PurposeTerms.Values, terms => Assert.True(terms.Count >= 40));
    }

    [Fact]
    public void ToJson_round_trips()
    {
        var json = RuleSet.Default.ToJson();
        var again = RuleSet.Parse(json);
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(RuleSet.Default.Version, again.RuleSet!.Version);
        Assert.Equal(RuleSet.Default.PurposeMargin, again.RuleSet.PurposeMargin);
        foreach (var (purpose, terms) in RuleSet.Default.PurposeTerms)
        {
            Assert.Equal(terms, again.RuleSet.PurposeTerms[purpose]);
        }

        Assert.Equal(json, again.RuleSet.ToJson());
    }

    [Fact]
    public void A_minimal_funder_rule_set_parses_and_drives_the_engine()
    {
        var result = RuleSet.Parse(Minimal);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var engine = new ClassificationEngine(result.RuleSet!);
        var c = engine.Classify(Make(title: "Relocation"));
        Assert.Equal(GrantPurpose.Emergency, c.Purpose.Value);
        Assert.Equal("funder-1", c.RuleSetVersion);
        Assert.Equal(GrantPurpose.Unclassified, engine.Classify(Make(title: "Advocacy campaign")).Purpose.Value);
    }

    [Theory]
    [InlineData(
        """{ "purpose": { "terms": { "emergency": { "x relocation": 3 } } } }""",
        "$.version",
        "missing version"
    )]
    [InlineData(
        """{ "version": "", "purpose": { "terms": { "emergency": { "relocation": 3 } } } }""",
        "$.version",
        "missing version"
    )]
    [InlineData("""{ "version": "1" }""", "$.purpose", "missing purpose")]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "fundraising": { "gala": 3 } } } }""",
        "$.purpose.terms.fundraising",
        "unknown purpose"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "  ": 3 } } } }""",
        "$.purpose.terms.emergency['  ']",
        "empty term"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "--": 3 } } } }""",
        "$.purpose.terms.emergency['--']",
        "empty term"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "relocation": 0 } } } }""",
        "$.purpose.terms.emergency['relocation']",
        "weight out of range"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "relocation": 11 } } } }""",
        "$.purpose.terms.emergency['relocation']",
        "weight out of range"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "relocation": "high" } } } }""",
        "$.purpose.terms.emergency['relocation']",
        "weight out of range"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "Relocation": 3, "relocation": 2 } } } }""",
        "$.purpose.terms.emergency['relocation']",
        "duplicate term"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "évacuation": 3 }, "prevention": { "EVACUATION": 2 } } } }""",
        "$.purpose.terms.prevention['EVACUATION']",
        "duplicate term"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "*ocation": 3 } } } }""",
        "$.purpose.terms.emergency['*ocation']",
        "'*' may only end a word"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "margin": 2, "terms": { "emergency": { "relocation": 3 } } } }""",
        "$.purpose.margin",
        "margin must be a number"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "relocation": 3 } } }, "colour": "red" }""",
        "$.colour",
        "unknown property"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "relocation": 3 } } }, "level": { "terms": { "continental": { "africa": 2 } } } }""",
        "$.level.terms.continental",
        "unknown level"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "clauseMarkers": { "mostly": 2 }, "terms": { "emergency": { "relocation": 3 } } } }""",
        "$.purpose.clauseMarkers['mostly']",
        "must lie in (0, 1]"
    )]
    [InlineData("""{ "version": "1", "purpose": """, "$", "not valid JSON")]
    [InlineData(
        """{ "version": "1\ud800", "purpose": { "terms": { "emergency": { "relocation": 3 } } } }""",
        "$.version",
        "not valid Unicode"
    )]
    [InlineData(
        """{ "version": "1", "purpose": { "terms": { "emergency": { "reloc\udc00": 3 } } } }""",
        "$.purpose.terms.emergency",
        "not valid Unicode"
    )]
    public void Validation_reports_where_and_what(string json, string path, string message)
    {
        var result = RuleSet.Parse(json);
        Assert.False(result.IsValid);
        Assert.Null(result.RuleSet);
        Assert.Contains(result.Errors, e =>
            e.Path.StartsWith(path, StringComparison.Ordinal) && e.Message.Contains(message, StringComparison.Ordinal)
        );
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var result = RuleSet.Parse(
            """{ "purpose": { "terms": { "fundraising": { "gala": 3 }, "emergency": { "": 1, "relocation": -1 } } } }"""
        );
        Assert.True(result.Errors.Count >= 4, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Clause_markers_round_trip_and_weaken_only_what_follows_them()
    {
        var json =
            """{ "version": "1", "purpose": { "minimumScore": 1, "clauseMarkers": { "a smaller part": 0.5, "mainly": 1 }, "terms": { "emergency": { "relocation": 3 }, "campaign": { "media": 4 } } } }""";
        var rules = RuleSet.Parse(json).RuleSet!;
        Assert.Equal(2, RuleSet.Parse(rules.ToJson()).RuleSet!.ClauseMarkers.Count);
        var engine = new ClassificationEngine(rules);
        Assert.Equal(GrantPurpose.Campaign, engine.Classify(Make(description: "Relocation; media work")).Purpose.Value);
        var secondary = engine
            .Classify(Make(description: "Relocation of the team; a smaller part covers media work"))
            .Purpose;
        Assert.Equal(GrantPurpose.Emergency, secondary.Value);
        Assert.Contains(secondary.Evidence, e => e.Contains("(secondary clause)", StringComparison.Ordinal));
        Assert.Equal(
            GrantPurpose.Campaign,
            engine.Classify(Make(description: "A smaller part covers relocation; mainly media work")).Purpose.Value
        );
    }

    [Fact]
    public void Wildcards_match_word_endings_only()
    {
        var rules = RuleSet
            .Parse(
                """{ "version": "1", "purpose": { "minimumScore": 1, "terms": { "emergency": { "evacu*": 3 }, "campaign": { "media": 3 } } } }"""
            )
            .RuleSet!;
        var engine = new ClassificationEngine(rules);
        Assert.Equal(GrantPurpose.Emergency, engine.Classify(Make(title: "Évacuations urgentes")).Purpose.Value);
        Assert.Equal(GrantPurpose.Unclassified, engine.Classify(Make(title: "Reevacuation")).Purpose.Value); // not at a word start
        Assert.Equal(GrantPurpose.Campaign, engine.Classify(Make(title: "MEDIA")).Purpose.Value);
        Assert.Equal(GrantPurpose.Unclassified, engine.Classify(Make(title: "Mediation")).Purpose.Value); // no wildcard: whole word only
    }

    [Fact]
    public void Engine_never_throws_on_empty_or_odd_grants()
    {
        var g = new GrantRecord
        {
            Identifier = "x",
            Currency = "USD",
            AmountAwardedMinor = 0,
            AwardDate = new DateOnly(2025, 1, 1),
            Title = new string('é', 5000) + " ☂ 漢字 " + "\u0301",
            BeneficiaryLocations =
            [
                new BeneficiaryLocation(null, null, null, null),
                new BeneficiaryLocation(",", "??", "-", ""),
            ],
            FundingTypes = ["", " "],
        };
        var c = ClassificationEngine.Default.Classify(g);
        Assert.Equal(GrantPurpose.Unclassified, c.Purpose.Value);
    }
}

public sealed class RuleSetExtrasTests
{
    private static RuleSetParseResult ParseWith(
        Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject> change
    )
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(RuleSet.DefaultJson())!.AsObject();
        return RuleSet.Parse(change(doc).ToJsonString());
    }

    [Fact]
    public void The_default_rule_set_carries_other_terms_exceptions_and_a_confidence_for_every_decision()
    {
        var rules = RuleSet.Default;
        Assert.NotEmpty(rules.PurposeTerms[GrantPurpose.Other]);
        Assert.NotEmpty(rules.PurposeExceptions[GrantPurpose.Emergency]);
        Assert.All(ConfidenceKeys.All, key => Assert.True(rules.Confidences.ContainsKey(key), key));
        var again = RuleSet.Parse(rules.ToJson());
        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Equal(rules.Confidences, again.RuleSet!.Confidences);
        Assert.Equal(rules.BaseOnlyLevel, again.RuleSet.BaseOnlyLevel);
    }

    [Fact]
    public void An_unknown_decision_or_a_confidence_outside_0_to_1_is_named_by_its_path()
    {
        var result = ParseWith(d =>
        {
            var c = d["confidence"]!.AsObject();
            c["level.guess"] = 0.5;
            c["level.local"] = 1.5;
            return d;
        });
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == "$.confidence['level.guess']");
        Assert.Contains(result.Errors, e => e.Path == "$.confidence['level.local']");
    }

    [Fact]
    public void An_exception_for_an_unknown_purpose_or_a_bad_base_level_is_refused()
    {
        var result = ParseWith(d =>
        {
            d["purpose"]!["exceptions"]!["rescue"] = new System.Text.Json.Nodes.JsonObject { ["x y"] = 1 };
            d["level"]!["baseOnly"] = "planetary";
            return d;
        });
        Assert.Contains(result.Errors, e => e.Path == "$.purpose.exceptions.rescue");
        Assert.Contains(result.Errors, e => e.Path == "$.level.baseOnly");
    }
}
