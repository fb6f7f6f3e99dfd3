using FundAudit.Core.Classification;
using Xunit;
using Xunit.Abstractions;

namespace FundAudit.Api.Tests.Classification.RealData;

/// <summary>
/// The classifier on real published grants (../shared/data), labelled by people from TAXONOMY.md before anyone looked
/// at the classifier's answers. The held-out part is never used to tune rules or confidences: its figures are the
/// honest ones. Both parts are read through the service's own 360Giving JSON and CSV readers.
/// </summary>
public sealed class RealDataEvaluationTests(ITestOutputHelper output)
{
    private static readonly Lazy<string> DataFolder = new(() =>
        RealGrantSources.FindDataFolder()
        ?? throw new DirectoryNotFoundException(
            "../shared/data (the real published grant files) was not found above the test folder; these tests need it"
        )
    );

    [Fact]
    public void The_labelled_set_is_large_and_varied_enough()
    {
        var tuning = Labels("tuning");
        var heldout = Labels("heldout");
        Assert.True(tuning.Count + heldout.Count >= 400, $"{tuning.Count + heldout.Count} labelled grants");
        Assert.True(tuning.Concat(heldout).Select(l => l.Source).Distinct().Count() >= 6);
        Assert.Empty(tuning.Select(l => l.GrantId).Intersect(heldout.Select(l => l.GrantId)));
        Assert.All(tuning, l => Assert.Equal("tuning", l.Split));
        Assert.All(heldout, l => Assert.Equal("heldout", l.Split));
    }

