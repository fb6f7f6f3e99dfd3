using static Microsoft.AspNetCore.Http.StatusCodes;

namespace FundAudit.Api.Features.Audit;

internal static class AuditEndpoints
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton<MixStore>();
        services.AddSingleton<RateStore>();
        services.AddSingleton<BaselineStore>();
        services.AddSingleton<FieldParticipationStore>();
        services.AddSingleton<GrantExportStore>();
        services.AddSingleton<MixCalculator>();
        services.AddSingleton<Snapshots.GrantSnapshots>();
        services.AddSingleton<AuditUseCases>();
        services.AddSingleton<Quality.QualityStore>();
        services.AddSingleton<Quality.QualityTotalsStore>();
        services.AddSingleton<Quality.QualityCalculator>();
        Publish.PublishEndpoints.AddPublish(services);
        services.AddScoped<FluentValidation.IValidator<Quality.GetQuality.Request>, Quality.GetQuality.Validator>();
        services.AddScoped<
            FluentValidation.IValidator<Quality.QualityGrants.Request>,
            Quality.QualityGrants.Validator
        >();
        services.AddScoped<FluentValidation.IValidator<GetMix.Request>, GetMix.Validator>();
        services.AddScoped<FluentValidation.IValidator<CreateBaseline.Request>, CreateBaseline.Validator>();
        services.AddScoped<FluentValidation.IValidator<CompareBaseline.Request>, CompareBaseline.Validator>();
        services.AddScoped<FluentValidation.IValidator<CreateTarget.Request>, CreateTarget.Validator>();
        services.AddScoped<FluentValidation.IValidator<ListTargets.Request>, ListTargets.Validator>();
        services.AddScoped<FluentValidation.IValidator<ComparePeriods.Request>, ComparePeriods.Validator>();
        services.AddScoped<FluentValidation.IValidator<GetTrend.Request>, GetTrend.Validator>();
        services.AddScoped<
            FluentValidation.IValidator<SetFieldParticipation.Request>,
            SetFieldParticipation.Validator
        >();
        services.AddScoped<FluentValidation.IValidator<GetFieldView.Request>, GetFieldView.Validator>();
        services.AddScoped<FluentValidation.IValidator<ExportGrants.Request>, ExportGrants.Validator>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var maxRatesBytes = app
            .ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>()
            .Value.MaxRatesUploadBytes;
        var audit = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.PortfolioRead);
        MapRatesAndMix(audit, maxRatesBytes);
        MapBaselinesAndTargets(audit);
        AuditTrendEndpoints.Map(audit);
        MapField(audit);
        Quality.QualityEndpoints.MapQuality(audit);
        Publish.PublishEndpoints.MapPublish(audit);

        // The grant list export sits under the grants path, but it is the audit's export (classification included).
        var grants = app.MapGroup("/api/grants").WithTags("Audit").RequireAuthorization(Policies.PortfolioRead);
        grants
            .MapGet("/export.csv", ExportGrants.HandleAsync)
            .WithName("ExportGrantsCsv")
            .WithSummary("The grant list with its classification as CSV, streamed (formula-safe cells)")
            .WithValidation<ExportGrants.Request>();
        return app;
    }

    private static void MapRatesAndMix(RouteGroupBuilder audit, long maxRatesBytes)
    {
        audit
            .MapPost("/rates", LoadRates.HandleAsync)
            .WithName("LoadExchangeRates")
            .WithSummary("Load exchange rates from CSV (ECB history as published, or date,currency,rate_to_base,base)")
            .WithDescription(
                "All or nothing: a bad cell is a 400 naming its row and column and nothing is stored. "
                    + "Rates belong to the funder. "
                    + "Each grant converts at the nearest earlier published rate within Audit:RateWindowDays, "
                    + "crossed through the base."
            )
            .Accepts<string>("text/csv")
            .RequireAuthorization(Policies.PortfolioWrite)
            .WithMetadata(new RequestSizeLimitAttribute(maxRatesBytes))
            .ProducesProblems(Status413PayloadTooLarge, Status415UnsupportedMediaType);
        audit
            .MapGet("/rates", LoadRates.ListAsync)
            .WithName("ListExchangeRates")
            .WithSummary("The funder's loaded " + "rate series");

        ReportRoutes.Map<GetMix.Request>(
            new(
                audit.MapGet("/mix", GetMix.HandleAsync),
                "GetFundingMix",
                "The funding mix of a period in one currency, grouped by level, purpose, flexible, year, "
                    + "region, country or programme",
                GetMix.RoundingRule
                    + " Medians (medianMinor, median) are computed only with "
                    + "includeMedian=true (default false: they rank every grant and cost several times the mix); "
                    + "otherwise they are null. A grant that cannot be converted makes the report a 422 naming the "
                    + "currencies and dates missing."
            ),
            new(
                audit.MapGet("/mix.csv", GetMix.CsvAsync),
                "ExportFundingMixCsv",
                "The funding mix as CSV (formula-safe cells)"
            ),
            new(
                audit.MapGet("/mix.svg", GetMix.SvgAsync),
                "GetFundingMixChart",
                "The funding mix as an SVG chart: stacked bars of level × purpose"
            ),
            Status422UnprocessableEntity
        );
    }

    private static void MapBaselinesAndTargets(RouteGroupBuilder audit)
    {
        audit
            .MapPost("/baselines", CreateBaseline.HandleAsync)
            .WithName("CreateBaseline")
            .WithSummary("Freeze the level × purpose mix of a period as a named, immutable baseline")
            .WritesPortfolio<CreateBaseline.Request>(Status409Conflict, Status422UnprocessableEntity);
        audit
            .MapGet("/baselines", GetBaseline.ListAsync)
            .WithName("ListBaselines")
            .WithSummary("The funder's frozen " + "baselines");
        audit
            .MapGet("/baselines/{id:long}", GetBaseline.HandleAsync)
            .WithName("GetBaseline")
            .WithSummary("One frozen baseline")
            .ProducesProblem(Status404NotFound);
        ReportRoutes.Map<CompareBaseline.Request>(
            new(
                audit.MapGet("/baselines/{id:long}/compare", CompareBaseline.HandleAsync),
                "CompareWithBaseline",
                "Share then and now, and the shift in percentage points, per level and purpose and for "
                    + "flexible and local funding"
            ),
            new(
                audit.MapGet("/baselines/{id:long}/compare.csv", CompareBaseline.CsvAsync),
                "ExportBaselineComparisonCsv",
                "The comparison with a baseline as CSV (formula-safe cells)"
            ),
            new(
                audit.MapGet("/baselines/{id:long}/compare.svg", CompareBaseline.SvgAsync),
                "GetBaselineComparisonChart",
                "The comparison as an SVG chart: baseline beside current, stacked by purpose per level"
            ),
            Status404NotFound,
            Status422UnprocessableEntity
        );

        audit
            .MapPost("/targets", CreateTarget.HandleAsync)
            .WithName("CreateTarget")
            .WithSummary("Set a target share (e.g. local ≥ 30%) by a date, measured from a baseline")
            .WritesPortfolio<CreateTarget.Request>(Status404NotFound, Status422UnprocessableEntity);
        audit
            .MapGet("/targets", ListTargets.HandleAsync)
            .WithName("ListTargets")
            .WithSummary("Each target's current value, baseline value, progress and whether it is on track")
            .WithValidation<ListTargets.Request>(Status422UnprocessableEntity);
    }

    private static void MapField(RouteGroupBuilder audit)
    {
        audit
            .MapGet("/field/participation", SetFieldParticipation.GetAsync)
            .WithName("GetFieldParticipation")
            .WithSummary("Whether this funder shares its mix in the field view");
        audit
            .MapPut("/field/participation", SetFieldParticipation.HandleAsync)
            .WithName("SetFieldParticipation")
            .WithSummary("Opt in to (or out of) the field view")
            .WritesPortfolio<SetFieldParticipation.Request>();
        audit
            .MapGet("/field", GetFieldView.HandleAsync)
            .WithName("GetFieldView")
            .WithSummary(
                "The combined level × purpose mix of opted-in funders; a cell only when it combines at least "
                    + "3 funders"
            )
            .WithValidation<GetFieldView.Request>(Status403Forbidden);
    }
}
