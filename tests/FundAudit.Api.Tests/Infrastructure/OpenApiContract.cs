using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// The committed openapi/fundaudit.v1.json as a contract the tests hold the service to: every answer to an /api
/// request is matched to its operation (path template and method) and checked for a documented status, a documented
/// media type and, for JSON, the documented schema (JSON Schema 2020-12, JsonSchema.Net).
/// </summary>
public sealed class OpenApiContract
{
    private const string DocumentUri = "https://fundaudit.invalid/openapi/fundaudit.v1.json";

    /// <summary>
    /// Old addresses the service still answers but the document leaves out, so that no two paths are ambiguous
    /// (README, "Grant addresses"). Their answers are checked against the operation they stand for.
    /// </summary>
    private static readonly (string Alias, string Canonical)[] Aliases =
    [
        ("/api/grants/{id}", "/api/grants/by-id/{id}"),
        ("/api/grants/{id}/classification", "/api/grants/by-id/{id}/classification"),
    ];

    private static readonly Lazy<OpenApiContract> CommittedDocument = new(() =>
        new OpenApiContract(File.ReadAllText(Path.Combine(RepoPaths.Root, "openapi", "fundaudit.v1.json")))
    );

    private readonly JsonNode _document;
    private readonly List<Route> _routes = [];
    private readonly EvaluationOptions _options;
    private readonly EvaluationOptions _verdictOnly;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public OpenApiContract(string documentJson)
    {
        _document = JsonNode.Parse(documentJson) ?? throw new ArgumentException("Empty OpenAPI document.");
        _options = new EvaluationOptions { OutputFormat = OutputFormat.List, EvaluateAs = SpecVersion.Draft202012 };
        _options.SchemaRegistry.Register(new JsonNodeBaseDocument(_document, new Uri(DocumentUri)));
        // The verdict alone (valid or not) first: collecting every annotation of a 500-grant page costs far more
        // than the check. An answer that fails is evaluated again for its details.
        _verdictOnly = new EvaluationOptions { OutputFormat = OutputFormat.Flag, EvaluateAs = SpecVersion.Draft202012 };
        _verdictOnly.SchemaRegistry.Register(new JsonNodeBaseDocument(_document, new Uri(DocumentUri)));
        foreach (var (template, item) in _document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                _routes.Add(new Route(method.ToUpperInvariant(), template, template));
            }
        }

