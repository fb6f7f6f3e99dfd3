using System.Net;
using FundAudit.Api.Tests.EmergencyRequests;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>
/// The console's shred (issue 15, item 2): an admin follows the link to a confirm page, chooses a reason and shreds;
/// the request page then says "Shredded" instead of the fields. Officers get neither the link nor the pages.
/// </summary>
[Collection(SharedApps.Sqlite2)]
public sealed class ConsoleShredTests(SqliteApp app)
{
    [Fact]
    public async Task An_admin_confirms_a_shred_in_the_console_and_the_request_page_shows_shredded()
    {
        var cases = new RetentionCases(app);
        await cases.SetUpAsync();
        var (reference, _) = await cases.SubmitAsync("console");
        var page = $"/app/requests/{reference}";

        using (var officer = await ConsoleClient.SignInAsync(app, cases.Officer.Key))
        {
            Assert.DoesNotContain("/shred", await officer.GetPageAsync(page), StringComparison.Ordinal);
            foreach (
                var refused in new[]
                {
                    await officer.GetAsync(page + "/shred"),
                    await officer.PostFormAsync(page + "/shred", [new("reason", "other")]),
                }
            )
            {
                Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode); // the console's "not allowed" page
                Assert.Equal("/app/forbidden", refused.Headers.Location?.OriginalString);
            }
        }

        Assert.False(await ShreddedAsync(cases, reference));
        using var admin = await ConsoleClient.SignInAsync(app, cases.Admin.Key);
        Assert.Contains($"href=\"{page}/shred\"", await admin.GetPageAsync(page), StringComparison.Ordinal);
        var confirm = await admin.GetPageAsync(page + "/shred");
        Assert.Contains("Shred this case for good", confirm, StringComparison.Ordinal);
        Assert.Contains("value=\"applicant_request\"", confirm, StringComparison.Ordinal);

        var invalid = await admin.PostPageAsync(page + "/shred", [new("reason", "because")]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.False(await ShreddedAsync(cases, reference));

        await admin.GetPageAsync(page + "/shred");
        var done = await admin.PostFormAsync(page + "/shred", [new("reason", "applicant_request")]);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.True(await ShreddedAsync(cases, reference));
        var shredded = await admin.GetPageAsync(page);
        Assert.Contains("data-shredded", shredded, StringComparison.Ordinal);
        Assert.DoesNotContain("Show the sensitive details", shredded, StringComparison.Ordinal);
        Assert.Contains("shred case", shredded, StringComparison.Ordinal); // the history's event
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync(page + "/shred")).StatusCode);
    }

    private static async Task<bool> ShreddedAsync(RetentionCases cases, string reference) =>
        (await HttpAssert.OkJsonAsync(await cases.Officer.Client.GetAsync($"/api/requests/{reference}")))
            .GetProperty("request")
            .GetProperty("shredded")
            .GetBoolean();
}
