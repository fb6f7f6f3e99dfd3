using System.Globalization;
using System.Net;
using System.Xml.Linq;
using FundAudit.Api.Features.Audit.Charts;
using FundAudit.Api.Features.Pages;
using FundAudit.Api.Infrastructure.Auth;
using FundAudit.Api.Tests.Audit;
using FundAudit.Api.Tests.Infrastructure;

namespace FundAudit.Api.Tests.Pages;

/// <summary>The words inside the audit charts (ChartText): every key in every console language.</summary>
public sealed class ChartTextKeyTests
{
    [Fact]
    public void Every_chart_text_is_in_every_console_language()
    {
        Translations.AssertComplete(ConsoleText.Languages, ChartText.Keys, ChartText.Get, 25);
    }
}

/// <summary>
/// The audit charts drawn on console pages speak the page's language (title, axes, legend, level and purpose names)
/// with its culture's numbers and dates; the API's SVG exports stay English and invariant whatever Accept-Language
/// asks.
/// </summary>
public abstract class ChartLanguageTests<TApp>(TApp app)
    where TApp : FundAuditApp
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static string Fr(string key, params object[] args) =>
        string.Format(CultureInfo.GetCultureInfo("fr"), ChartText.Get(key, "fr")!, args);

    private static string FrDate(int y, int m, int d) =>
        new DateOnly(y, m, d).ToString("d", CultureInfo.GetCultureInfo("fr"));

    /// <summary>The inline chart whose title id is <paramref name="titleId"/>, parsed.</summary>
    private static XElement Chart(string html, string titleId)
    {
        var at = html.IndexOf($"id=\"{titleId}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no chart {titleId} in the page");
        var start = html.LastIndexOf("<svg", at, StringComparison.Ordinal);
        var end = html.IndexOf("</svg>", at, StringComparison.Ordinal) + "</svg>".Length;
        return XElement.Parse(html[start..end]);
    }

    private static List<string> Texts(XElement svg) => [.. svg.Descendants(Svg + "text").Select(t => t.Value)];

    [Fact]
    public async Task The_trend_and_compare_charts_on_a_french_page_are_in_french_and_the_api_svg_stays_english()
    {
        var tenant = await HandWorkedPortfolio.CreateAsync(app);
        using var analyst = await ConsoleClient.SignInAsync(app, (await app.AddKeyAsync(tenant, Roles.Analyst)).Key);

        var trend = Chart(
            await analyst.GetPageAsync("/app/trend?from=2024-01-01&to=2026-12-31&currency=EUR&lang=fr"),
            "trend-title"
        );
        var title = Fr("Trend_Title", FrDate(2024, 1, 1), FrDate(2026, 12, 31), "EUR");
        Assert.Equal(title, trend.Element(Svg + "title")!.Value);
        var texts = Texts(trend);
        Assert.Contains(title, texts);
        Assert.Contains(Fr("Trend_Year"), texts); // the category axis
        Assert.Contains(Fr("Trend_ShareOfYear"), texts); // the value axis
        Assert.Contains(Fr("Chart_Legend"), texts);
        Assert.Contains(Fr("Name_prevention"), texts);
        Assert.Contains(Fr("Name_unclassified"), texts);
        Assert.DoesNotContain("Legend", texts);
        Assert.DoesNotContain("prevention", texts);
        Assert.Contains("2025 : 38,09 %, 19,05 %, 80,95 %, 0 %", trend.Element(Svg + "desc")!.Value);

        var compare = Chart(
            await analyst.GetPageAsync(
                "/app/compare?thenfrom=2024-01-01&thento=2024-12-31&nowfrom=2025-01-01&nowto=2025-12-31"
                    + "&currency=EUR&lang=fr"
            ),
            "compare-title"
        );
        texts = Texts(compare);
        Assert.Contains(Fr("Compare_Axis", Fr("Compare_Then"), Fr("Compare_Now")), texts);
        Assert.Contains(Fr("Chart_ShareOfTotal"), texts);
        Assert.Contains(Fr("Chart_Legend"), texts);
        Assert.Contains(Fr("Name_global"), texts); // the level under each pair of bars
        Assert.DoesNotContain("global", texts);

        var mix = Chart(
            await analyst.GetPageAsync("/app/portfolio?from=2024-01-01&to=2025-12-31&currency=EUR&lang=fr"),
            "mix-title"
        );
        Assert.Equal(
            Fr("Mix_Title", FrDate(2024, 1, 1), FrDate(2025, 12, 31), "EUR"),
            mix.Element(Svg + "title")!.Value
        );
        texts = Texts(mix);
        Assert.Contains(Fr("Chart_Level"), texts);
        Assert.Contains(Fr("Chart_ShareOfTotal"), texts);
        Assert.Contains(Fr("Name_national"), texts);
        Assert.Contains(Fr("Name_collective"), texts);
        Assert.DoesNotContain("collective", texts);

        // English pages keep the chart the API draws (ISO dates, codes); the API ignores Accept-Language.
        var english = Chart(
            await analyst.GetPageAsync("/app/trend?from=2024-01-01&to=2026-12-31&currency=EUR&lang=en"),
            "trend-title"
        );
        Assert.Equal("Funding mix by year, 2024-01-01 to 2026-12-31 (EUR)", english.Element(Svg + "title")!.Value);
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            "/api/audit/trend.svg?from=2024-01-01&to=2026-12-31&currency=EUR"
        );
        request.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9");
        var response = await tenant.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var api = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Funding mix by year, 2024-01-01 to 2026-12-31 (EUR)", api.Element(Svg + "title")!.Value);
        Assert.Contains("2025: 38.09%, 19.05%, 80.95%, 0%", api.Element(Svg + "desc")!.Value);
        Assert.Contains("Legend", Texts(api));
        Assert.Contains("prevention", Texts(api));
    }
}

[Collection(SharedApps.Sqlite2)]
public sealed class SqliteChartLanguageTests(SqliteApp app) : ChartLanguageTests<SqliteApp>(app);
