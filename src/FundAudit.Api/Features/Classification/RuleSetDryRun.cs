using System.Text.Json;
using FundAudit.Core.Classification;

namespace FundAudit.Api.Features.Classification;

/// <summary>
/// POST /api/classification/rules/dry-run: what a rule set (the body PUT takes) would change if saved now, without
/// storing anything: how many of the funder's grants and how much money (per currency, in the grants' own currencies)
/// would change level or purpose, by from → to. A person's correction wins over any rule set, so a corrected
/// dimension never moves.
/// </summary>
internal static class DryRunRuleSet
{
    public const int BatchSize = 1000;

    /// <param name="Currency">ISO 4217 code.</param>
    /// <param name="AmountMinor">Money in minor units of that currency.</param>
    /// <param name="Amount">The same in major units.</param>
    public sealed record Money(string Currency, long AmountMinor, decimal Amount);

    /// <param name="From">The effective value now.</param>
    /// <param name="To">The effective value under the rule set tried.</param>
    /// <param name="Grants">How many grants move so.</param>
    /// <param name="Amounts">Their money, per currency.</param>
    public sealed record Move(string From, string To, long Grants, IReadOnlyList<Money> Amounts);

    /// <param name="Version">The version of the rule set tried.</param>
    /// <param name="CurrentVersion">The version of the funder's current rule set.</param>
    /// <param name="VersionInUse">True when the tried version is the current one: saving it would be refused (409)
    /// until it gets a new version.</param>
    /// <param name="Grants">How many grants were classified.</param>
    /// <param name="GrantsChanged">How many would change level or purpose.</param>
    /// <param name="MoneyChanged">Their money, per currency.</param>
    /// <param name="Level">Level moves, largest first.</param>
    /// <param name="Purpose">Purpose moves, largest first.</param>
    public sealed record Response(
        string Version,
        string CurrentVersion,
        bool VersionInUse,
        long Grants,
        long GrantsChanged,
        IReadOnlyList<Money> MoneyChanged,
        IReadOnlyList<Move> Level,
        IReadOnlyList<Move> Purpose
    );

    public static async Task<Ok<Response>> HandleAsync(
        JsonElement rules,
        ClaimsPrincipal user,
        [FromServices] RuleSetDryRunStore store,
        [FromServices] ClassificationStore ruleSets,
        CancellationToken ct
    )
    {
        var funderId = user.FunderId();
        var parsed = RuleSet.Parse(rules.GetRawText()).RuleSet!;
        var current = (await ruleSets.CurrentRuleSetAsync(funderId, ct))?.Version ?? RuleSet.Default.Version;
        var engine = new ClassificationEngine(parsed);
        var level = new Tally();
        var purpose = new Tally();
        var changed = new Tally();
        long after = 0,
            grants = 0;
        while (await store.InputsAsync(funderId, after, BatchSize, ct) is { Count: > 0 } batch)
        {
            foreach (var row in batch)
            {
                var c = engine.Classify(ReclassifyPortfolioJob.ToRecord(row.Input));
                var money = (row.Input.PjCurrency, row.Input.PjAmountAwarded);
                var levelMoved = level.AddIfMoved(
                    row.CorrectedLevel ?? row.Level ?? "unclassified",
                    row.CorrectedLevel ?? ClassificationNames.Of(c.Level.Value),
                    money
                );
                var purposeMoved = purpose.AddIfMoved(
                    row.CorrectedPurpose ?? row.Purpose ?? "unclassified",
                    row.CorrectedPurpose ?? ClassificationNames.Of(c.Purpose.Value),
                    money
                );
                if (levelMoved || purposeMoved)
                {
                    changed.AddIfMoved("", "*", money);
                }
            }

            grants += batch.Count;
            after = batch[^1].Input.Id;
        }

        var all = changed.Moves().SingleOrDefault();
        return TypedResults.Ok(
            new Response(
                parsed.Version,
                current,
                string.Equals(parsed.Version, current, StringComparison.Ordinal),
                grants,
                all?.Grants ?? 0,
                all?.Amounts ?? [],
                level.Moves(),
                purpose.Moves()
            )
        );
    }

    /// <summary>Grants and money per from → to move.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<(string From, string To), (long Grants, Dictionary<string, long> Money)> _moves =
            new();

        public bool AddIfMoved(string from, string to, (string Currency, long Amount) money)
        {
            if (string.Equals(from, to, StringComparison.Ordinal))
            {
                return false;
            }

            if (!_moves.TryGetValue((from, to), out var move))
            {
                move = (0, new Dictionary<string, long>(StringComparer.Ordinal));
            }

            move.Money[money.Currency] = move.Money.GetValueOrDefault(money.Currency) + money.Amount;
            _moves[(from, to)] = (move.Grants + 1, move.Money);
            return true;
        }

        public IReadOnlyList<Move> Moves() =>
            [
                .. _moves
                    .OrderByDescending(m => m.Value.Grants)
                    .ThenBy(m => m.Key.From, StringComparer.Ordinal)
                    .ThenBy(m => m.Key.To, StringComparer.Ordinal)
                    .Select(m => new Move(
                        m.Key.From,
                        m.Key.To,
                        m.Value.Grants,
                        [
                            .. m
                                .Value.Money.OrderBy(x => x.Key, StringComparer.Ordinal)
                                .Select(x => new Money(
                                    x.Key,
                                    x.Value,
                                    Core.Money.Currencies.IsKnown(x.Key)
                                        ? Core.Money.MinorUnits.ToDecimal(x.Value, x.Key)
                                        : x.Value
                                )),
                        ]
                    )),
            ];
    }
}