    /// <summary>
    /// The fresh parts: real grants labelled blind by other people, "fresh" after the rule set 2026.12-4 was written,
    /// "fresh2" after 2026.12-5, "fresh3" after 2026.12-8, "fresh4" after 2026.12-9, "fresh5" after 2026.12-12, "fresh6" after 2026.12-13, "fresh7" after 2026.12-14 (from the five
    /// files that still had unlabelled grants), from grants that no earlier part holds (not even under another file's name: the same grant identifier in two files counts as the same grant).
    /// Nobody tunes on them; they stand for "real grants this project never saw".
    /// </summary>
    [Theory]
    [InlineData("fresh", new[] { "tuning", "heldout" })]
    [InlineData("fresh2", new[] { "tuning", "heldout", "fresh" })]
    [InlineData("fresh3", new[] { "tuning", "heldout", "fresh", "fresh2" })]
    [InlineData("fresh4", new[] { "tuning", "heldout", "fresh", "fresh2", "fresh3" })]
    [InlineData("fresh5", new[] { "tuning", "heldout", "fresh", "fresh2", "fresh3", "fresh4" })]
    [InlineData("fresh6", new[] { "tuning", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5" })]
    [InlineData("fresh7", new[] { "tuning", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6" }, 5)]
    public void A_fresh_part_is_disjoint_from_the_earlier_ones(string part, string[] earlier, int files = 6)
    {
        var fresh = Labels(part);
        Assert.True(fresh.Count >= 150, $"{fresh.Count} {part} grants");
        Assert.True(fresh.Select(l => l.Source).Distinct().Count() >= files);
        Assert.All(fresh, l => Assert.Equal(part, l.Split));
        var others = earlier.SelectMany(Labels).Select(l => l.GrantId).ToHashSet();
        Assert.DoesNotContain(fresh, l => others.Contains(l.GrantId));
        Assert.Equal(fresh.Count, fresh.Select(l => l.GrantId).Distinct().Count());
    }

    [Fact]
    public void Every_labelled_grant_is_found_in_its_published_file()
    {
        var labels = AllLabels();
        var cases = RealGrantSources.Cases(DataFolder.Value, labels);
        Assert.Equal(labels.Count, cases.Count);
    }

    /// <summary>
    /// A guard against regression: the held-out figures measured once for rule set 2026.12-3 (level 84.2 %, purpose
    /// 87.8 %, wrong at ≥ 0.7 in 0.5 % of level and 2.3 % of purpose answers), less a margin of about one grant in
    /// fifty. Issue 13's targets (level ≥ 95 %, purpose ≥ 90 %, wrong at ≥ 0.7 under 2 %) are not met yet; README
    /// "Classification" says so.
    /// </summary>
    [Fact]
    public void Heldout_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("heldout"), level: 0.85, purpose: 0.86, levelWrongUnder: 0.02, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the fresh part (194 grants), measured once for rule set 2026.12-6 (level 86.6 %,
    /// purpose 87.6 %, wrong at ≥ 0.7 in 1.0 % of level and 3.1 % of purpose answers; 2026.12-5 over the same part
    /// before one grant shared with the tuning part was removed: 4.6 %). The purpose bound is near the measured figure,
    /// not issue 13's 2 %, which the fresh part does not meet (README "Classification").
    /// </summary>
    [Fact]
    public void Fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh"), level: 0.85, purpose: 0.86, levelWrongUnder: 0.02, purposeWrongUnder: 0.04);

    /// <summary>
    /// A guard against regression on the second fresh part (186 grants), measured once for rule sets 2026.12-5 and
    /// 2026.12-6 (both: level 88.2 %, purpose 93.5 %, wrong at ≥ 0.7 in 0 % of level and 1.1 % of purpose answers),
    /// less a margin of about one grant in fifty.
    /// </summary>
    [Fact]
    public void Second_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh2"), level: 0.86, purpose: 0.91, levelWrongUnder: 0.02, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the third fresh part (426 grants), measured once for rule set 2026.12-8 (level
    /// 84.5 %, purpose 93.0 %, wrong at ≥ 0.7 in 0.5 % of level and 1.2 % of purpose answers), less a margin of about
    /// one grant in fifty.
    /// </summary>
    [Fact]
    public void Third_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh3"), level: 0.83, purpose: 0.91, levelWrongUnder: 0.02, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the fourth fresh part (585 grants from 13 files, labelled blind after rule set
    /// 2026.12-9), measured once for 2026.12-9 (level 85.5 %, purpose 92.8 %, wrong at ≥ 0.7 in 1.5 % of level and
    /// 0.7 % of purpose answers), less a margin of about one grant in fifty.
    /// </summary>
    [Fact]
    public void Fourth_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh4"), level: 0.84, purpose: 0.91, levelWrongUnder: 0.02, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the fifth fresh part (264 grants from 7 files, labelled blind after rule set
    /// 2026.12-12), measured once for 2026.12-12 (level 92.8 %, purpose 95.5 %, wrong at ≥ 0.7 in 1.5 % of level and
    /// 0.4 % of purpose answers), less a margin of about one grant in fifty.
    /// </summary>
    [Fact]
    public void Fifth_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh5"), level: 0.90, purpose: 0.93, levelWrongUnder: 0.02, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the sixth fresh part (357 grants from 6 files, labelled blind after rule set
    /// 2026.12-13), measured once for 2026.12-13 (level 90.5 %, purpose 96.4 %, wrong at ≥ 0.7 in 2.0 % of level and
    /// 0.8 % of purpose answers), less a margin of about one grant in fifty.
    /// </summary>
    [Fact]
    public void Sixth_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh6"), level: 0.89, purpose: 0.94, levelWrongUnder: 0.025, purposeWrongUnder: 0.02);

    /// <summary>
    /// A guard against regression on the seventh fresh part (300 grants from the 5 files that still had unlabelled
    /// grants, labelled blind after rule set 2026.12-14), measured once for 2026.12-14 (level 93.7 %, purpose 97.3 %,
    /// wrong at ≥ 0.7 in 1.7 % of level and none of purpose answers), less a margin of about one grant in fifty.
    /// </summary>
    [Fact]
    public void Seventh_fresh_real_grants_do_not_fall_below_the_measured_figures() =>
        AssertAtLeast(Evaluate("fresh7"), level: 0.92, purpose: 0.95, levelWrongUnder: 0.025, purposeWrongUnder: 0.02);

    /// <summary>
    /// The held-out part labelled a second time, blind, by another person who saw neither the first labels nor the
    /// classifier: both labellings name the same grants, and they agree as measured (level 211 of 222, 95.0 %; purpose
    /// 218 of 222, 98.2 %; flexible 222 of 222), so a label file edited by hand shows here.
    /// </summary>
    [Fact]
    public void Two_blind_labellings_of_the_heldout_part_agree_as_measured()
    {
        var first = Labels("heldout").ToDictionary(l => (l.Source, l.GrantId));
        var second = Labels("heldout-second");
        Assert.All(second, l => Assert.Equal("heldout-second", l.Split));
        Assert.Equal(first.Keys.Order(), second.Select(l => (l.Source, l.GrantId)).Order());
        Assert.Equal(211, second.Count(l => first[(l.Source, l.GrantId)].Level == l.Level));
        Assert.Equal(218, second.Count(l => first[(l.Source, l.GrantId)].Purpose == l.Purpose));
        Assert.Equal(222, second.Count(l => first[(l.Source, l.GrantId)].Flexible == l.Flexible));
    }

    private static void AssertAtLeast(
        EvaluationReport report,
        double level,
        double purpose,
        double levelWrongUnder,
        double purposeWrongUnder
    )
    {
        Assert.True(report.Level.Accuracy >= level, $"level {report.Level.Accuracy:P1}");
        Assert.True(report.Purpose.Accuracy >= purpose, $"purpose {report.Purpose.Accuracy:P1}");
        Assert.True(
            report.Level.WrongHighConfidenceShare < levelWrongUnder,
            $"level wrong ≥ 0.7: {report.Level.WrongHighConfidence}"
        );
        Assert.True(
            report.Purpose.WrongHighConfidenceShare < purposeWrongUnder,
            $"purpose wrong ≥ 0.7: {report.Purpose.WrongHighConfidence}"
        );
    }

    /// <summary>Answers at confidence ≥ 0.9 are right at least nine times in ten on grants nobody tuned on.</summary>
    [Fact]
    public void High_confidence_means_right_on_heldout_grants()
    {
        var report = Evaluate("heldout");
        foreach (var d in new[] { report.Level, report.Purpose, report.Flexible })
        {
            var high = d.Reliability.Where(b => b.From >= 0.9).ToList();
            var answers = high.Sum(b => b.Answers);
            Assert.True(answers > 0, d.Name);
            Assert.True(high.Sum(b => b.Right) >= 0.9 * answers, $"{d.Name}: {high.Sum(b => b.Right)} of {answers}");
        }
    }

    [Fact]
    public void Every_unclassified_answer_says_why()
    {
        var cases = RealGrantSources.Cases(DataFolder.Value, AllLabels());
        foreach (var c in cases)
        {
            var r = ClassificationEngine.Default.Classify(c.Grant);
            if (r.Level.Value == GrantLevel.Unclassified)
            {
                Assert.Contains(r.Level.Evidence, e => e.StartsWith("unclassified: ", StringComparison.Ordinal));
            }

            if (r.Purpose.Value == GrantPurpose.Unclassified)
            {
                Assert.Contains(r.Purpose.Evidence, e => e.StartsWith("unclassified: ", StringComparison.Ordinal));
            }
        }
    }

    private EvaluationReport Evaluate(string part)
    {
        var cases = RealGrantSources.Cases(DataFolder.Value, Labels(part));
        var report = Evaluation.Run(ClassificationEngine.Default, cases);
        output.WriteLine(report.Format(withMistakes: true));
        return report;
    }

    private static List<RealLabel> AllLabels() =>
        [
            .. Labels("tuning"),
            .. Labels("heldout"),
            .. Labels("fresh"),
            .. Labels("fresh2"),
            .. Labels("fresh3"),
            .. Labels("fresh4"),
            .. Labels("fresh5"),
            .. Labels("fresh6"),
            .. Labels("fresh7"),
        ];

    private static IReadOnlyList<RealLabel> Labels(string part) =>
        RealGrantSources.ReadLabels(
            Path.Combine(AppContext.BaseDirectory, "Classification", "RealData", $"labels-{part}.jsonl")
        );
}
