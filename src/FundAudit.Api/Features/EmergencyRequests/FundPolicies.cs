using System.Text.Json;
using FundAudit.Core.EmergencyRequests;

namespace FundAudit.Api.Features.EmergencyRequests;

/// <summary>One tier's goals in hours, as the API and the stored policy write them.</summary>
internal sealed record SlaTierHours(
    double? AcknowledgeHours,
    double? DecisionHours,
    double? DisbursementHours,
    double? TotalHours
);

/// <summary>Working hours; omit for 24/7.</summary>
/// <param name="TimeZone">IANA time zone id, e.g. America/Bogota.</param>
/// <param name="WorkingDays">monday … sunday.</param>
/// <param name="DayStart">HH:mm.</param>
/// <param name="DayEnd">HH:mm, or 24:00.</param>
/// <param name="Holidays">Local dates (yyyy-MM-dd) without working hours.</param>
internal sealed record SlaCalendarSettings(
    string? TimeZone,
    IReadOnlyList<string>? WorkingDays,
    string? DayStart,
    string? DayEnd,
    IReadOnlyList<DateOnly>? Holidays
);

/// <summary>A fund's SLA policy on the wire: goals per tier (extreme, high, standard), the warning share and an
/// optional calendar.</summary>
internal sealed record SlaSettings(
    double? WarningShare,
    IReadOnlyDictionary<string, SlaTierHours>? Tiers,
    SlaCalendarSettings? Calendar
);

/// <summary>Converts between the wire/stored policy and <see cref="SlaPolicy"/>; missing tiers and goals take the
/// defaults.</summary>
internal static class FundPolicies
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>The 400 of a fund's body whose SLA policy <see cref="ToPolicy"/> refused: each error under
    /// <c>sla.</c> and its field.</summary>
    public static ValidationProblem SlaProblem(IReadOnlyList<SlaValidationError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => "sla." + e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The request is not valid."
        );

    public static (SlaPolicy? Policy, IReadOnlyList<SlaValidationError> Errors) ToPolicy(SlaSettings? settings)
    {
        if (settings is null)
        {
            return (SlaPolicy.Default, []);
        }

        var errors = new List<SlaValidationError>();
        var tiers = new Dictionary<UrgencyTier, SlaTierGoals>();
        foreach (var (name, _) in settings.Tiers ?? new Dictionary<string, SlaTierHours>())
        {
            if (!WireName.TryParse<UrgencyTier>(name, out _))
            {
                errors.Add(new("tiers", "Tiers are extreme, high and standard."));
            }
        }

        foreach (var tier in Enum.GetValues<UrgencyTier>())
        {
            var defaults = SlaPolicy.Default.GoalsFor(tier);
            var given = settings
                .Tiers?.FirstOrDefault(t => string.Equals(t.Key, WireName.Of(tier), StringComparison.OrdinalIgnoreCase))
                .Value;
            tiers[tier] = new SlaTierGoals(
                Hours(given?.AcknowledgeHours, defaults.TimeToAcknowledge),
                Hours(given?.DecisionHours, defaults.TimeToDecision),
                Hours(given?.DisbursementHours, defaults.TimeToDisbursement),
                Hours(given?.TotalHours, defaults.TotalTime)
            );
        }

        var calendar = settings.Calendar is { } c ? ToCalendar(c, errors) : null;
        var policy = new SlaPolicy
        {
            Tiers = tiers,
            WarningShare = settings.WarningShare ?? SlaPolicy.DefaultWarningShare,
            Calendar = calendar,
        };
        errors.AddRange(policy.Validate());
        return errors.Count > 0 ? (null, errors) : (policy, []);
    }

    /// <summary>
    /// The working-hours calendar; null when it has problems (added to <paramref name="errors"/>) or when an earlier
    /// part of the policy had some.
    /// </summary>
    private static BusinessCalendar? ToCalendar(SlaCalendarSettings c, List<SlaValidationError> errors)
    {
        var days = new List<DayOfWeek>();
        foreach (var d in c.WorkingDays ?? [])
        {
            if (Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var day) && !int.TryParse(d, out _))
            {
                days.Add(day);
            }
            else
            {
                errors.Add(new("calendar.working_days", "Days are monday … sunday."));
            }
        }

        var start = ParseTime(c.DayStart ?? "00:00");
        var end = ParseTime(c.DayEnd ?? "24:00");
        if (start is null || end is null)
        {
            errors.Add(new("calendar.day_start", "Times are HH:mm (24:00 allowed as the end)."));
            return null;
        }

        var calendarErrors = BusinessCalendar.Validate(c.TimeZone, days, start.Value, end.Value);
        errors.AddRange(calendarErrors);
        return calendarErrors.Count == 0 && errors.Count == 0
            ? new BusinessCalendar(c.TimeZone!, days, start.Value, end.Value, c.Holidays)
            : null;
    }

    public static SlaSettings ToSettings(SlaPolicy policy) =>
        new(
            policy.WarningShare,
            Enum.GetValues<UrgencyTier>()
                .ToDictionary(
                    t => WireName.Of(t),
                    t =>
                    {
                        var g = policy.GoalsFor(t);
                        return new SlaTierHours(
                            g.TimeToAcknowledge.TotalHours,
                            g.TimeToDecision.TotalHours,
                            g.TimeToDisbursement.TotalHours,
                            g.TotalTime.TotalHours
                        );
                    }
                ),
            policy.Calendar is { } c
                ? new SlaCalendarSettings(
                    c.TimeZoneId,
                    c.WorkingDays.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString().ToLowerInvariant()).ToList(),
                    Format(c.DayStart),
                    Format(c.DayEnd),
                    c.Holidays.Order().ToList()
                )
                : null
        );

    public static string Serialize(SlaPolicy policy) => JsonSerializer.Serialize(ToSettings(policy), Json);

    public static SlaPolicy Deserialize(string json) =>
        ToPolicy(JsonSerializer.Deserialize<SlaSettings>(json, Json)).Policy
        ?? throw new InvalidOperationException("A stored SLA policy is not valid.");

    private static TimeSpan Hours(double? hours, TimeSpan fallback) =>
        hours is { } h
            ? (
                double.IsFinite(h) && h > 0 && h <= 24 * 366
                    ? TimeSpan.FromSeconds(Math.Round(h * 3600))
                    : TimeSpan.Zero
            )
            : fallback;

    private static TimeSpan? ParseTime(string text) =>
        text == "24:00" ? TimeSpan.FromDays(1)
        : TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.ToTimeSpan()
        : null;

    private static string Format(TimeSpan t) =>
        t == TimeSpan.FromDays(1) ? "24:00" : t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions();
        JsonDefaults.Configure(o);
        return o;
    }
}
