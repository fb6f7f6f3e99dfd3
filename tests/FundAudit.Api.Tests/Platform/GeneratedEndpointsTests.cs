using System.CodeDom.Compiler;
using System.Reflection;
using FundAudit.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FundAudit.Api.Tests.Platform;

/// <summary>
/// Every route handler's request delegate is generated at compile time (the request delegate generator,
/// <c>EnableRequestDelegateGenerator</c> in the service's project), so that no instance builds one at run time; and
/// the generator took no service for a JSON body (a handler's service parameter carries <c>[FromServices]</c>: the
/// generator cannot tell a service from a body at compile time, and a guessed body adds metadata that accepts JSON
/// only, which keeps a page's GET or form POST from matching its route).
/// </summary>
[Collection(SharedApps.Sqlite2)]
public sealed class GeneratedEndpointsTests(SqliteApp app)
{
    /// <summary>The generator's assembly name, which begins the tool name it writes (then its version).</summary>
    private const string Generator = "Microsoft.AspNetCore.Http.RequestDelegateGenerator";

    [Fact]
    public void Every_route_handler_of_the_service_was_generated_at_compile_time()
    {
        var handlers = Handlers();
        Assert.True(handlers.Count >= 100, $"only {handlers.Count} route handlers found");

        var built = handlers
            .Where(e =>
                e.Metadata.OfType<GeneratedCodeAttribute>()
                    .All(g => g.Tool?.StartsWith(Generator + ",", StringComparison.Ordinal) != true)
            )
            .Select(Describe)
            .ToList();
        Assert.True(built.Count == 0, "built at run time: " + string.Join(", ", built));
    }

    [Fact]
    public void No_endpoint_that_reads_no_body_accepts_one()
    {
        var wrong = Handlers()
            .Where(e =>
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { } methods
                && methods.All(m => m is "GET" or "DELETE")
                && e.Metadata.GetMetadata<IAcceptsMetadata>() is not null
            )
            .Select(Describe)
            .ToList();
        Assert.True(wrong.Count == 0, "a GET or DELETE that accepts a body: " + string.Join(", ", wrong));
    }

    /// <summary>The service's own route handlers (a handler method of its assembly; not the framework's, such as
    /// the OpenAPI document, nor the request delegates of health checks and the jobs' dashboard).</summary>
    private List<RouteEndpoint> Handlers() =>
        app
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>()?.DeclaringType?.Assembly == typeof(Program).Assembly)
            .ToList();

    private static string Describe(RouteEndpoint e) =>
        $"{string.Join('|', e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} "
        + e.RoutePattern.RawText;
}
