using System.Text.Json;
using FundAudit.Api.Features.Classification;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// POST /api/grants for a 360Giving JSON file the console's upload form received: read with the API's JSON options,
/// checked by the API's rule for texts and its validator (all or nothing) and stored by
/// <see cref="ImportGrantPackage"/>. Answers the counts, or the problems (the JSON path, or the file's line and
/// position) with nothing stored.
/// </summary>
internal sealed class UploadGrantPackage(
    GrantStore grants,
    FunderClassifier classifier,
    TimeProvider clock,
    IOptions<HttpLimitsOptions> limits,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json
)
{
    /// <summary>The counts of a stored package, or its problems (then nothing was stored).</summary>
    public sealed record Outcome(ImportGrantPackage.Response? Counts, IReadOnlyList<string> Problems);

    /// <summary>The largest package file taken: the API's JSON body limit.</summary>
    public long MaxBytes => limits.Value.MaxJsonBodyBytes;

    /// <summary>Reads, checks and stores the package file; <paramref name="dateFormat"/> as POST /api/grants takes it
    /// (<see cref="PackageDates"/>).</summary>
    public async Task<Outcome> ImportAsync(Stream file, string? dateFormat, ClaimsPrincipal user, CancellationToken ct)
    {
        GrantPackage? package;
        try
        {
            package = await JsonSerializer.DeserializeAsync<GrantPackage>(file, json.Value.SerializerOptions, ct);
        }
        catch (JsonException e)
        {
            var problem = e.LineNumber is { } line
                ? ProblemText.T("Package_NotJsonAt", line + 1, e.BytePositionInLine + 1)
                : ProblemText.T("Package_NotJson");
            return new(null, [problem]);
        }

        if (package is null)
        {
            return new(null, [ProblemText.T("Package_Null")]);
        }

        // The API's rule for texts first, as POST /api/grants applies it before its validator (JsonTexts).
        if (JsonTexts.Problems(package) is { Count: > 0 } texts)
        {
            return new(null, [.. texts.Select(t => $"{t.Path}: {ProblemText.T(t.Key)}")]);
        }

        if (PackageDates.Normalise(package, dateFormat) is { Count: > 0 } dates)
        {
            return new(null, [.. dates.Select(d => $"{d.Path}: {d.Message}")]);
        }

        var result = await new ImportGrantPackage.Validator(limits).ValidateAsync(package, ct);
        if (!result.IsValid)
        {
            return new(null, result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}").ToList());
        }

        var counts = await ImportGrantPackage.HandleAsync(package, dateFormat, user, grants, classifier, clock, ct);
        return new(counts.Value, []);
    }
}
