namespace FundAudit.Api.Infrastructure.Http;

/// <summary><c>Hsts:*</c>: Strict-Transport-Security on HTTPS answers.</summary>
internal sealed class HstsSettings
{
    public const string Section = "Hsts";

    /// <summary>Send the header; default: everywhere but Development.</summary>
    public bool? Enabled { get; set; }

    /// <summary>max-age in days (default 365).</summary>
    public int MaxAgeDays { get; set; } = 365;

    /// <summary>Add includeSubDomains (default false: the service may share a domain with others).</summary>
    public bool IncludeSubDomains { get; set; }

    /// <summary>Add preload (default false: only for a domain submitted to the browsers' preload list).</summary>
    public bool Preload { get; set; }
}

/// <summary>
/// Headers of every /api answer: <c>Cache-Control: no-store</c> (many carry a case code, a defender's data or a
/// funder's portfolio; one rule for all is simpler to keep right than a list) and
/// <c>X-Content-Type-Options: nosniff</c>; and HSTS on HTTPS answers outside Development (configurable, see
/// <see cref="HstsSettings"/>). The pages set their own headers (Features/Pages/PageSecurity.cs).
/// </summary>
internal static class ApiHeaders
{
    public static IServiceCollection AddFundAuditApiHeaders(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        var settings = configuration.Bound<HstsSettings>(HstsSettings.Section);
        services.AddSingleton(settings);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(settings.MaxAgeDays);
            o.IncludeSubDomains = settings.IncludeSubDomains;
            o.Preload = settings.Preload;
        });
        return services;
    }

    /// <summary>HSTS first (when on), then the /api headers, set as each answer starts (errors included).</summary>
    public static WebApplication UseFundAuditApiHeaders(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<HstsSettings>();
        if (settings.Enabled ?? !app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseWhen(http => IsApiPath(http.Request.Path), branch => branch.Use(ApplyAsync));
        return app;
    }

    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static Task ApplyAsync(HttpContext http, Func<Task> next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        return next();
    }
}
