using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FundAudit.Api.Infrastructure.OpenApi;

/// <summary>
/// Makes the generated document a contract clients can trust, in one place rather than in every DTO:
/// <list type="bullet">
/// <item>The absent-value rule: the service leaves a property out when its value is null (JsonDefaults), so a
/// property that may be null is never <c>required</c>; it keeps <c>null</c> in its type, so generated clients give it a
/// nullable type.</item>
/// <item>Numbers are numbers: the service writes them as JSON numbers, so the "or a numeric string" that
/// System.Text.Json's web defaults add for reading is dropped from the schemas.</item>
/// <item>Every error answer (4xx, 5xx) is <c>application/problem+json</c> with one ProblemDetails schema that names the
/// <c>code</c> and <c>traceId</c> extensions; file answers (CSV, SVG) say their media types.</item>
/// <item>Servers, licence and tag descriptions.</item>
/// </list>
/// </summary>
internal sealed class ContractDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string ProblemSchema = "ProblemDetails";

    /// <summary>Success answers that are files, not JSON: the route handlers return them as raw results.
    /// With <c>Beside</c>, the file is another form of a documented JSON answer (by Accept or ?format=).</summary>
    private static readonly Dictionary<string, (string MediaType, string Description, bool Beside)> FileAnswers = new(
        StringComparer.Ordinal
    )
    {
        ["ExportFundingMixCsv"] = ("text/csv", "The mix as CSV (UTF-8, formula-safe cells).", false),
        ["GetFundingMixChart"] = ("image/svg+xml", "The mix as an SVG chart.", false),
        ["ExportBaselineComparisonCsv"] = ("text/csv", "The comparison as CSV (UTF-8, formula-safe cells).", false),
        ["GetBaselineComparisonChart"] = ("image/svg+xml", "The comparison as an SVG chart.", false),
        ["ExportPeriodComparisonCsv"] = ("text/csv", "The comparison as CSV (UTF-8, formula-safe cells).", false),
        ["GetPeriodComparisonChart"] = ("image/svg+xml", "The comparison as an SVG chart.", false),
        ["ExportFundingTrendCsv"] = ("text/csv", "The trend as CSV, one row per year (UTF-8, formula-safe).", false),
        ["GetFundingTrendChart"] = ("image/svg+xml", "The trend as an SVG chart.", false),
        ["ExportGrantsCsv"] = ("text/csv", "The grants and their classification as CSV (formula-safe).", false),
        ["ExportDataQualityCsv"] = ("text/csv", "The data-quality checks as CSV (UTF-8, formula-safe cells).", false),
        ["Export360GivingCsv"] = ("text/csv", "The grants as 360Giving flat CSV (formula-safe cells).", false),
        ["GetGrantImportErrors"] = ("text/csv", "The rejected rows, as JSON or CSV (Accept, ?format=csv).", true),
    };

    /// <summary>Problems a handler answers that neither its types nor the rules below declare.</summary>
    private static readonly Dictionary<string, (string Status, string Description)[]> MoreProblems = new(
        StringComparer.Ordinal
    )
    {
        ["ListEmergencyRequests"] = [("404", "No fund with this slug among the caller's funds.")],
    };

    /// <summary>Operations that read the Idempotency-Key header themselves (true: they refuse a request
    /// without it).</summary>
    private static readonly Dictionary<string, bool> IdempotentOperations = new(StringComparer.Ordinal)
    {
        ["SubmitEmergencyRequest"] = false,
        ["RecordEmergencyDisbursement"] = true,
    };

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Tenancy"] = "The calling key, and the funder's API keys (admin).",
        ["Grants"] = "A funder's grants as 360Giving JSON: load packages, list, read and delete by identifier.",
        ["Classification"] = "Rule sets, the review queue, and people's corrections of a grant's classification.",
        ["Grant imports"] = "CSV files of grants (360Giving flat layout or FundAudit's template), imported by a job.",
        ["Audit"] = "Exchange rates, the funding mix, baselines, targets, the field view; CSV and SVG exports.",
        ["Rapid response"] = "Emergency funds and the officers' workflow: acknowledge, ask, decide, pay, close.",
        ["Rapid response (applicants)"] =
            "Anonymous: a defender submits a request, checks its status, answers a question or withdraws it.",
        ["Single sign-on"] = "The funder's own OpenID Connect provider for the console's sign-in (admin).",
    };

    public Task TransformAsync(
        OpenApiDocument document,
        OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken
    )
    {
        document.Info.License = new OpenApiLicense
        {
            Name = "Proprietary: the terms of the operator of this FundAudit instance",
            Url = new Uri("https://fundaudit.invalid/terms"),
        };
        document.Servers =
        [
            new OpenApiServer
            {
                Url = "/",
                Description = "The instance that serves this document (dotnet run: http://localhost:5000).",
            },
        ];

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[ProblemSchema] = Problem();
        document.Components.Schemas.Remove("HttpValidationProblemDetails"); // one error schema: errors is optional

        foreach (var schema in document.Components.Schemas.Values)
        {
            Tidy(schema);
        }

        foreach (var (_, item) in document.Paths)
        {
            foreach (var (_, operation) in item.Operations ?? [])
            {
                TidyOperation(document, operation);
            }
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        return Task.CompletedTask;
    }

    private static void TidyOperation(OpenApiDocument document, OpenApiOperation operation)
    {
        operation.Responses ??= [];
        var id = operation.OperationId ?? "";
        AddFileAnswer(operation, id);
        AddIdempotencyKey(operation, id);
        AddProblems(operation, id);
        foreach (var parameter in operation.Parameters ?? [])
        {
            Tidy(parameter.Schema);
        }

        TidyRequestBody(operation);
        TidyResponses(document, operation);
    }

    /// <summary>An answer that is a file (CSV, SVG...): its media type, beside the JSON one or instead of it.</summary>
    private static void AddFileAnswer(OpenApiOperation operation, string id)
    {
        if (FileAnswers.TryGetValue(id, out var file))
        {
            var fileMedia = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            if (file.Beside && operation.Responses!.TryGetValue("200", out var found) && found is OpenApiResponse ok)
            {
                ok.Description = file.Description;
                ok.Content ??= new Dictionary<string, OpenApiMediaType>();
                ok.Content[file.MediaType] = fileMedia;
            }
            else
            {
                operation.Responses!["200"] = new OpenApiResponse
                {
                    Description = file.Description,
                    Content = new Dictionary<string, OpenApiMediaType> { [file.MediaType] = fileMedia },
                };
            }
        }
    }

    private static void AddIdempotencyKey(OpenApiOperation operation, string id)
    {
        if (IdempotentOperations.TryGetValue(id, out var keyRequired))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(
                new OpenApiParameter
                {
                    Name = "Idempotency-Key",
                    In = ParameterLocation.Header,
                    Required = keyRequired,
                    Description =
                        "1 to 200 characters chosen by the client; a retry with the same key and request gets "
                        + "the first answer again instead of doing the work twice.",
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        MinLength = 1,
                        MaxLength = 200,
                    },
                }
            );
        }
    }

    private static void AddProblems(OpenApiOperation operation, string id)
    {
        // Rules every operation follows: parameters and bodies that cannot be read are a 400, a body over the
        // endpoint's limit a 413 (RequestBodyLimitMiddleware), an address whose resource is not the caller's is a
        // 404, an unexpected failure is a 500 and a busy database a 503 with Retry-After (all ProblemDetails).
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
        {
            AddProblem(operation, "400", "The request could not be read or is not valid.");
        }

        if (operation.RequestBody is not null)
        {
            AddProblem(operation, "413", "The request body is larger than this endpoint accepts (limitBytes).");
        }

        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true)
        {
            AddProblem(operation, "404", "Nothing at this address for the caller's funder.");
        }

        foreach (var (status, description) in MoreProblems.GetValueOrDefault(id) ?? [])
        {
            AddProblem(operation, status, description);
        }

        AddProblem(operation, "500", "An unexpected failure; quote the traceId when reporting it.");
        operation.Responses!.TryAdd(
            "503",
            new OpenApiResponse
            {
                Description =
                    "The database is busy (a lock held too long, a full pool); nothing was completed. Send "
                    + "the same request again after Retry-After seconds.",
                Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before sending the request again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    },
                },
            }
        );
    }

    private static void TidyRequestBody(OpenApiOperation operation)
    {
        var content = operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>();
        foreach (var (mediaType, media) in content)
        {
            if (mediaType == "multipart/form-data" && media.Schema is OpenApiSchemaReference { Reference.Id: "Stream" })
            {
                // A file upload: the form's file part (any name; "file" by convention).
                media.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    },
                    Required = new HashSet<string>(StringComparer.Ordinal) { "file" },
                };
            }

            Tidy(media.Schema);
        }
    }

    /// <summary>Problem answers become ProblemDetails; the schemas of the other answers are tidied.</summary>
    private static void TidyResponses(OpenApiDocument document, OpenApiOperation operation)
    {
        foreach (var (status, response) in operation.Responses!)
        {
            if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse concrete)
            {
                concrete.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new()
                    {
                        Schema = new OpenApiSchemaReference(ProblemSchema, document),
                    },
                };
                continue;
            }

            foreach (var media in response.Content?.Values ?? [])
            {
                Tidy(media.Schema);
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description) =>
        operation.Responses!.TryAdd(status, new OpenApiResponse { Description = description });

    /// <summary>The absent-value rule and plain numbers, on one schema and every schema inside it.</summary>
    private static void Tidy(IOpenApiSchema? candidate)
    {
        if (candidate is not OpenApiSchema schema)
        {
            return; // a reference: its target is tidied where it is defined
        }

        if (
            schema.Type is { } type
            && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0
            && (type & JsonSchemaType.String) != 0
        )
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
        {
            foreach (var name in required.ToList())
            {
                if (properties.TryGetValue(name, out var property) && AllowsNull(property))
                {
                    required.Remove(name);
                }
            }
        }

        foreach (var property in schema.Properties?.Values ?? [])
        {
            Tidy(property);
        }

        Tidy(schema.Items);
        Tidy(schema.AdditionalProperties);
        foreach (var part in (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
        {
            Tidy(part);
        }
    }

    private static bool AllowsNull(IOpenApiSchema schema) =>
        schema is OpenApiSchema concrete
        && (
            (concrete.Type is { } type && (type & JsonSchemaType.Null) != 0)
            || (concrete.OneOf ?? []).Concat(concrete.AnyOf ?? []).Any(AllowsNull)
        );

    /// <summary>RFC 9457 problem details as the service writes them, with its extensions.</summary>
    private static OpenApiSchema Problem() =>
        new()
        {
            Type = JsonSchemaType.Object,
            Description =
                "An error (RFC 9457 problem details). Further members may appear beside these; clients should "
                + "ignore members they do not know.",
            Required = new HashSet<string>(StringComparer.Ordinal) { "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["type"] = Text("A URI reference naming the kind of problem."),
                ["title"] = Text("A short summary of the problem, the same for every occurrence of its kind."),
                ["status"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Description = "The HTTP status.",
                },
                ["detail"] = Text("What went wrong this time."),
                ["instance"] = Text("The request this problem occurred in."),
                ["traceId"] = Text("Quote it when reporting a problem: it finds the request in the service's log."),
                ["code"] = Text(
                    "A stable machine-readable reason, where a client may act on it "
                        + "(e.g. stale_version, already_disbursed, or why a request's state may not change)."
                ),
                ["limitBytes"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int64",
                    Description = "On a 413: the endpoint's body limit in bytes.",
                },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description =
                        "On a 400 for invalid input: messages per invalid field (JSON path, parameter, column).",
                    AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            },
            AdditionalPropertiesAllowed = true,
        };

    private static OpenApiSchema Text(string description) =>
        new() { Type = JsonSchemaType.String, Description = description };
}
