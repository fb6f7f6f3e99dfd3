using FundAudit.Api.Features.EmergencyRequests;

namespace FundAudit.Api.Features.Pages;

/// <summary>
/// The console's fund form: its fields (the lower-case names of <see cref="CreateFund.Request"/>'s properties; the
/// SLA goals as <c>{tier}.{goal}</c>, the calendar's as their own names) and their reading into the API's request.
/// Lists (languages, working days, holidays) are typed separated by spaces or commas.
/// </summary>
internal static class FundForm
{
    public static readonly string[] Tiers = ["extreme", "high", "standard"];

    /// <summary>The goals of a tier: each field with the <see cref="ConsoleText"/> key of its label.</summary>
    public static readonly (string Field, string Label)[] Goals =
    [
        ("acknowledgehours", "Fund_Goal_Acknowledge"),
        ("decisionhours", "Fund_Goal_Decide"),
        ("disbursementhours", "Fund_Goal_Disburse"),
        ("totalhours", "Fund_Goal_Total"),
    ];

    /// <summary>The <see cref="ConsoleText"/> key of a tier's name, as the form shows it.</summary>
    public static string TierName(string tier) =>
        tier switch
        {
            "extreme" => "Fund_Tier_extreme",
            "high" => "Fund_Tier_high",
            "standard" => "Fund_Tier_standard",
            _ => tier,
        };

    public static readonly string[] Fields =
    [
        "slug",
        "name",
        "currency",
        "maxamount",
        "secondapprovalthreshold",
        "languages",
        "webhookurl",
        "warningshare",
        "timezone",
        "workingdays",
        "daystart",
        "dayend",
        "holidays",
        .. Tiers.SelectMany(t => Goals.Select(g => $"{t}.{g.Field}")),
    ];

    /// <summary>A new fund's form: the default SLA policy's goals and warning share, English, no calendar.</summary>
    public static Dictionary<string, string> Defaults =>
        Values(FundPolicies.ToSettings(FundAudit.Core.EmergencyRequests.SlaPolicy.Default), null);

    public static FormState Of(Dictionary<string, string> values) => FormState.Of(values);

    /// <summary>A stored fund as its form shows it.</summary>
    public static Dictionary<string, string> Values(FundView fund)
    {
        var values = Values(fund.Sla, fund);
        return values;
    }

    private static Dictionary<string, string> Values(SlaSettings sla, FundView? fund)
    {
        var values = Fields.ToDictionary(f => f, _ => "", StringComparer.Ordinal);
        values["languages"] = fund is null ? "en" : string.Join(' ', fund.Languages);
        values["warningshare"] = Number(sla.WarningShare);
        foreach (var tier in Tiers)
        {
            var hours = sla.Tiers?.GetValueOrDefault(tier);
            values[$"{tier}.acknowledgehours"] = Number(hours?.AcknowledgeHours);
            values[$"{tier}.decisionhours"] = Number(hours?.DecisionHours);
            values[$"{tier}.disbursementhours"] = Number(hours?.DisbursementHours);
            values[$"{tier}.totalhours"] = Number(hours?.TotalHours);
        }

        if (sla.Calendar is { } c)
        {
            values["timezone"] = c.TimeZone ?? "";
            values["workingdays"] = string.Join(' ', c.WorkingDays ?? []);
            values["daystart"] = c.DayStart ?? "";
            values["dayend"] = c.DayEnd ?? "";
            values["holidays"] = string.Join(' ', (c.Holidays ?? []).Select(d => d.ToString("yyyy-MM-dd", Inv)));
        }

        if (fund is not null)
        {
            values["slug"] = fund.Slug;
            values["name"] = fund.Name;
            values["currency"] = fund.Currency;
            values["maxamount"] = fund.MaxAmount.ToString(Inv);
            values["secondapprovalthreshold"] = fund.SecondApprovalThreshold?.ToString(Inv) ?? "";
            values["webhookurl"] = fund.WebhookUrl ?? "";
        }

        return values;
    }

    /// <summary>The form as the API's request; what cannot be read (a number, a date) goes to
    /// <paramref name="errors"/> by field.</summary>
    public static CreateFund.Request ToRequest(FormState form, Dictionary<string, string> errors)
    {
        var tiers = Tiers.ToDictionary(
            t => t,
            t => new SlaTierHours(
                Hours(form, $"{t}.acknowledgehours", errors),
                Hours(form, $"{t}.decisionhours", errors),
                Hours(form, $"{t}.disbursementhours", errors),
                Hours(form, $"{t}.totalhours", errors)
            )
        );
        var calendar = Calendar(form, errors);
        var sla = new SlaSettings((double?)ConsoleForms.Number(form, "warningshare", errors), tiers, calendar);
        return new CreateFund.Request(
            form.Value("slug"),
            form.Value("name"),
            form.Value("currency"),
            ConsoleForms.Number(form, "maxamount", errors),
            ConsoleForms.Number(form, "secondapprovalthreshold", errors),
            List(form.Value("languages")),
            sla,
            ConsoleForms.Blank(form.Value("webhookurl"))
        );
    }

    /// <summary>The form field of an SLA problem of the use case ("sla.calendar.time_zone_id" → timezone).</summary>
    public static string FieldOfSla(string key) =>
        key switch
        {
            "sla.warning_share" => "warningshare",
            "sla.calendar.time_zone_id" => "timezone",
            "sla.calendar.working_days" => "workingdays",
            "sla.calendar.day_start" => "daystart",
            "sla.calendar.day_end" => "dayend",
            "sla.calendar.holidays" => "holidays",
            _ => "tiers",
        };

    /// <summary>The same form with one more problem.</summary>
    public static FormState With(this FormState form, string field, string message) =>
        form with
        {
            Errors = new Dictionary<string, string>(form.Errors, StringComparer.Ordinal) { [field] = message },
        };

    private static SlaCalendarSettings? Calendar(FormState form, Dictionary<string, string> errors)
    {
        string[] fields = ["timezone", "workingdays", "daystart", "dayend", "holidays"];
        if (fields.All(f => form.Value(f).Length == 0))
        {
            return null; // 24/7
        }

        var holidays = new List<DateOnly>();
        foreach (var text in List(form.Value("holidays")))
        {
            if (ConsoleForms.Day(text) is { } day)
            {
                holidays.Add(day);
            }
            else
            {
                errors.TryAdd("holidays", ConsoleText.T("Fund_HolidayFormat"));
            }
        }

        return new SlaCalendarSettings(
            ConsoleForms.Blank(form.Value("timezone")),
            List(form.Value("workingdays")),
            ConsoleForms.Blank(form.Value("daystart")),
            ConsoleForms.Blank(form.Value("dayend")),
            holidays
        );
    }

    private static double? Hours(FormState form, string field, Dictionary<string, string> errors) =>
        (double?)ConsoleForms.Number(form, field, errors);

    private static List<string> List(string text) =>
        [.. text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Number(double? value) => value?.ToString(Inv) ?? "";

    private static CultureInfo Inv => CultureInfo.InvariantCulture;
}
