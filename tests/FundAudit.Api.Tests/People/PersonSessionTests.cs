using System.Net;
using Dapper;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Infrastructure.Data;
using FundAudit.Api.Tests.Infrastructure;
using FundAudit.Api.Tests.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.People;

/// <summary>
/// A console session belongs to a person (issue 16): the principal carries the person, their roles and when the
/// second factor was given; the session ends the moment the person is no longer active.
/// </summary>
public abstract class PersonSessionTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    [Fact]
    public async Task A_persons_session_opens_the_console_until_the_person_is_seized()
    {
        var tenant = await app.CreateTenantAsync();
        var personId = await InsertPersonAsync(tenant.FunderId, "Odile Officer", "officer,finance");
        var person = new PersonIdentity(tenant.FunderId, personId, "Odile Officer", ["officer", "finance"]);
        var now = app.Clock.GetUtcNow();
        var token = await app
            .Services.GetRequiredService<ConsoleSessionStore>()
            .CreateForPersonAsync(person, now, now.AddHours(1), default);
        var session = new PageSession(
            app.CreateClient(
                new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
            )
        );
        session.Set(ConsoleClient.SessionCookie, token);

        var dashboard = await session.GetAsync("/app");
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        Assert.Contains("Odile Officer (officer)", dashboard.Html, StringComparison.Ordinal);

        await using (var connection = await app.Services.GetRequiredService<Db>().OpenAsync())
        {
            var stored = await connection.QuerySingleAsync<(long?, string?, string)>(
                "SELECT person_id, key_id, person FROM console_sessions WHERE token_hash = @Hash",
                new { Hash = ConsoleSessionStore.Hash(token) }
            );
            Assert.Equal((personId, null, "staff:" + personId), stored);
            await connection.ExecuteAsync(
                "UPDATE staff_people SET status = 'seized' WHERE id = @Id",
                new { Id = personId }
            );
        }

        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/app")).Status);
    }

    private async Task<long> InsertPersonAsync(long funderId, string name, string roles)
    {
        await using var connection = await app.Services.GetRequiredService<Db>().OpenAsync();
        var email = $"p-{Guid.NewGuid():N}@example.org";
        var now = app.Clock.GetUtcNow();
        await connection.ExecuteAsync(
            """
            INSERT INTO staff_people (funder_id, email, email_key, display_name, roles, status, created_at, updated_at)
            VALUES (@FunderId, @Email, @Email, @Name, @Roles, 'active', @Now, @Now)
            """,
            new
            {
                FunderId = funderId,
                Email = email,
                Name = name,
                Roles = roles,
                Now = now,
            }
        );
        return await connection.ExecuteScalarAsync<long>(
            "SELECT id FROM staff_people WHERE email_key = @Email",
            new { Email = email }
        );
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqlitePersonSessionTests(SqliteApp app) : PersonSessionTests<SqliteApp>(app);

[Collection(SharedApps.Postgres1)]
public sealed class PostgresPersonSessionTests(PostgresApp app) : PersonSessionTests<PostgresApp>(app);
