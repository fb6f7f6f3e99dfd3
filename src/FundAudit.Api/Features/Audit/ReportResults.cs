using System.Text;
using FundAudit.Api.Features.Audit.Charts;

namespace FundAudit.Api.Features.Audit;

/// <summary>
/// The answers of an audit report in each of its formats (JSON, CSV, SVG): the problem that stopped the report, or the
/// report written as the format asks.
/// </summary>
internal static class ReportResults
{
    /// <summary>The problem of <paramref name="report"/> when it has one, else the report as
    /// <paramref name="answer"/> writes it.</summary>
    public static async Task<Results<TResult, ProblemHttpResult>> AnswerAsync<TReport, TResult>(
        this Task<(TReport? Report, ProblemHttpResult? Problem)> report,
        Func<TReport, TResult> answer
    )
        where TReport : class
        where TResult : IResult
    {
        var (value, problem) = await report;
        return problem is not null ? problem : answer(value!);
    }

    /// <summary>A CSV download (UTF-8) named <paramref name="fileName"/>.</summary>
    public static FileContentHttpResult Csv(string csv, string fileName) =>
        TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", fileName);

    /// <summary>A chart as an SVG document.</summary>
    public static ContentHttpResult Svg(StackedBarChart chart) =>
        TypedResults.Content(chart.Render(), "image/svg+xml", Encoding.UTF8);
}
