using System.Xml.Linq;

namespace FundAudit.Api.Features.Audit.Charts;

/// <summary>One stacked piece of a bar: its series (legend entry) and value on the value axis.</summary>
internal sealed record ChartSegment(string Series, decimal Value);

/// <summary>One bar; bars with the same <paramref name="Group"/> stand side by side under one group label (e.g.
/// baseline beside current).</summary>
internal sealed record ChartBar(string Label, IReadOnlyList<ChartSegment> Segments, string? Group = null);

/// <summary>
/// A stacked bar chart as standalone SVG: a title, a description for screen readers (<c>&lt;title&gt;</c> and
/// <c>&lt;desc&gt;</c>, <c>role="img"</c>), a value axis with gridlines, labelled bars with each segment's value, and a
/// legend. No scripts, fonts, images or styles from elsewhere; built with <see cref="XDocument"/>, so always valid XML
/// and every label is escaped. Reusable by any page that needs stacked bars (the officers' console included).
/// </summary>
/// <remarks>Give each chart on one HTML page its own <c>idPrefix</c>: the title and description ids must be unique in
/// the page. Series are the taxonomy's codes (their colours follow them); <c>text</c> names them, heads the legend and
/// writes the numbers (<see cref="ChartText.Invariant"/> unless given: the API's charts).</remarks>
internal sealed class StackedBarChart(
    string title,
    string description,
    string categoryAxis,
    string valueAxis,
    IReadOnlyList<string> series,
    IReadOnlyList<ChartBar> bars,
    string idPrefix = "chart",
    ChartText? text = null
)
{
    private readonly ChartText _text = text ?? ChartText.Invariant;

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Colour-blind-safe palette (Okabe–Ito), one per series in order; grey for the last ("unclassified") when there are
    // five.
    private static readonly string[] Palette =
    [
        "#0072B2",
        "#009E73",
        "#E69F00",
        "#CC79A7",
        "#56B4E9",
        "#D55E00",
        "#F0E442",
    ];

    private const int Left = 70,
        Top = 50,
        PlotHeight = 300,
        BarWidth = 36,
        BarGap = 10,
        GroupGap = 28,
        LegendWidth = 170;

    /// <summary>The chart as a standalone SVG document (with its XML declaration), as the audit's .svg endpoints serve
    /// it.</summary>
    public string Render()
    {
        var root = Build();
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + RenderInline(root);
    }

    /// <summary>The same chart as an <c>&lt;svg&gt;</c> element to place inside an HTML page (no XML
    /// declaration).</summary>
    public string RenderInline() => RenderInline(Build());

    private static string RenderInline(XElement root) => root.ToString(SaveOptions.DisableFormatting);

    private XElement Build()
    {
        var groups = bars.GroupBy(b => b.Group ?? b.Label).ToList();
        var plotWidth = groups.Sum(g => (g.Count() * (BarWidth + BarGap)) - BarGap + GroupGap) + GroupGap;
        var width = Left + plotWidth + LegendWidth;
        var height = Top + PlotHeight + 80;
        var max = bars.Select(b => b.Segments.Sum(s => Math.Max(0, s.Value))).DefaultIfEmpty(0).Max();
        var scaleMax = max <= 0 ? 100m : Math.Ceiling(max / 10m) * 10m;
        var titleId = idPrefix + "-title";
        var descId = idPrefix + "-desc";

        var root = new XElement(
            Svg + "svg",
            new XAttribute("width", width),
            new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("role", "img"),
            new XAttribute("aria-labelledby", $"{titleId} {descId}"),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", "11"),
            new XElement(Svg + "title", new XAttribute("id", titleId), title),
            new XElement(Svg + "desc", new XAttribute("id", descId), description + " " + DataSummary()),
            new XElement(
                Svg + "rect",
                new XAttribute("width", width),
                new XAttribute("height", height),
                new XAttribute("fill", "#ffffff")
            ),
            Text(width / 2.0, 24, title, "middle", "15", "bold")
        );

        root.Add(ValueAxis(plotWidth, height, scaleMax));
        root.Add(Plot(groups, scaleMax));
        root.Add(Legend(plotWidth));
        return root;
    }

    /// <summary>The value axis, with gridlines every tenth of the scale, and the category axis's title.</summary>
    private XElement ValueAxis(int plotWidth, int height, decimal scaleMax)
    {
        var axis = new XElement(Svg + "g", new XAttribute("class", "value-axis"));
        for (var i = 0; i <= 10; i += 2)
        {
            var v = scaleMax * i / 10m;
            var y = Y(v, scaleMax);
            axis.Add(
                new XElement(
                    Svg + "line",
                    Attr("x1", Left),
                    Attr("x2", Left + plotWidth),
                    Attr("y1", y),
                    Attr("y2", y),
                    new XAttribute("stroke", i == 0 ? "#333333" : "#dddddd")
                )
            );
            axis.Add(Text(Left - 6, y + 4, Format(v), "end"));
        }

        axis.Add(
            new XElement(
                Svg + "line",
                Attr("x1", Left),
                Attr("x2", Left),
                Attr("y1", Top),
                Attr("y2", Top + PlotHeight),
                new XAttribute("stroke", "#333333")
            )
        );
        var vLabel = Text(16, Top + (PlotHeight / 2.0), valueAxis, "middle");
        vLabel.Add(new XAttribute("transform", $"rotate(-90 16 {Top + (PlotHeight / 2)})"));
        axis.Add(vLabel);
        axis.Add(Text(Left + (plotWidth / 2.0), height - 12, categoryAxis, "middle", "12", "bold"));
        return axis;
    }

    /// <summary>The bars, group by group, each group named under its bars.</summary>
    private XElement Plot(List<IGrouping<string, ChartBar>> groups, decimal scaleMax)
    {
        var x = (double)(Left + GroupGap);
        var plot = new XElement(Svg + "g", new XAttribute("class", "bars"));
        foreach (var group in groups)
        {
            var groupStart = x;
            foreach (var bar in group)
            {
                plot.Add(BarOf(bar, x, scaleMax));
                x += BarWidth + BarGap;
            }

            var groupEnd = x - BarGap;
            plot.Add(
                Text(
                    (groupStart + groupEnd) / 2,
                    Top + PlotHeight + (group.First().Group is null ? 16 : 30),
                    group.Key,
                    "middle",
                    "11"
                )
            );
            x += GroupGap - BarGap + BarGap;
        }

        return plot;
    }

    /// <summary>
    /// One bar: its segments stacked (labelled where tall enough), its total on top, its label below.
    /// </summary>
    private XElement BarOf(ChartBar bar, double x, decimal scaleMax)
    {
        var barGroup = new XElement(Svg + "g", new XAttribute("class", "bar"));
        decimal stacked = 0;
        foreach (var segment in bar.Segments.Where(s => s.Value > 0))
        {
            var y0 = Y(stacked + segment.Value, scaleMax);
            var h = Y(stacked, scaleMax) - y0;
            barGroup.Add(
                new XElement(
                    Svg + "rect",
                    Attr("x", x),
                    Attr("y", y0),
                    Attr("width", BarWidth),
                    Attr("height", h),
                    new XAttribute("fill", Colour(segment.Series)),
                    new XElement(Svg + "title", $"{bar.Label} – {_text.Name(segment.Series)}: {Format(segment.Value)}")
                )
            );
            if (h >= 12)
            {
                barGroup.Add(
                    Text(x + (BarWidth / 2.0), y0 + (h / 2) + 4, Format(segment.Value), "middle", "9", fill: "#ffffff")
                );
            }

            stacked += segment.Value;
        }

        barGroup.Add(Text(x + (BarWidth / 2.0), Y(stacked, scaleMax) - 4, Format(stacked), "middle", "10", "bold"));
        if (bar.Group is not null)
        {
            barGroup.Add(Text(x + (BarWidth / 2.0), Top + PlotHeight + 14, bar.Label, "middle", "9"));
        }
        return barGroup;
    }

    private XElement Legend(int plotWidth)
    {
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        var lx = Left + plotWidth + 20;
        legend.Add(Text(lx, Top, _text.T("Chart_Legend"), "start", "12", "bold"));
        for (var i = 0; i < series.Count; i++)
        {
            var ly = Top + 14 + (i * 20);
            legend.Add(
                new XElement(
                    Svg + "rect",
                    Attr("x", lx),
                    Attr("y", ly),
                    Attr("width", 12),
                    Attr("height", 12),
                    new XAttribute("fill", Colour(series[i]))
                )
            );
            legend.Add(Text(lx + 18, ly + 10, _text.Name(series[i]), "start"));
        }

        return legend;
    }

    /// <summary>Every bar's values as text, so a screen reader gets the numbers the eye gets.</summary>
    private string DataSummary() =>
        string.Join(
            " ",
            bars.Select(b =>
                $"{(b.Group is null ? "" : b.Group + " ")}{b.Label}: "
                + string.Join(
                    ", ",
                    b.Segments.Where(s => s.Value != 0).Select(s => $"{_text.Name(s.Series)} {Format(s.Value)}")
                )
                + (b.Segments.All(s => s.Value == 0) ? _text.T("Chart_None") : "")
                + "."
            )
        );

    private string Colour(string name)
    {
        if (name == "unclassified")
        {
            return "#999999"; // what nobody has decided yet is grey in every chart
        }

        var i = series.ToList().IndexOf(name);
        return Palette[(i < 0 ? 0 : i) % Palette.Length];
    }

    private static double Y(decimal value, decimal scaleMax) =>
        Top + PlotHeight - (double)(value / scaleMax * PlotHeight);

    private string Format(decimal value) => _text.Number(value);

    private static XAttribute Attr(string name, double value) =>
        new(name, value.ToString("0.##", CultureInfo.InvariantCulture));

    private static XElement Text(
        double x,
        double y,
        string text,
        string anchor,
        string size = "11",
        string weight = "normal",
        string fill = "#222222"
    ) =>
        new(
            Svg + "text",
            Attr("x", x),
            Attr("y", y),
            new XAttribute("text-anchor", anchor),
            new XAttribute("font-size", size),
            new XAttribute("font-weight", weight),
            new XAttribute("fill", fill),
            text
        );
}
