using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Classification.Evidence;

/// <summary>
/// Evidence stored compactly (<see cref="EvidenceCodec"/>) and evidence stored before the codec (JSON arrays) give the
/// same answers: the grant, the review queue and both exports, byte for byte, on a real database.
/// </summary>
public abstract class StoredEvidenceTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly string[] Columns = ["level_evidence", "purpose_evidence", "flexible_evidence"];

    [Fact]
    public async Task Compact_evidence_and_rows_stored_as_json_arrays_answer_the_same()
    {
        var tenant = await app.CreateTenantAsync();
        var emergency = Giving.Grant("EV-1", title: "Emergency relocation after death threats");
        var zebra = Giving.Grant("EV-2", title: "Zebra programme"); // purpose unclassified: in the review queue
        zebra.Remove("description");
        var core = Giving.Grant("EV-3", title: "Core costs and running costs, unrestricted");
        core["description"] = "Salary of the coordinator (línea 1 — “quoted” 😀) and rent in 'Tegucigalpa'.";
        await HttpAssert.OkJsonAsync(await tenant.Client.PostPackageAsync(Giving.Package(emergency, zebra, core)));
        var before = await AnswersAsync(tenant);

        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var rows = (
            await connection.QueryAsync<(long Id, string Level, string Purpose, string Flexible)>(
                "SELECT id, level_evidence, purpose_evidence, flexible_evidence FROM grants WHERE funder_id = @FunderId",
                new { tenant.FunderId }
            )
        ).ToList();
        Assert.Equal(3, rows.Count);
        foreach (var (id, level, purpose, flexible) in rows)
        {
            string[] stored = [level, purpose, flexible];
            // Compact, except an empty list and an unclassified answer's evidence (kept as the JSON array the quality
            // totals' triggers read).
            Assert.All(stored, s =>
                Assert.True(
                    s == "[]"
                        || s[0] == EvidenceCodec.Marker2
                        || (s[0] == '[' && s.Contains("\"unclassified: ", StringComparison.Ordinal)),
                    s
                )
            );
            for (var i = 0; i < Columns.Length; i++)
            {
                await connection.ExecuteAsync(
                    $"UPDATE grants SET {Columns[i]} = @Json WHERE funder_id = @FunderId AND id = @Id",
                    new
                    {
                        Json = JsonSerializer.Serialize(EvidenceCodec.Decode(stored[i])),
                        tenant.FunderId,
                        Id = id,
                    }
                );
            }
        }

        Assert.Equal(before, await AnswersAsync(tenant));
        Assert.Contains("\"evidence\":[\"", before[0], StringComparison.Ordinal);
    }

    private static async Task<List<string>> AnswersAsync(Tenant tenant)
    {
        var answers = new List<string>();
        foreach (var id in new[] { "EV-1", "EV-2", "EV-3" })
        {
            answers.Add(await tenant.Client.GetStringAsync("/api/grants/" + id));
        }

        var review = await tenant.Client.GetStringAsync("/api/classification/review");
        Assert.Contains("EV-2", review, StringComparison.Ordinal);
        answers.Add(review);
        answers.Add(
            await tenant.Client.GetStringAsync("/api/audit/export/360giving.json?from=2000-01-01&to=2099-12-31")
        );
        answers.Add(
            await tenant.Client.GetStringAsync("/api/audit/export/360giving.csv?from=2000-01-01&to=2099-12-31")
        );
        return answers;
    }
}

[Collection(SharedApps.Sqlite3)]
public sealed class SqliteStoredEvidenceTests(SqliteApp app) : StoredEvidenceTests<SqliteApp>(app);

[Collection(SharedApps.Postgres3)]
public sealed class PostgresStoredEvidenceTests(PostgresApp app) : StoredEvidenceTests<PostgresApp>(app);
