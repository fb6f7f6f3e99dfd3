using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Tests.Platform;

/// <summary>An INSERT's parameters taken from its row by column name, and the columns a new row inserts.</summary>
public sealed class RowArgsTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_column_is_a_parameter_of_its_name_holding_the_property_of_the_same_name()
    {
        var args = RowArgs.OfColumns(new Row(), ["funder_id", "webhook_url", "created_at"]);

        Assert.Equal(["funder_id", "webhook_url", "created_at"], args.ParameterNames);
        Assert.Equal(3L, args.Get<long>("funder_id"));
        Assert.Null(args.Get<string?>("webhook_url"));
        Assert.Equal(Created, args.Get<DateTimeOffset>("created_at"));
    }

    [Fact]
    public void A_column_the_row_has_no_property_for_is_refused()
    {
        var refused = Assert.Throws<ArgumentException>(() => RowArgs.OfColumns(new Row(), ["funder_id", "slug"]));
        Assert.Contains("Slug", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_row_inserts_every_selected_column_but_the_id() =>
        Assert.Equal(
            ["funder_id", "slug", "created_at"],
            RowArgs.InsertedColumns("id, funder_id,\n    slug, created_at")
        );

    private sealed class Row
    {
        public long Id { get; init; } = 7;

        public long FunderId { get; init; } = 3;

        public string? WebhookUrl { get; init; }

        public DateTimeOffset CreatedAt { get; init; } = Created;
    }
}