        foreach (var (alias, canonical) in Aliases)
        {
            foreach (var route in _routes.Where(r => r.Template == canonical).ToList())
            {
                _routes.Add(new Route(route.Method, alias, canonical) { IsAlias = true });
            }
        }
    }

    /// <summary>The committed document, read once per test run.</summary>
    public static OpenApiContract Committed => CommittedDocument.Value;

    /// <summary>Whether a path is one the document answers for (everything under /api).</summary>
    public static bool Covers(string path) => path.StartsWith("/api/", StringComparison.Ordinal) || path == "/api";

    /// <summary>The problems of one answer against the document; empty when it matches.</summary>
    public IReadOnlyList<string> Check(string method, string escapedPath, int status, string? mediaType, string body)
    {
        var route = Match(method, escapedPath);
        if (route is null)
        {
            return [$"{method} {escapedPath} is not an operation of the document"];
        }

        var operation = _document["paths"]![route.Canonical]![route.Method.ToLowerInvariant()]!;
        var name = operation["operationId"]?.GetValue<string>() ?? route.Method + " " + route.Canonical;
        var problems = CheckResponse(route, operation, status, mediaType, body);
        return problems.Select(p => $"{name} ({method} {escapedPath}) answered {status}: {p}").ToList();
    }

    private List<string> CheckResponse(Route route, JsonNode operation, int status, string? mediaType, string body)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var response = operation["responses"]?[code];
        if (response is null)
        {
            var documented = string.Join(", ", operation["responses"]?.AsObject().Select(r => r.Key) ?? []);
            return [$"status {code} is not documented (documented: {documented})"];
        }

        var content = response["content"]?.AsObject();
        if (string.IsNullOrEmpty(mediaType) && body.Length == 0)
        {
            return content is null || content.Count == 0 ? [] : ["the answer has no body, but the document gives one"];
        }

        if (content is null || mediaType is null || !content.ContainsKey(mediaType))
        {
            var documented = string.Join(", ", content?.Select(c => c.Key) ?? []);
            return [$"media type '{mediaType}' is not documented for {code} (documented: {documented})"];
        }

        if (!IsJson(mediaType))
        {
            return [];
        }

        if (content[mediaType]?["schema"] is null)
        {
            return [$"{mediaType} has no schema in the document"];
        }

        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return [$"the body is not JSON: {e.Message}"];
        }

        var pointer =
            "#/paths/"
            + Escape(route.Canonical)
            + "/"
            + route.Method.ToLowerInvariant()
            + "/responses/"
            + code
            + "/content/"
            + Escape(mediaType)
            + "/schema";
        var schema = _schemas.GetOrAdd(pointer, p => JsonSchema.FromText($$"""{"$ref": "{{DocumentUri}}{{p}}"}"""));
        if (schema.Evaluate(instance, _verdictOnly).IsValid)
        {
            return [];
        }

        var result = schema.Evaluate(instance, _options);
        if (result.IsValid)
        {
            return []; // the detailed evaluation is the one that decides, as before
        }

        var details = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d =>
                d.Errors!.Select(e => $"at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Key}: {e.Value}")
            )
            .Take(8)
            .ToList();
        return [$"the body does not match the documented schema: {string.Join("; ", details)}. Body: {Truncate(body)}"];
    }

    private Route? Match(string method, string escapedPath)
    {
        var segments = escapedPath.TrimEnd('/').Split('/');
        return _routes
            .Where(r => r.Method == method && r.Matches(segments))
            .OrderBy(r => r.IsAlias)
            .ThenByDescending(r => r.LiteralCount)
            .FirstOrDefault();
    }

    private static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Escape(string value) =>
        Uri.EscapeDataString(
                value.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            )
            .Replace("%7E", "~", StringComparison.Ordinal);

    private static string Truncate(string body) => body.Length > 600 ? body[..600] + "…" : body;

    private sealed record Route(string Method, string Template, string Canonical)
    {
        private readonly string[] _segments = Template.TrimEnd('/').Split('/');

        public bool IsAlias { get; init; }

        public int LiteralCount => _segments.Count(s => !s.StartsWith('{'));

        public bool Matches(string[] path) =>
            path.Length == _segments.Length
            && _segments.Zip(path).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : p.First == p.Second);
    }
}

/// <summary>A violation of the committed OpenAPI document by an answer of the service.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// On every client the tests create: checks each /api answer against the committed document and throws
/// <see cref="ContractViolationException"/> when it does not match, so the test that received it fails.
/// FUNDAUDIT_CONTRACT_REPORT=&lt;file&gt; records every answer in the file instead of throwing (to count matches).
/// </summary>
public sealed class ContractCheckingHandler(bool alwaysThrow) : DelegatingHandler
{
    private static readonly string? ReportPath = Environment.GetEnvironmentVariable("FUNDAUDIT_CONTRACT_REPORT");
    private static readonly Lock ReportLock = new();

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        var response = await base.SendAsync(request, cancellationToken);
        var uri = request.RequestUri!;
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        if (!OpenApiContract.Covers(path))
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var status = (int)response.StatusCode;
        var problems = OpenApiContract.Committed.Check(request.Method.Method, path, status, mediaType, body);
        if (ReportPath is not null && !alwaysThrow)
        {
            // One line per answer: method, path, status, and the first problem (empty when it matched).
            var line = $"{request.Method.Method}\t{path}\t{status}\t{(problems.Count == 0 ? "" : problems[0])}";
            lock (ReportLock)
            {
                File.AppendAllLines(ReportPath, [line.ReplaceLineEndings(" ")]);
            }
        }

        if (problems.Count > 0 && (alwaysThrow || ReportPath is null))
        {
            throw new ContractViolationException(
                "The answer does not match openapi/fundaudit.v1.json: " + string.Join(" | ", problems)
            );
        }

        return response;
    }
}

/// <summary>Client handlers as WebApplicationFactory makes them, with the contract check outermost.</summary>
internal static class ContractClients
{
    public static DelegatingHandler[] Handlers(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler> { new ContractCheckingHandler(alwaysThrow: false) };
        if (options.AllowAutoRedirect)
        {
            handlers.Add(new RedirectHandler(options.MaxAutomaticRedirections));
        }

        if (options.HandleCookies)
        {
            handlers.Add(new CookieContainerHandler());
        }

        return [.. handlers];
    }
}
