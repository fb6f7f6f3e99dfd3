using System.Net;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// A person holding several roles acts in the role each action needs (an officer who is also in finance disburses as
/// finance), while four-eyes still counts people: whoever approved cannot disburse, whatever roles they hold.
/// </summary>
[Collection(SharedApps.Sqlite1)]
public sealed class SeveralRolesTests(SqliteApp app)
{
    [Fact]
    public async Task An_officer_in_finance_too_disburses_but_not_what_they_approved()
    {
        var admin = await app.CreateTenantAsync(Roles.Admin);
        var slug = await EmergencyForms.CreateFundAsync(admin, "roles");
        // Two people, each holding officer and finance (one label: one person with both keys' roles).
        var oliver = await app.AddKeyAsync(admin, Roles.Officer, "oliver");
        await app.AddKeyAsync(admin, Roles.Finance, "oliver");
        var ana = await app.AddKeyAsync(admin, Roles.Officer, "ana");
        await app.AddKeyAsync(admin, Roles.Finance, "ana");
        var reference = await EmergencyForms.SubmitAsync(app.CreateClient(), slug);

        var approver = await TestPeople.SignedInSessionAsync(app, oliver.Key);
        await approver.GetAsync($"/app/requests/{reference}");
        var acknowledged = await approver.PostAsync($"/app/requests/{reference}/acknowledge", ("version", "1"));
        Assert.True(
            acknowledged.Html.Contains("data-state=\"acknowledged\"", StringComparison.Ordinal),
            $"{acknowledged.Status}: {acknowledged.Html}"
        );
        var approved = await approver.PostAsync(
            $"/app/requests/{reference}/approve",
            ("version", "2"),
            ("amount", "400")
        );
        Assert.Contains("data-state=\"approved\"", approved.Html, StringComparison.Ordinal);
        await approver.PostAsync(
            $"/app/requests/{reference}/payment-details",
            ("version", "3"),
            ("details", "Mobile money +504 0000")
        );

        // The approver holds finance, yet may not pay what they approved: no button, and the form is refused.
        var approverPage = await approver.GetAsync($"/app/requests/{reference}");
        Assert.Contains("data-state=\"approved\"", approverPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"disburse\"", approverPage.Html, StringComparison.Ordinal);
        var refused = await approver.PostAsync(
            $"/app/requests/{reference}/disburse",
            ("version", "4"),
            ("submission", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())),
            ("method", "mobile-money"),
            ("reference", "TX-0")
        );
        Assert.NotEqual(HttpStatusCode.OK, refused.Status);
        Assert.DoesNotContain("data-state=\"disbursed\"", refused.Html, StringComparison.Ordinal);

        // The other person, officer and finance too, pays as finance.
        var payer = await TestPeople.SignedInSessionAsync(app, ana.Key);
        var payerPage = await payer.GetAsync($"/app/requests/{reference}");
        Assert.Contains("data-action=\"disburse\"", payerPage.Html, StringComparison.Ordinal);
        var paid = await payer.PostAsync(
            $"/app/requests/{reference}/disburse",
            ("version", "4"),
            ("submission", payerPage.Hidden("submission")!),
            ("method", "mobile-money"),
            ("reference", "TX-1")
        );
        Assert.Contains("data-state=\"disbursed\"", paid.Html, StringComparison.Ordinal);
    }
}
