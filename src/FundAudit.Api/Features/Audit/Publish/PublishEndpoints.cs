using FundAudit.Api.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FundAudit.Api.Features.Audit.Publish;

/// <summary>The 360Giving exports (publishing back to the ecosystem), under /api/audit.</summary>
internal static class PublishEndpoints
{
    public static IServiceCollection AddPublish(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceSecrets>();
        services.AddSingleton<GivingExportStore>();
        services.AddSingleton<GrantAnonymiser>();
        services.AddSingleton<PublishUseCases>();
        services.AddScoped<FluentValidation.IValidator<ExportGiving.Request>, ExportGiving.Validator>();
        return services;
    }

    public static void MapPublish(this RouteGroupBuilder audit)
    {
        const string What =
            "The grants the mix counts (same filters; every currency as awarded) as 360Giving grants that validate "
            + "against the 360Giving schema: locationScope from FundAudit's level, and FundAudit's level, purpose and "
            + "flexibility as classifications (vocabularies FundAudit:level, FundAudit:purpose, FundAudit:flexible). "
            + "Grants marked sensitive (PUT /api/grants/by-id/{id}/sensitive) are anonymised: recipient 'Anonymous "
            + "grantee' (country kept), identifiers, addresses, postcodes and URLs removed, places kept as countries "
            + "or world regions, title generic, description withheld, programme dropped, id replaced by a stable "
            + "non-reversible id. A grant to a person is published as one: recipientIndividual named 'Individual "
            + "Recipient' under a stable non-reversible id, never the person's name, identifier or "
            + "toIndividualsDetails. The header X-FundAudit-Anonymised-Grants says how many. A period without grants "
            + "is 404 (a package needs one).";
        audit
            .MapGet("/export/360giving.json", ExportGiving.JsonAsync)
            .WithName("Export360GivingJson")
            .WithSummary("The portfolio as a 360Giving JSON package (sensitive grants anonymised)")
            .WithDescription(What + " The package's fundAudit member gives the counts too.")
            .WithValidation<ExportGiving.Request>(StatusCodes.Status404NotFound);
        audit
            .MapGet("/export/360giving.csv", ExportGiving.CsvAsync)
            .WithName("Export360GivingCsv")
            .WithSummary(
                "The portfolio as 360Giving flat CSV (the standard's column titles; sensitive grants anonymised)"
            )
            .WithDescription(What)
            .WithValidation<ExportGiving.Request>(StatusCodes.Status404NotFound);
    }
}
