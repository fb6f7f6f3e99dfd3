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

    /// <summary>The report <paramref name="report"/> makes of what <paramref name="loaded"/> holds, or the problem
    /// that stopped the loading.</summary>
    public static async Task<(TReport? Report, ProblemHttpResult? Problem)> ThenAsync<TLoaded, TReport>(
        this Task<(TLoaded? Loaded, ProblemHttpResult? Problem)> loaded,
        Func<TLoaded, Task<TReport>> report
    )
        where TLoaded : class
        where TReport : class
    {
        var (value, problem) = await loaded;
        return problem is not null ? (null, problem) : (await report(value!), null);
    }

    /// <summary>The report and its chart as an inline <c>&lt;svg&gt;</c> element, both made of what
    /// <paramref name="loaded"/> holds (for a page that shows both), or the problem that stopped the loading.</summary>
    public static async Task<(TReport? Report, string? ChartSvg, ProblemHttpResult? Problem)> WithInlineChartAsync<
        TLoaded,
        TReport
    >(
        this Task<(TLoaded? Loaded, ProblemHttpResult? Problem)> loaded,
        Func<TLoaded, Task<TReport>> report,
        Func<TLoaded, StackedBarChart> chart
    )
        where TLoaded : class
        where TReport : class
    {
        var (value, problem) = await loaded;
        return problem is not null ? (null, null, problem) : (await report(value!), chart(value!).RenderInline(), null);
    }

    /// <summary>A CSV download (UTF-8) named <paramref name="fileName"/>.</summary>
    public static FileContentHttpResult Csv(string csv, string fileName) =>
        TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", fileName);

    /// <summary>A chart as an SVG document.</summary>
    public static ContentHttpResult Svg(StackedBarChart chart) =>
        TypedResults.Content(chart.Render(), "image/svg+xml", Encoding.UTF8);
}
