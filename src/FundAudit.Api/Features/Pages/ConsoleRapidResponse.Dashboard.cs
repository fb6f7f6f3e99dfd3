using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Api.Features.EmergencyRequests;
using FundAudit.Api.Features.Pages.Components;

namespace FundAudit.Api.Features.Pages;

/// <summary>An open request and the goal whose deadline comes first.</summary>
internal sealed record OpenRequestRow(RequestSummary Request, GoalView? Next);

/// <summary>One table of the response-time statistics (by month, tier or country) and its chart.</summary>
internal sealed record MetricsTable(
    string Id,
    string Caption,
    string GroupLabel,
    IReadOnlyList<(string Key, GetFundMetrics.Group Group)> Rows,
    string ChartSvg
);

internal sealed record DashboardData(
    IReadOnlyList<FundView> Funds,
    FundView? Fund,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<OpenRequestRow> Open,
    IReadOnlyList<MetricsTable> Tables,
    string? MedianChartSvg
);

/// <summary>The console's response-time dashboard: a fund's open requests and its response-time statistics.</summary>
internal static partial class ConsoleRapidResponse
{
    public static async Task<IResult> DashboardAsync(
        HttpContext http,
        string? fund,
        ClaimsPrincipal user,
        [FromServices] EmergencyRequestsUseCases rapidResponse,
        [FromServices] TimeProvider clock,
        CancellationToken ct
    )
    {
        var funds = await rapidResponse.ListVisibleFundsAsync(user, ct);
        var chosen = funds.FirstOrDefault(f => f.Slug == fund) ?? (funds.Count > 0 ? funds[0] : null);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = today.AddYears(-1);
        if (chosen is null)
        {
            return ConsoleRender.Page<ConsoleDashboard>(
                http,
                ConsoleText.T("Dashboard_Title"),
                "dashboard",
                new DashboardData(funds, null, from, today, [], [], null)
            );
        }

        var rows = await OpenRowsAsync(chosen, user, rapidResponse, ct);
        var (tables, medianChart) = await MetricsTablesAsync(chosen, from, today, user, rapidResponse, ct);
        return ConsoleRender.Page<ConsoleDashboard>(
            http,
            ConsoleText.T("Dashboard_Title"),
            "dashboard",
            new DashboardData(funds, chosen, from, today, rows, tables, medianChart)
        );
    }

    /// <summary>Every open request of the fund, breached goals first, then by the time left to the next goal.</summary>
    private static async Task<List<OpenRequestRow>> OpenRowsAsync(
        FundView chosen,
        ClaimsPrincipal user,
        EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    )
    {
        var open = new List<RequestSummary>();
        long? cursor = 0;
        while (cursor is not null)
        {
            var filter = new ListRequests.Request
            {
                Fund = chosen.Slug,
                Limit = 200,
                Cursor = cursor,
                Open = true,
            };
            var page = (await rapidResponse.ListRequestsAsync(filter, user, ct)).Result as Ok<ListRequests.Response>;
            open.AddRange(page!.Value!.Items);
            cursor = page.Value.Next;
        }

        return open.Select(r => new OpenRequestRow(r, NextGoal(r)))
            .OrderBy(r =>
                r.Next?.Status == "breached" ? 0
                : r.Next is null ? 2
                : 1
            )
            .ThenBy(r => r.Next?.RemainingSeconds ?? long.MaxValue)
            .ToList();
    }

    /// <summary>
    /// The statistics by month, tier and country, each with its share-within-goal chart, and the chart of median
    /// hours by month.
    /// </summary>
    private static async Task<(List<MetricsTable> Tables, string? MedianChart)> MetricsTablesAsync(
        FundView chosen,
        DateOnly from,
        DateOnly today,
        ClaimsPrincipal user,
        EmergencyRequestsUseCases rapidResponse,
        CancellationToken ct
    )
    {
        var tables = new List<MetricsTable>();
        string? medianChart = null;
        var parts = new[]
        {
            ("month", ConsoleText.T("Dashboard_ByMonth"), ConsoleText.T("Dashboard_Month")),
            ("tier", ConsoleText.T("Dashboard_ByTier"), ConsoleText.T("Dashboard_Tier")),
            ("country", ConsoleText.T("Dashboard_ByCountry"), ConsoleText.T("Dashboard_Country")),
        };
        var metrics = (
            await rapidResponse.FundMetricsAsync(
                chosen.Slug,
                from,
                today,
                parts.Select(p => (IReadOnlyList<string>)[p.Item1]).ToList(),
                user,
                ct
            )
        )!;
        foreach (var ((part, caption, label), response) in parts.Zip(metrics))
        {
            var groups = response
                .Groups.Select(g => (Key: g.Month ?? g.Tier ?? g.Country ?? "all", Group: g))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToList();
            var share = ShareChart(part, caption, label, chosen, groups);
            tables.Add(new MetricsTable(part, caption, label, groups, share));
            if (part == "month")
            {
                medianChart = MedianChart(chosen, groups);
            }
        }

        return (tables, medianChart);
    }

    /// <summary>The chart of the share of requests that met each goal, by the table's groups.</summary>
    private static string ShareChart(
        string part,
        string caption,
        string label,
        FundView chosen,
        List<(string Key, GetFundMetrics.Group Group)> groups
    ) =>
        GoalChart(
            ConsoleText.T("Dashboard_ShareTitle", caption.ToLower(CultureInfo.CurrentCulture)),
            ConsoleText.T("Dashboard_ShareDesc", caption.ToLower(CultureInfo.CurrentCulture), chosen.Name),
            label,
            ConsoleText.T("Dashboard_ShareAxis"),
            groups,
            goal => Math.Round((decimal)((goal?.ShareWithinGoal ?? 0) * 100), 1),
            "share-" + part
        );

    /// <summary>The chart of the median hours to each goal, by month.</summary>
    private static string MedianChart(FundView chosen, List<(string Key, GetFundMetrics.Group Group)> groups) =>
        GoalChart(
            ConsoleText.T("Dashboard_MedianTitle"),
            ConsoleText.T("Dashboard_MedianDesc", chosen.Name),
            ConsoleText.T("Dashboard_Month"),
            ConsoleText.T("Dashboard_MedianAxis"),
            groups,
            goal => Math.Round((goal?.MedianSeconds ?? 0) / 3600m, 1),
            "median-month"
        );

    /// <summary>One bar per goal in each group, of the goal's <paramref name="value"/> (null: no data).</summary>
    private static string GoalChart(
        string title,
        string summary,
        string label,
        string unit,
        List<(string Key, GetFundMetrics.Group Group)> groups,
        Func<GetFundMetrics.Goal?, decimal> value,
        string id
    ) =>
        new StackedBarChart(
            title,
            summary,
            label,
            unit,
            Goals.Select(g => g.Name).ToList(),
            groups
                .SelectMany(g =>
                    Goals.Select(goal => new ChartBar(
                        goal.Name,
                        [new ChartSegment(goal.Name, value(g.Group.Goals.GetValueOrDefault(goal.Key)))],
                        g.Key
                    ))
                )
                .ToList(),
            id
        ).RenderInline();
}
