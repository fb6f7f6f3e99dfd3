using FundAudit.Core.Money;

namespace FundAudit.Core.Tests.Money;

public sealed class MinorUnitsTests
{
    [Theory]
    [InlineData("1234.56", "GBP", 123456L)]
    [InlineData("1,234.5", "EUR", 123450L)]
    [InlineData("5000", "JPY", 5000L)]
    [InlineData("1.234", "KWD", 1234L)]
    [InlineData("0", "USD", 0L)]
    public void Parses_amounts_to_minor_units_with_the_currency_exponent(string text, string currency, long expected)
    {
        Assert.True(MinorUnits.TryParse(text, currency, out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("12.345", "GBP")] // more decimals than pence
    [InlineData("10.5", "JPY")] // yen has no minor unit
    [InlineData("abc", "GBP")]
    [InlineData("10", "XXX")] // unknown currency
    [InlineData("99999999999999999999999", "USD")] // overflows long
    public void Refuses_amounts_that_would_need_rounding_or_are_not_numbers(string text, string currency)
    {
        Assert.False(MinorUnits.TryParse(text, currency, out _));
    }

    [Fact]
    public void Round_trips_minor_units_to_decimal()
    {
        Assert.Equal(1234.56m, MinorUnits.ToDecimal(123456, "GBP"));
        Assert.Equal(1.234m, MinorUnits.ToDecimal(1234, "BHD"));
    }

    [Fact]
    public void Knows_active_codes_case_insensitively_and_rejects_others()
    {
        Assert.True(Currencies.IsKnown("usd"));
        Assert.True(Currencies.IsKnown("CHF"));
        Assert.False(Currencies.IsKnown("GBX"));
        Assert.False(Currencies.IsKnown(""));
        Assert.False(Currencies.IsKnown(null));
    }
}
