using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace FundAudit.Api.Tests.Client;

/// <summary>
/// The C# client a client developer would generate from openapi/fundaudit.v1.json with NSwag (System.Text.Json,
/// one class, a method per operationId). It is committed as FundAuditClient.g.cs; a test fails when it is stale, and
/// FUNDAUDIT_UPDATE_OPENAPI=1 writes it again with the document. NSwag makes one body parameter per operation and
/// prefers an application/json body to every other: for <c>UploadGrantImport</c>, whose body may be a CSV, a
/// workbook, a JSON package or any of them as a multipart file part, it would make a method that serialises the file
/// parameter as JSON under a text/csv header. The generation drops that operation's application/json entry, as a
/// client developer would, so the method uploads the file as multipart/form-data (a JSON package included: the job
/// knows it by its bytes).
/// </summary>
internal static class ClientGeneration
{
    public static string GeneratedPath { get; } =
        Path.Combine(Infrastructure.RepoPaths.Root, "tests", "FundAudit.Api.Tests", "Client", "FundAuditClient.g.cs");

    public static async Task<string> GenerateAsync(string documentJson)
    {
        var document = await OpenApiDocument.FromJsonAsync(documentJson);
        foreach (var operation in document.Operations.Where(o => o.Operation.OperationId == "UploadGrantImport"))
        {
            operation.Operation.RequestBody?.Content.Remove("application/json");
        }

        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "FundAuditClient",
            GenerateClientInterfaces = false,
            UseBaseUrl = false,
            GenerateExceptionClasses = true,
            ExceptionClass = "FundAuditApiException",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings =
            {
                Namespace = "FundAudit.Api.Tests.Client",
                JsonLibrary = CSharpJsonLibrary.SystemTextJson,
                GenerateNullableReferenceTypes = true,
                GenerateOptionalPropertiesAsNullable = true,
            },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        return code.ReplaceLineEndings("\n");
    }
}
