using Dapper;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Platform;

/// <summary>Every column type the schema uses comes back exactly as written, on each engine.</summary>
public abstract class StorageRoundTripTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    public sealed class Row
    {
        public long AmountAwarded { get; init; }

        public long? AmountDisbursed { get; init; }

        public DateOnly AwardDate { get; init; }

        public DateOnly? PlannedStartDate { get; init; }

        public bool? ExplicitFlexible { get; init; }

        public double? LevelConfidence { get; init; }

        public string Title { get; init; } = "";

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? ClassifiedAt { get; init; }
    }

    [Theory]
    [InlineData(long.MaxValue, 0L, "2100-12-31", true, 0.123456789)]
    [InlineData(0L, null, "1900-01-01", false, 1.0)]
    [InlineData(123456789012L, 5L, "2024-02-29", null, null)]
    public async Task Money_dates_flags_confidences_text_and_instants_round_trip(
        long awarded,
        long? disbursed,
        string date,
        bool? flexible,
        double? confidence
    )
    {
        var tenant = await app.CreateTenantAsync();
        var db = app.Services.GetRequiredService<Db>();
        var instant = new DateTimeOffset(2026, 3, 29, 1, 30, 15, 123, TimeSpan.Zero).AddTicks(4560); // microsecond precision
        var written = new Row
        {
            AmountAwarded = awarded,
            AmountDisbursed = disbursed,
            AwardDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            PlannedStartDate = flexible is null ? null : new DateOnly(2025, 1, 31),
            ExplicitFlexible = flexible,
            LevelConfidence = confidence,
            Title = "Défense des défenseurs — 保護 — \u202Eright-to-left\u202C 🛡",
            CreatedAt = instant,
            ClassifiedAt = flexible is null ? null : instant.AddDays(-400),
        };

        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, amount_disbursed, award_date, planned_start_date,
                                explicit_flexible, level_confidence, content_hash, created_at, updated_at, classified_at)
            VALUES (@FunderId, @Identifier, @Title, 'USD', @AmountAwarded, @AmountDisbursed, @AwardDate, @PlannedStartDate,
                    @ExplicitFlexible, @LevelConfidence, @Hash, @CreatedAt, @CreatedAt, @ClassifiedAt)
            """,
            new
            {
                tenant.FunderId,
                Identifier = "RT-" + awarded,
                written.Title,
                written.AmountAwarded,
                written.AmountDisbursed,
                written.AwardDate,
                written.PlannedStartDate,
                written.ExplicitFlexible,
                written.LevelConfidence,
                written.CreatedAt,
                written.ClassifiedAt,
                Hash = new byte[] { 0x68 },
            }
        );

        var read = await connection.QuerySingleAsync<Row>(
            """
            SELECT amount_awarded, amount_disbursed, award_date, planned_start_date, explicit_flexible, level_confidence, title, created_at, classified_at
            FROM grants WHERE funder_id = @FunderId AND identifier = @Identifier
            """,
            new { tenant.FunderId, Identifier = "RT-" + awarded }
        );

        Assert.Equal(written.AmountAwarded, read.AmountAwarded);
        Assert.Equal(written.AmountDisbursed, read.AmountDisbursed);
        Assert.Equal(written.AwardDate, read.AwardDate);
        Assert.Equal(written.PlannedStartDate, read.PlannedStartDate);
        Assert.Equal(written.ExplicitFlexible, read.ExplicitFlexible);
        Assert.Equal(written.LevelConfidence, read.LevelConfidence);
        Assert.Equal(written.Title, read.Title);
        Assert.Equal(written.CreatedAt, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(written.ClassifiedAt, read.ClassifiedAt);
    }

    [Fact]
    public async Task The_database_refuses_a_second_grant_with_the_same_funder_and_identifier()
    {
        var tenant = await app.CreateTenantAsync();
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        const string insert = """
            INSERT INTO grants (funder_id, identifier, title, currency, amount_awarded, award_date, content_hash, created_at, updated_at)
            VALUES (@FunderId, 'DUP-1', 't', 'GBP', 1, @Date, @Hash, @Now, @Now)
            """;
        var args = new
        {
            tenant.FunderId,
            Date = new DateOnly(2024, 1, 1),
            Now = app.Clock.GetUtcNow(),
            Hash = new byte[] { 0x68 },
        };
        await connection.ExecuteAsync(insert, args);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(insert, args));
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteStorageRoundTripTests(SqliteApp app) : StorageRoundTripTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresStorageRoundTripTests(PostgresApp app) : StorageRoundTripTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerStorageRoundTripTests(SqlServerApp app)
    : StorageRoundTripTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif
