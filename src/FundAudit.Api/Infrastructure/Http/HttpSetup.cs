using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace FundAudit.Api.Infrastructure.Http;

internal sealed class HttpLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Default request body limit for JSON endpoints (bytes).</summary>
    public long MaxJsonBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most grants accepted in one POST /api/grants package.</summary>
    public int MaxGrantsPerPackage { get; set; } = 20_000;
}

internal static class HttpSetup
{
    public static IServiceCollection AddFundAuditHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HttpLimitsOptions>(configuration.GetSection(HttpLimitsOptions.Section));
        services.AddFundAuditForwardedHeaders(configuration);
        services.AddProblemDetails(o =>
            o.CustomizeProblemDetails = ctx =>
            {
                ctx.ProblemDetails.Extensions.Remove("exception");
                ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
                AcceptedMediaTypes.Explain(ctx);
            }
        );
        services.AddSingleton<AcceptedMediaTypes>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o =>
            JsonDefaults.Configure(o.SerializerOptions)
        );

        // Property names in validation errors are the JSON names a client sent: grants[3].amountAwarded.
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        return services;
    }

    /// <summary>Forwarded headers (trusted proxies only), exception handler, status-code ProblemDetails and the body
    /// size limit, in the order they must run.</summary>
    public static WebApplication UseFundAuditHttp(this WebApplication app)
    {
        app.UseFundAuditForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        return app;
    }
}

/// <summary>The JSON shape of the API: camelCase, nulls omitted, enums as snake_case strings.</summary>
internal static class JsonDefaults
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;

        // JSON and the 360Giving standard name properties case-sensitively: a published grant with both "id" and "ID"
        // (GrantNav's COVID files) is one grant whose "ID" is an unknown field, kept as sent.
        options.PropertyNameCaseInsensitive = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MaxDepth = 32;

        // {"id": "A", "id": "B"} is ambiguous input: refuse it rather than let the last one win silently.
        options.AllowDuplicateProperties = false;
    }
}
