using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Core.Audit;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// The medians' integer arithmetic (<see cref="ExactFactor"/>) against the decimal path it replaces,
/// <c>Math.Round(amount * factor, 6, MidpointRounding.AwayFromZero)</c>: equal for random amounts and factors of every
/// shape (rate quotients of 28 digits, every decimal scale, whole and short factors, negative and extreme amounts)
/// and at the rounding edges (exact halves at the 7th decimal, products next to 2^96 where the decimal product
/// starts to round, values past a long); and <see cref="MixMedians"/> over those values equal to a sort.
/// </summary>
public sealed class MedianArithmeticTests
{
    private static decimal Reference(long amount, decimal factor) =>
        Math.Round(amount * factor, 6, MidpointRounding.AwayFromZero);

    private static void AssertSame(long amount, decimal factor)
    {
        bool fits;
        var micros = 0m;
        try
        {
            micros = Reference(amount, factor) * 1_000_000m;
            fits = micros is >= long.MinValue and <= long.MaxValue;
        }
        catch (OverflowException)
        {
            fits = false;
        }

        var ok = new ExactFactor(factor).Micros(amount, out var actual);
        Assert.True(ok == fits, $"{amount} × {factor}: fits {fits}, answered {ok}");
        if (ok)
        {
            Assert.True(micros == actual, $"{amount} × {factor}: decimal {micros}, integers {actual}");
            Assert.Equal(Reference(amount, factor), ExactFactor.ToDecimal(actual));
        }
    }

    private static decimal RandomFactor(Random random) =>
        random.Next(7) switch
        {
            0 => random.Next(1, 100_000) * 100m / (random.Next(1, 100_000) / 1000m * 100m), // a rate quotient
            1 => new decimal(random.Next(), random.Next(), random.Next(), false, (byte)random.Next(29)),
            2 => new decimal(random.Next(), random.Next(3), 0, false, (byte)random.Next(29)),
            3 => new decimal(random.Next(1, 20), 0, 0, false, (byte)random.Next(10)),
            4 => 1m / random.Next(1, 1000),
            5 => 1m,
            _ => (decimal)random.NextDouble() * random.Next(1, 1000),
        };

    private static long RandomAmount(Random random) =>
        random.Next(6) switch
        {
            0 => random.NextInt64(-1000, 1000),
            1 => random.NextInt64(long.MinValue, long.MaxValue),
            2 => random.NextInt64(-1L << 40, 1L << 40),
            3 => (random.Next(2) == 0 ? 1 : -1) * 5 * (long)Math.Pow(10, random.Next(17)),
            4 => random.Next(2) == 0 ? long.MinValue : long.MaxValue,
            _ => random.NextInt64(0, 100_000_000),
        };

    [Fact]
    public void Integers_equal_the_decimal_path_for_random_amounts_and_factors()
    {
        var random = new Random(1802);
        for (var i = 0; i < 300_000; i++)
        {
            AssertSame(RandomAmount(random), RandomFactor(random));
        }
    }

    [Fact]
    public void Integers_equal_the_decimal_path_at_the_rounding_edges()
    {
        var random = new Random(96);
        foreach (var amount in new long[] { 0, 1, -1, 2, 3, 5, 7, 999_999, 1_000_001, long.MaxValue, long.MinValue })
        {
            foreach (var factor in new[] { 1m, 0.5m, 0.0000005m, 0.0000015m, 1.0000005m, 0.8m, 1m / 3m, 2m / 3m })
            {
                AssertSame(amount, factor);
            }
        }

        for (var i = 0; i < 50_000; i++)
        {
            // Exact halves at the 7th decimal: 5 at the end of a 7-decimal factor times an odd amount.
            AssertSame(
                random.NextInt64(-100_000, 100_000),
                new decimal(random.Next(0, 1_000_000) * 10 + 5, 0, 0, false, 7)
            );

            // Products next to 2^96 × 10^k, where the decimal product starts to drop k digits and round half to even.
            var factor = RandomFactor(random);
            var m = decimal.GetBits(factor) is var b
                ? ((UInt128)(uint)b[2] << 64) | ((UInt128)(uint)b[1] << 32) | (uint)b[0]
                : 0;
            if (m == 0)
            {
                continue;
            }

            var edge = (UInt128.One << 96) * UInt128.Parse("1" + new string('0', random.Next(11))) / m;
            foreach (var delta in new[] { -2, -1, 0, 1, 2 })
            {
                var amount = (Int128)edge + delta;
                if (amount >= 0 && amount <= long.MaxValue)
                {
                    AssertSame((long)amount, factor);
                }
            }
        }
    }

    [Fact]
    public void The_medians_of_grants_read_in_two_ranges_equal_a_sort_of_their_decimal_values()
    {
        var random = new Random(18);
        var days = Enumerable.Range(0, 40).Select(d => new DateOnly(2024, 1, 1).AddDays(d)).ToArray();
        foreach (var big in new[] { false, true })
        {
            var factors = days.SelectMany(d => new[] { ("EUR", d), ("USD", d) })
                .ToDictionary(k => k, k => k.Item1 == "EUR" ? 1m : 100m / (random.Next(80, 140) / 100m * 100m));
            var low = new MixMedians(["year"]);
            var high = new MixMedians(["year"]);
            var expected = new List<(int Year, decimal X)>();
            for (var i = 0; i < 3000; i++)
            {
                var day = days[random.Next(days.Length)];
                var currency = random.Next(3) == 0 ? "USD" : "EUR";
                // past 9.2 × 10^12 report minor units the values no longer fit a long of millionths: decimals answer
                var amount = big && i == 1234 ? long.MaxValue / 3 : random.Next(1, 1_000_000) * (random.Next(2) + 1L);
                var row = new MixRow { Currency = currency, AwardDate = day };
                (day.Day % 2 == 0 ? low : high).Add(row, 7, amount);
                expected.Add(
                    (AuditYear(day), Math.Round(amount * factors[(currency, day)], 6, MidpointRounding.AwayFromZero))
                );
            }

            low.AddAll(high);
            Assert.Equal(3000, low.Count);
            var rows = low.Rows(factors);
            foreach (var cell in expected.GroupBy(e => e.Year))
            {
                var sorted = cell.Select(e => e.X).Order().ToList();
                var n = sorted.Count;
                decimal[] middle = n % 2 == 1 ? new[] { sorted[n / 2] } : [sorted[(n - 1) / 2], sorted[n / 2]];
                Assert.Equal(middle, rows.Where(r => r.Year == cell.Key).Select(r => r.X).ToArray());
            }
        }
    }

    private static int AuditYear(DateOnly day) => AuditPeriod.FiscalYearOf(day, 7);

    /// <summary>
    /// A grant whose (currency, day) the sums did not price was written between the two reads of the report: it is
    /// named, and it is "busy" (the report reads again once, then answers 503 with Retry-After), never a 500.
    /// </summary>
    [Fact]
    public void A_grant_without_its_days_factor_is_named_and_means_the_reads_disagreed()
    {
        var medians = new MixMedians(["level"]);
        medians.Add(new MixRow { Currency = "USD", AwardDate = new DateOnly(2024, 3, 1) }, 1, 100);
        var error = Assert.Throws<ReadChangedException>(() =>
            medians.Rows(new Dictionary<(string, DateOnly), decimal> { [("EUR", new DateOnly(2024, 3, 1))] = 1m })
        );
        Assert.Contains("USD on 2024-03-01", error.Message);
        Assert.True(DatabaseBusy.Is(error));
    }
}
