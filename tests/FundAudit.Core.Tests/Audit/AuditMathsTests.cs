using FundAudit.Core.Audit;

namespace FundAudit.Core.Tests.Audit;

public sealed class AuditMathsTests
{
    [Fact]
    public void Shares_are_exact_percentages_rounded_half_to_even_to_two_decimals()
    {
        Assert.Equal(33.33m, AuditMaths.Share(1, 3));
        Assert.Equal(66.67m, AuditMaths.Share(2, 3));
        Assert.Equal(0.12m, AuditMaths.Share(1, 800)); // 0.125 → 0.12
        Assert.Equal(0.38m, AuditMaths.Share(3, 800)); // 0.375 → 0.38
        Assert.Equal(0m, AuditMaths.Share(5, 0));
    }

    [Fact]
    public void A_shift_is_the_difference_of_the_exact_shares()
    {
        // then 1/3 = 33.333…%, now 1/2 = 50% → +16.666… → 16.67 points.
        Assert.Equal(16.67m, AuditMaths.ShiftPoints(1, 3, 1, 2));
        Assert.Equal(-50m, AuditMaths.ShiftPoints(1, 1, 1, 2));
    }

    [Fact]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_values()
    {
        Assert.Equal(5L, AuditMaths.Median([1, 5, 9]));
        Assert.Equal(4L, AuditMaths.Median([1, 3, 5, 9])); // (3+5)/2
        Assert.Equal(2L, AuditMaths.Median([1, 4])); // 2.5 → 2 (even)
        Assert.Equal(0L, AuditMaths.Median([]));
    }

    [Fact]
    public void Target_progress_runs_from_the_baseline_to_the_target_and_on_track_follows_a_straight_line()
    {
        var start = new DateOnly(2025, 1, 1);
        var due = new DateOnly(2027, 1, 1); // 730 days
        // Local share from 20% to ≥ 30%; now 25% after 365 days: progress 50%, expected 25% → on track.
        var half = TargetProgress.Evaluate(
            TargetDirection.AtLeast,
            30m,
            20m,
            25m,
            start,
            due,
            new DateOnly(2026, 1, 1)
        );
        Assert.Equal(50m, half.Progress);
        Assert.Equal(25m, half.Expected);
        Assert.True(half.OnTrack);
        Assert.False(half.Met);

        var behind = TargetProgress.Evaluate(
            TargetDirection.AtLeast,
            30m,
            20m,
            22m,
            start,
            due,
            new DateOnly(2026, 1, 1)
        );
        Assert.Equal(20m, behind.Progress);
        Assert.False(behind.OnTrack);

        var met = TargetProgress.Evaluate(TargetDirection.AtMost, 10m, 20m, 9m, start, due, new DateOnly(2025, 2, 1));
        Assert.True(met.Met);
        Assert.Equal(100m, met.Progress);

        // The baseline (75%) met "≥ 50%" but the share slipped to 38%: not met, progress 0, expected the target itself.
        var slipped = TargetProgress.Evaluate(
            TargetDirection.AtLeast,
            50m,
            75m,
            38m,
            start,
            due,
            new DateOnly(2026, 1, 1)
        );
        Assert.Equal(0m, slipped.Progress);
        Assert.Equal(50m, slipped.Expected);
        Assert.False(slipped.OnTrack);

        var worse = TargetProgress.Evaluate(
            TargetDirection.AtLeast,
            30m,
            20m,
            15m,
            start,
            due,
            new DateOnly(2028, 1, 1)
        );
        Assert.Equal(0m, worse.Progress);
        Assert.False(worse.OnTrack);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    public void Csv_cells_starting_with_a_formula_character_are_made_inert(string value, string expected)
    {
        Assert.Equal(expected, CsvCell.Format(value));
    }

    [Fact]
    public void The_ecb_history_loads_as_published_and_a_bad_cell_is_named_by_row_and_column()
    {
        var ecb = "Date,USD,JPY,CYP,\n2025-05-09,1.1252,163.36,N/A,\n2025-05-08,1.1297,163.45,N/A,\n";
        var parsed = RatesCsv.Parse(new StringReader(ecb));
        Assert.Empty(parsed.Errors);
        Assert.Equal("ecb", parsed.Layout);
        Assert.Equal(4, parsed.Rates.Count);
        Assert.Contains(new ExchangeRate(new DateOnly(2025, 5, 9), "USD", "EUR", 1.1252m), parsed.Rates);

        var bad = RatesCsv.Parse(
            new StringReader(
                "date,currency,rate_to_base,base\n2025-05-09,USD,1.1,EUR\n2025-05-10,USD,abc,EUR\n2025-13-01,GBP,0.8,EUR\n"
            )
        );
        Assert.Empty(bad.Rates);
        Assert.Contains(new RatesCsvError(3, "rate_to_base", "'abc' is not a positive rate."), bad.Errors);
        Assert.Contains(bad.Errors, e => e.Row == 4 && e.Column == "date");
    }

    [Fact]
    public void The_published_ecb_file_loads_whole()
    {
        var path = Path.GetFullPath(
            Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data/fx/ecb-eurofxref-hist.csv")
        );
        if (!File.Exists(path))
        {
            return; // ../shared beside the repository is always there in CI
        }

        using var reader = File.OpenText(path);
        var parsed = RatesCsv.Parse(reader);
        Assert.Empty(parsed.Errors);
        Assert.True(
            parsed.Rates.Count > 100_000,
            parsed.Rates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
    }
}
