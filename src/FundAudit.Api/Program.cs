using FundAudit.Api.Features.Audit;
using FundAudit.Api.Features.Classification;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.GrantIngest;
using FundAudit.Api.Features.GrantIngest.Imports;
using FundAudit.Api.Features.Logs;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Features.People;
using FundAudit.Api.Features.SingleSignOn;
using FundAudit.Api.Features.Tenancy;
using FundAudit.Api.Infrastructure;
using FundAudit.Api.Infrastructure.Data.Backup;
using FundAudit.Api.Infrastructure.Jobs;
using FundAudit.Api.Infrastructure.OpenApi;
using FundAudit.Api.Infrastructure.Security;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
var isCommand = OperatorCommands.IsCommand(args);
builder.Logging.AddFundAuditLogging(builder.Environment, isCommand);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddFundAuditData(builder.Configuration);
builder.Services.AddFundAuditBackups(builder.Configuration);
builder.Services.AddFundAuditHttp(builder.Configuration);
builder.Services.AddFundAuditApiHeaders(builder.Configuration);
builder.Services.AddFundAuditAuth();
builder.Services.AddFundAuditOpenApi();
builder.Services.AddFundAuditJobs(builder.Configuration, runServer: !isCommand);

builder.Services.AddTenancy();
builder.Services.AddLogs();
builder.Services.AddPeople(builder.Configuration);
builder.Services.AddGrantIngest();
builder.Services.AddClassification();
builder.Services.AddGrantImports(builder.Configuration);
builder.Services.AddAudit(builder.Configuration);
builder.Services.AddEmergencyRequests(builder.Configuration);
builder.Services.AddPages(builder.Configuration);
builder.Services.AddSingleSignOn(builder.Configuration);

var app = builder.Build();
app.Services.MigrateDatabase();

if (isCommand)
{
    return await OperatorCommands.RunAsync(app.Services, args);
}

await app.Services.SealLogChainsAsync();

app.UseFundAuditApiHeaders();
app.UseFundAuditHttp();
app.UsePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
}

app.MapHealth();
app.MapFundAuditJobsDashboard();

// The features' endpoints, under one group that applies the rule for the texts of every JSON body (JsonTexts).
var features = app.MapGroup("").AddEndpointFilter<JsonTexts>();
features.MapTenancy();
features.MapLogs();
features.MapPeople();
features.MapGrantIngest();
features.MapClassification();
features.MapGrantImports();
features.MapAudit();
features.MapEmergencyRequests();
features.MapPages();
features.MapSingleSignOn();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
