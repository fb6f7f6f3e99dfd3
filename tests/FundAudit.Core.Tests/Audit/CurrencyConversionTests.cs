using FundAudit.Core.Audit;

namespace FundAudit.Core.Tests.Audit;

public sealed class CurrencyConversionTests
{
    [Theory]
    // 100.00 USD at 1 EUR = 1.25 USD → 80.00 EUR exactly.
    [InlineData(10000L, "USD", "1.25", "EUR", "1", 8000L)]
    // 0.05 GBP → EUR at 1 EUR = 0.8 GBP: 5 / 0.8 = 6.25 cents → half to even → 6.
    [InlineData(5L, "GBP", "0.8", "EUR", "1", 6L)]
    // 0.07 GBP: 7 / 0.8 = 8.75 → 9.
    [InlineData(7L, "GBP", "0.8", "EUR", "1", 9L)]
    // 0.03 GBP: 3 / 0.8 = 3.75 → 4; 0.01 GBP: 1.25 → 1.
    [InlineData(3L, "GBP", "0.8", "EUR", "1", 4L)]
    [InlineData(1L, "GBP", "0.8", "EUR", "1", 1L)]
    // Cross through EUR: 1000 JPY (no minor unit) to USD with 1 EUR = 160 JPY = 1.10 USD: 1000 × 1.10 × 100 / 160 = 687.5 cents → 688 (even).
    [InlineData(1000L, "JPY", "160", "USD", "1.10", 688L)]
    // Into a 3-decimal currency: 1.00 EUR at 1 EUR = 0.3345 KWD → 334.5 fils → 334 (even).
    [InlineData(100L, "EUR", "1", "KWD", "0.3345", 334L)]
    public void Converts_minor_units_exactly_and_rounds_once_half_to_even(
        long amount,
        string source,
        string sourceRate,
        string target,
        string targetRate,
        long expected
    )
    {
        Assert.Equal(
            expected,
            CurrencyConversion.Convert(
                amount,
                source,
                decimal.Parse(sourceRate, System.Globalization.CultureInfo.InvariantCulture),
                target,
                decimal.Parse(targetRate, System.Globalization.CultureInfo.InvariantCulture)
            )
        );
    }

    [Fact]
    public void The_same_currency_is_never_rounded()
    {
        Assert.Equal(123456789L, CurrencyConversion.Convert(123456789L, "GBP", 0.87m, "gbp", 0.87m));
    }

    [Fact]
    public void A_rate_book_uses_the_nearest_earlier_date_within_the_window_and_crosses_through_the_base()
    {
        var book = new RateBook(
            [
                new ExchangeRate(new DateOnly(2025, 5, 9), "USD", "EUR", 1.25m), // a Friday
                new ExchangeRate(new DateOnly(2025, 5, 9), "GBP", "EUR", 0.8m),
                new ExchangeRate(new DateOnly(2025, 5, 12), "USD", "EUR", 1.20m),
            ],
            windowDays: 4
        );

        Assert.Equal(1.25m, book.RateOn("EUR", "USD", new DateOnly(2025, 5, 11))); // Sunday: Friday's rate
        Assert.Equal(1.20m, book.RateOn("EUR", "USD", new DateOnly(2025, 5, 12)));
        Assert.Null(book.RateOn("EUR", "USD", new DateOnly(2025, 5, 8))); // nothing earlier
        Assert.Null(book.RateOn("EUR", "GBP", new DateOnly(2025, 5, 14))); // 5 days after: outside the window
        Assert.Equal(1m, book.RateOn("EUR", "EUR", new DateOnly(1999, 1, 1)));
        // 100.00 USD → GBP on 2025-05-10: 10000 × 0.8 / 1.25 = 6400.
        Assert.Equal(6400L, book.Convert(10000, "USD", "GBP", new DateOnly(2025, 5, 10)));
        Assert.Null(book.Convert(10000, "USD", "CHF", new DateOnly(2025, 5, 10)));
    }

    [Fact]
    public void Fiscal_years_start_on_the_configured_month()
    {
        Assert.Equal(
            new AuditPeriod(new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31)),
            AuditPeriod.FiscalYear(2024, 4)
        );
        Assert.Equal(
            new AuditPeriod(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)),
            AuditPeriod.FiscalYear(2025, 1)
        );
        Assert.Equal(2024, AuditPeriod.FiscalYearOf(new DateOnly(2025, 3, 31), 4));
        Assert.Equal(2025, AuditPeriod.FiscalYearOf(new DateOnly(2025, 4, 1), 4));
    }
}
