using System.Globalization;
using Dapper;
using FundAudit.Api.Features.Audit;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Audit;

/// <summary>
/// PostgreSQL's mix grouped and converted by the server (<see cref="PostgresMixTotals"/>) equals the service's own
/// (the grouped sums converted in C#, <see cref="MixCalculator"/> with medians), cell by cell and figure by figure,
/// over random grants: five currencies (JPY without minor units, CHF at a rate of exactly 2 so that odd sums land on
/// a half, which rounds to even), corrections, places spelled several ways, two programmes, every source; for every
/// grouping and filter, in two report currencies and two fiscal years. The total also equals a from-scratch GROUP BY
/// of the grants converted with <see cref="CurrencyConversion"/>, and a currency without rates stops both alike.
/// </summary>
public sealed class PostgresMixTotalsTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    private static readonly AuditPeriod Year2024 = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

    private static readonly string[][] Groupings =
    [
        ["level", "purpose"],
        ["level"],
        ["flexible"],
        ["year", "level"],
        ["level", "country"],
        ["region", "purpose"],
        ["programme"],
        ["country", "programme", "flexible"],
        ["year", "region", "programme"],
    ];

    [Fact]
    public async Task The_server_converted_mix_equals_the_service_converted_mix_over_random_grants()
    {
        var funderId = await SeedAsync(seed: 18);
        var server = app.Services.GetRequiredService<PostgresMixTotals>();
        var mix = app.Services.GetRequiredService<MixCalculator>();
        Assert.True(server.Serves(medians: false));
        var compared = 0;
        foreach (var q in Queries())
        {
            var converted = await server.ComputeAsync(funderId, q, default);
            Assert.NotNull(converted);
            var (byServer, missing) = converted.Value;
            Assert.Null(missing);
            var (byService, _) = await mix.ComputeAsync(funderId, q, medians: true, default);
            Assert.Equal(Describe(byService!), Describe(byServer!));
            Assert.NotEmpty(byServer!.Cells);
            compared++;
        }

        Assert.True(compared >= 30, $"{compared} queries compared");
        var total = await FromScratchTotalAsync(funderId, "USD");
        var (usd, _) = (await server.ComputeAsync(funderId, Query(["level", "purpose"], "USD"), default))!.Value;
        Assert.Equal(total, usd!.TotalMinor);
    }

    [Fact]
    public async Task A_currency_without_rates_stops_the_server_converted_mix_as_it_stops_the_service()
    {
        var funderId = await SeedAsync(seed: 7);
        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            await connection.ExecuteAsync(
                "UPDATE grants SET currency = 'SEK' WHERE funder_id = @FunderId AND id % 9 = 0",
                new { FunderId = funderId }
            );
        }

        var q = Query(["region", "purpose"], "EUR");
        var (mix, missing) = (
            await app.Services.GetRequiredService<PostgresMixTotals>().ComputeAsync(funderId, q, default)
        )!.Value;
        var (_, expected) = await app
            .Services.GetRequiredService<MixCalculator>()
            .ComputeAsync(funderId, q, true, default);
        Assert.Null(mix);
        Assert.NotNull(expected);
        Assert.Equal(
            expected.Missing.Select(m => $"{m.Currency} {m.Date}"),
            missing!.Missing.Select(m => $"{m.Currency} {m.Date}")
        );
        Assert.All(missing.Missing, m => Assert.Equal("SEK", m.Currency));
    }

    private static IEnumerable<MixQuery> Queries()
    {
        foreach (var currency in new[] { "EUR", "USD", "JPY" })
        {
            foreach (var groupBy in Groupings)
            {
                yield return Query(groupBy, currency);
            }
        }

        var lp = Query(["level", "purpose"], "GBP");
        yield return lp with
        {
            Region = "Africa",
        };
        yield return lp with
        {
            Country = "HN",
        };
        yield return lp with
        {
            Programme = "Protection",
        };
        yield return lp with
        {
            Source = "manual",
        };
        yield return lp with
        {
            Source = "rule",
        };
        yield return lp with
        {
            Source = "explicit",
            GroupBy = ["country"],
        };
        yield return lp with
        {
            Region = "Latin America and the Caribbean",
            GroupBy = ["year", "programme"],
        };
        yield return lp with
        {
            FiscalYearStartMonth = 4,
            GroupBy = ["year", "purpose"],
        };
        yield return lp with
        {
            Period = new AuditPeriod(new DateOnly(2024, 4, 1), new DateOnly(2024, 9, 30)),
        };
    }

    private static MixQuery Query(string[] groupBy, string currency) =>
        new(Year2024, currency, groupBy, null, null, null, null, 1);

    private static string Describe(MixResult m) =>
        string.Join(
            "\n",
            m.Cells.Select(c =>
                    $"{string.Join(",", c.Key.Select(kv => $"{kv.Key}={kv.Value}"))}: {c.AmountMinor} / {c.Grants}"
                )
                .Prepend(
                    $"total {m.TotalMinor} / {m.Grants}; pc {m.PreventionCollectiveMinor}; flex {m.FlexibleMinor}; "
                        + $"local {m.LocalMinor}; unclassified {m.UnclassifiedMinor} / {m.UnclassifiedGrants}; "
                        + string.Join(" ", m.LevelMinor.Concat(m.PurposeMinor).Select(kv => $"{kv.Key}={kv.Value}"))
                )
        );

    /// <summary>The period's total in <paramref name="target"/>: the grants grouped from scratch, each group
    /// converted by <see cref="CurrencyConversion"/> with the funder's rate book.</summary>
    private async Task<long> FromScratchTotalAsync(long funderId, string target)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var rates = (
            await connection.QueryAsync<(string Base, string Currency, DateOnly Date, string Rate)>(
                "SELECT base, currency, rate_date, rate FROM fx_rates WHERE funder_id = @FunderId",
                new { FunderId = funderId }
            )
        ).Select(r => new ExchangeRate(
            r.Date,
            r.Currency,
            r.Base,
            decimal.Parse(r.Rate, CultureInfo.InvariantCulture)
        ));
        var book = new RateBook(rates, 7);
        var groups = await connection.QueryAsync<(string Currency, DateOnly Day, long Amount)>(
            """
            SELECT g.currency, g.award_date, SUM(g.amount_awarded)
            FROM grants g LEFT JOIN grant_corrections c ON c.grant_id = g.id
            WHERE g.funder_id = @FunderId AND g.award_date BETWEEN @From AND @To
            GROUP BY g.currency, g.award_date, COALESCE(c.level, g.level), COALESCE(c.purpose, g.purpose),
                     COALESCE(c.flexible, g.flexible)
            """,
            new
            {
                FunderId = funderId,
                Year2024.From,
                Year2024.To,
            }
        );
        return groups.Sum(g =>
        {
            var pair = book.Pair(g.Currency, target, g.Day)!.Value;
            return CurrencyConversion.Convert(g.Amount, g.Currency, pair.Source, target, pair.Target);
        });
    }

    /// <summary>
    /// A new funder with 3,000 random grants of 2024 (and a few of 2023 and 2025, outside the period), a correction
    /// on one in seven, and daily rates of every currency against EUR (CHF at exactly 2).
    /// </summary>
    private async Task<long> SeedAsync(int seed)
    {
        var tenant = await app.CreateTenantAsync();
        var random = new Random(seed);
        string[] currencies = ["EUR", "USD", "GBP", "JPY", "CHF"];
        string?[] countries = ["HN", "hn", "Honduras", "KE", "kenya", "GT", "Atlantis", null, "FR", "IN"];
        string?[] programmes = ["Protection", "Shelter", null];
        string[] levels = ["global", "regional", "national", "local", "unclassified"];
        string[] purposes = ["prevention", "collective", "emergency", "campaign", "other", "unclassified"];
        string?[] sources = ["explicit", "rule", null];
        bool?[] flexible = [true, false, null];
        T Pick<T>(T[] values) => values[random.Next(values.Length)];
        var grants = Enumerable
            .Range(0, 3000)
            .Select(i => new
            {
                Currency = Pick(currencies),
                Amount = (long)random.Next(1, 2_000_000),
                Day = new DateOnly(2023, 12, 20).AddDays(random.Next(380)),
                Country = Pick(countries),
                Programme = Pick(programmes),
                Level = Pick(levels),
                Purpose = Pick(purposes),
                Source = Pick(sources),
                Flexible = Pick(flexible),
            })
            .ToList();
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, recipient_country,
                                programme_title, level, purpose, purpose_source, flexible, content_hash,
                                created_at, updated_at)
            SELECT @FunderId, 'R-' || u.i, 'Random grant ' || u.i, u.cur, u.amount, u.day, u.country, u.programme,
                   u.level, u.purpose, u.source, u.flexible, 'hash-' || u.i, now(), now()
            FROM unnest(@Currency::text[], @Amount::bigint[], @Day::date[], @Country::text[], @Programme::text[],
                        @Level::text[], @Purpose::text[], @Source::text[], @Flexible::boolean[])
                 WITH ORDINALITY AS u(cur, amount, day, country, programme, level, purpose, source, flexible, i)
            """,
            new
            {
                tenant.FunderId,
                Currency = grants.Select(g => g.Currency).ToArray(),
                Amount = grants.Select(g => g.Amount).ToArray(),
                Day = grants.Select(g => g.Day).ToArray(),
                Country = grants.Select(g => g.Country).ToArray(),
                Programme = grants.Select(g => g.Programme).ToArray(),
                Level = grants.Select(g => g.Level).ToArray(),
                Purpose = grants.Select(g => g.Purpose).ToArray(),
                Source = grants.Select(g => g.Source).ToArray(),
                Flexible = grants.Select(g => g.Flexible).ToArray(),
            }
        );
        await connection.ExecuteAsync(
            """
            INSERT INTO grant_corrections (funder_id, grant_id, level, purpose, flexible, reason, corrected_by,
                                           corrected_at)
            SELECT funder_id, id, CASE WHEN id % 2 = 0 THEN 'local' END, CASE WHEN id % 3 = 0 THEN 'collective' END,
                   CASE WHEN id % 5 = 0 THEN true END, 'Board papers.', 'test', now()
            FROM grants WHERE funder_id = @FunderId AND id % 7 = 0
            """,
            new { tenant.FunderId }
        );
        var rates = new List<(string Currency, DateOnly Day, string Rate)>();
        for (var day = new DateOnly(2023, 12, 1); day <= new DateOnly(2025, 1, 31); day = day.AddDays(1))
        {
            rates.Add(("USD", day, (1m + random.Next(1, 99_999) / 100_000m).ToString(CultureInfo.InvariantCulture)));
            rates.Add(("GBP", day, (0.8m + random.Next(1, 9_999) / 100_000m).ToString(CultureInfo.InvariantCulture)));
            rates.Add(("JPY", day, (150m + random.Next(1, 9_999) / 1_000m).ToString(CultureInfo.InvariantCulture)));
            rates.Add(("CHF", day, "2"));
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO fx_rates (funder_id, base, currency, rate_date, rate, loaded_at)
            SELECT @FunderId, 'EUR', u.currency, u.day, u.rate, now()
            FROM unnest(@Currency::text[], @Day::date[], @Rate::text[]) AS u(currency, day, rate)
            """,
            new
            {
                tenant.FunderId,
                Currency = rates.Select(r => r.Currency).ToArray(),
                Day = rates.Select(r => r.Day).ToArray(),
                Rate = rates.Select(r => r.Rate).ToArray(),
            }
        );
        return tenant.FunderId;
    }
}
