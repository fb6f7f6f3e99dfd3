using System.Net;
using System.Text;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// A body of a type an endpoint does not take is refused by routing before the handler runs; the 415 still says which
/// types the endpoint takes, and nothing is stored.
/// </summary>
[Collection(SharedApps.Sqlite2)]
public sealed class UnsupportedMediaTypeTests(SqliteApp app)
{
    [Theory]
    [InlineData("/api/grants", "text/csv", "application/json")]
    [InlineData("/api/grants/imports", "application/xml", "text/csv, application/vnd.openxmlformats-officedocument")]
    [InlineData("/api/grants/imports", "application/octet-stream", "multipart/form-data, application/json")]
    [InlineData("/api/audit/rates", "application/json", "text/csv")]
    public async Task The_415_names_the_types_the_endpoint_takes(string path, string sent, string named)
    {
        var tenant = await app.CreateTenantAsync();
        var response = await tenant.Client.PostAsync(path, new StringContent("x", Encoding.UTF8, sent));

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("Send the body as one of these content types: ", detail, StringComparison.Ordinal);
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Equal(0, await tenant.Client.CountGrantsAsync());
    }
}
