using System.Text;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Client;

/// <summary>
/// The document is usable by the tools clients use: one walk through the API with nothing but the client NSwag
/// generated from openapi/fundaudit.v1.json (FundAuditClient.g.cs). One subclass per engine.
/// </summary>
public abstract class GeneratedClientScenarioTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_package_an_import_the_mix_a_fund_and_a_request_through_to_disbursement()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var officer = new FundAuditClient((await app.AddKeyAsync(admin, Roles.Officer, "olga")).Client);
        var finance = new FundAuditClient((await app.AddKeyAsync(admin, Roles.Finance, "fatima")).Client);
        var api = new FundAuditClient(admin.Client);
        var defender = new FundAuditClient(app.CreateClient());

        // A 360Giving package; its grant reads back with FundAudit's classification.
        var loaded = await api.ImportGrantPackageAsync(
            null,
            new GrantPackage
            {
                Grants =
                [
                    new GivingGrant
                    {
                        Id = "GEN-1",
                        Title = "Collective protection network for land defenders",
                        Description = "Community alert network and collective security plan in Atlántida.",
                        Currency = "USD",
                        AmountAwarded = 25000,
                        AwardDate = "2025-03-14",
                        RecipientOrganization =
                        [
                            new GivingOrganization
                            {
                                Id = "XI-EX-HN-1",
                                Name = "Red",
                                AddressCountry = "HN",
                            },
                        ],
                        BeneficiaryLocation = [new GivingLocation { Name = "Atlántida", CountryCode = "HN" }],
                    },
                ],
            }
        );
        Assert.Equal((1, 1), (loaded.Received, loaded.Created));
        var grant = await api.GetGrantAsync("GEN-1");
        Assert.Equal(25000d, grant.AmountAwarded);
        Assert.NotNull(grant.Classification);

        // A CSV import, loaded by its job as Hangfire would run it.
        const string Csv =
            "Identifier,Title,Description,Currency,Amount Awarded,Award Date\n"
            + "GEN-2,Relocation,Emergency relocation of a defender,USD,5000,2025-04-01\n";
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(Csv));
        var queued = await api.UploadGrantImportAsync(null, null, new FileParameter(file, "grants.csv", "text/csv"));
        Assert.Equal("queued", queued.Status);
        await app.Services.GetRequiredService<GrantImportJob>().RunAsync(queued.Id, CancellationToken.None);
        var import = await api.GetGrantImportAsync(queued.Id);
        Assert.Equal("succeeded", import.Status);
        Assert.Equal(1, import.Result?.Created);
        var page = await api.ListGrantsAsync(null, null, "USD", null, null, 10, null, null);
        Assert.Equal(["GEN-1", "GEN-2"], page.Items.Select(g => g.Id).Order(StringComparer.Ordinal));
        Assert.Null(page.Next);

        // The mix of the year, in the grants' currency.
        var mix = await api.GetFundingMixAsync(
            new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero),
            null,
            "USD",
            null,
            null,
            null,
            null,
            null,
            null
        );
        Assert.Equal(3_000_000L, mix.Totals.AmountMinor);
        Assert.Equal(2L, mix.Totals.Grants);
        Assert.NotEmpty(mix.Cells);

        // A fund, a defender's request, and the officers' and finance's workflow up to the disbursement.
        var fund = await api.CreateFundAsync(
            new CreateFundRequest
            {
                Slug = "gen-fund",
                Name = "Rapid Fund",
                Currency = "USD",
                MaxAmount = 1000,
                Languages = ["es", "en"],
            }
        );
        Assert.Equal("gen-fund", fund.Fund.Slug);
        var submitted = await defender.SubmitEmergencyRequestAsync(
            "gen-fund",
            null,
            new SubmitRequestRequest
            {
                Alias = "Ana",
                Contact = new ContactDetails { Channel = "signal", Handle = "+50400000000" },
                Country = "HN",
                Urgency = "high",
                Situation = "Threatened after a hearing.",
                Need = "legal",
                Amount = 500,
                Currency = "USD",
                Language = "es",
            }
        );
        var reference = submitted.Reference;
        var code = new CheckRequestStatusRequest { CaseCode = submitted.CaseCode };
        Assert.Equal("received", (await defender.CheckEmergencyRequestStatusAsync(code)).Status);

        var view = await officer.AcknowledgeEmergencyRequestAsync(
            reference,
            new DecisionsVersionedRequest { Version = 1 }
        );
        Assert.Equal("acknowledged", view.State);
        view = await officer.ApproveEmergencyRequestAsync(
            reference,
            new DecisionsApproveRequest { Version = view.Version, Amount = 500 }
        );
        Assert.Equal(("approved", 500d), (view.State, view.ApprovedAmount));

        // A documented error comes back as the client's exception, with the ProblemDetails code.
        var refused = await Assert.ThrowsAsync<FundAuditApiException<ProblemDetails>>(() =>
            finance.RecordEmergencyDisbursementAsync(
                reference,
                "gen-pay-0",
                new RecordDisbursementRequest { Version = view.Version, Method = "mobile-money" }
            )
        );
        Assert.Equal(409, refused.StatusCode);
        Assert.Equal("payment_details_missing", refused.Result.Code);

        view = await finance.RecordEmergencyPaymentDetailsAsync(
            reference,
            new RecordPaymentDetailsRequest { Version = view.Version, Details = "Mobile money to the organisation" }
        );
        var paid = await finance.RecordEmergencyDisbursementAsync(
            reference,
            "gen-pay-1",
            new RecordDisbursementRequest
            {
                Version = view.Version,
                Method = "mobile-money",
                Reference = "TX-1",
            }
        );
        Assert.Equal("disbursed", paid.Request.State);
        Assert.Equal(500d, paid.Disbursement.Amount);
        Assert.Equal("sent", (await defender.CheckEmergencyRequestStatusAsync(code)).Status);

        var events = await officer.ListEmergencyRequestEventsAsync(reference);
        Assert.Contains("record_disbursement", events.Items.Select(e => e.Action));
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteGeneratedClientScenarioTests(SqliteApp app) : GeneratedClientScenarioTests<SqliteApp>(app);

[Collection(SharedApps.Postgres2)]
public sealed class PostgresGeneratedClientScenarioTests(PostgresApp app)
    : GeneratedClientScenarioTests<PostgresApp>(app);

#if SQLSERVER_TESTS
public sealed class SqlServerGeneratedClientScenarioTests(SqlServerApp app)
    : GeneratedClientScenarioTests<SqlServerApp>(app),
        IClassFixture<SqlServerApp>;
#endif
