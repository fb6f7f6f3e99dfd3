using System.Globalization;
using FundAudit.Api.Features.Pages;

namespace FundAudit.Api.Tests.Pages;

/// <summary>Amounts as people type them: the separator's position decides, never the page's language.</summary>
public sealed class TypedAmountTests
{
    [Theory]
    [InlineData("1200", "1200")]
    [InlineData("1,200", "1200")] // English grouping: was read as 1.2
    [InlineData("1.200", "1200")] // Spanish, Portuguese grouping
    [InlineData("1,200,000", "1200000")]
    [InlineData("1.200.000", "1200000")]
    [InlineData("800,50", "800.50")]
    [InlineData("800.5", "800.5")]
    [InlineData("1,200.50", "1200.50")]
    [InlineData("1.200,50", "1200.50")]
    [InlineData("0,75", "0.75")]
    public void Reads_dot_and_comma_by_their_position(string typed, string expected)
    {
        Assert.True(TypedAmount.TryParse(typed, out var amount));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), amount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12,5000")] // a group of four
    [InlineData("1,20,000")] // a group of two
    [InlineData("1.200,000")] // two kinds of grouping and three decimals
    [InlineData("1,200,50")] // a decimal mark that is also the grouping
    [InlineData("1.2.3")]
    [InlineData("1200.")]
    [InlineData(",50")]
    [InlineData("-5")]
    [InlineData("12a")]
    [InlineData("1,234.567")]
    public void Refuses_what_could_mean_two_amounts_or_none(string typed) =>
        Assert.False(TypedAmount.TryParse(typed, out _), typed);
}
