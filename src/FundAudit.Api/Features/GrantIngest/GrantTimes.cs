using FundAudit.Api.Infrastructure.Data;

namespace FundAudit.Api.Features.GrantIngest;

/// <summary>
/// A grant's <c>updated_at</c> and <c>classified_at</c> are stored NULL when they equal its <c>created_at</c>
/// (migration 0026, issue 18 goal 3: 8 bytes each in every grant an import creates): "not changed since it was
/// created" and "classified when it was created". NULL already meant "not classified" in <c>classified_at</c>; a
/// classified grant always has a <c>level_source</c> (every write of a classification sets it) and an unclassified one
/// never has, so that column tells the two NULLs apart. These are the one place that turns a row back into the values
/// it stood for.
/// </summary>
internal static class GrantTimes
{
    /// <summary><c>updated_at</c> of the row aliased <paramref name="row"/>, as it was before 0026.</summary>
    public static string UpdatedAt(string row) => $"COALESCE({row}.updated_at, {row}.created_at)";

    /// <summary><c>classified_at</c> of the row aliased <paramref name="row"/>: NULL only for an unclassified grant.
    /// </summary>
    public static string ClassifiedAt(string row) =>
        $"COALESCE({row}.classified_at, CASE WHEN {row}.level_source IS NOT NULL THEN {row}.created_at END)";

    /// <summary>
    /// What an upsert's update of a changed grant sets them to: the proposed row's values as written for an insert
    /// (both NULL, its created_at the time of this write) read back, so the stored grant, whose created_at stays, gets
    /// the write's time in both.
    /// </summary>
    public static IReadOnlyDictionary<string, string> OnUpdate { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["updated_at"] = UpdatedAt(MergeCondition.Source),
            ["classified_at"] = ClassifiedAt(MergeCondition.Source),
        };
}
