using Microsoft.AspNetCore.Antiforgery;

namespace FundAudit.Api.Features.Pages;

/// <summary>Headers and checks every page gets: a strict CSP, no referrer, no caching, no framing; antiforgery on every
/// POST.</summary>
internal static class PageSecurity
{
    /// <summary>Only this origin, for everything; no inline script or style, no plugins, no framing, forms post home
    /// only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    public static bool IsPagePath(PathString path) =>
        path.StartsWithSegments("/f", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/app", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets the page headers as the response starts (so redirects and error pages carry them too).</summary>
    public static Task ApplyHeadersAsync(HttpContext http, Func<Task> next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary>
    /// Refuses a POST without a valid antiforgery token with a page saying the form expired (400). The token is bound
    /// to
    /// the signed-in person on the console and to the antiforgery cookie everywhere.
    /// </summary>
    public static async ValueTask<object?> RequireAntiforgeryAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var http = context.HttpContext;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        bool valid;
        try
        {
            valid = http.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException e) when (IsUnreadableForm(e))
        {
            // A form value the form reader refuses (a NUL character, %00): the page says so, nothing is read.
            return Refused(http, "Unreadable_Title", "Unreadable_Text");
        }

        return valid ? await next(context) : Refused(http, "Expired_Title", "Expired_Text");
    }

    /// <summary>A form the reader could not decode (not one cut off at its length limit, which is a 413).</summary>
    private static bool IsUnreadableForm(Exception e) =>
        e.InnerException is InvalidDataException && !BodyLimits.IsTooLarge(e);

    /// <summary>The form refused with a short page: the console's, or the defender's in the request's language (the
    /// same keys in ConsoleText and PageText).</summary>
    private static IResult Refused(HttpContext http, string titleKey, string textKey) =>
        http.Request.Path.StartsWithSegments("/app", StringComparison.OrdinalIgnoreCase)
            ? ConsoleRender.Message(
                http,
                ConsoleText.T(titleKey),
                ConsoleText.T(textKey),
                StatusCodes.Status400BadRequest
            )
            : DefenderPages.Message(http, titleKey, textKey, null, StatusCodes.Status400BadRequest);

    /// <summary>A fresh antiforgery token for a form on this page (sets the antiforgery cookie when there is
    /// none).</summary>
    public static FormToken Token(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return new FormToken(tokens.FormFieldName, tokens.RequestToken!);
    }
}

/// <summary>Renders a page component with a status code.</summary>
internal static class PageResult
{
    public static RazorComponentResult Render<TComponent>(object parameters, int status = StatusCodes.Status200OK)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = status };
}
