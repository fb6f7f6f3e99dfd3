using System.Collections.Concurrent;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace FundAudit.Api.Features.Audit.Snapshots;

/// <summary>
/// This instance's snapshots of large funders' grants (<see cref="GrantSnapshot"/>), for the reports that would
/// otherwise read every grant of the period from the database. Each report asks the database for the funder's grant
/// data version (one primary-key lookup in grant_data_versions, kept by triggers in the same transaction as every
/// write: migration 0034) and is handed the snapshot only when it was read at that version; otherwise the report reads
/// the database as before, and a build of the funder's snapshot starts in the background (one at a time a funder). So
/// a report never waits for a snapshot and never reads one older than what is stored, and several instances need
/// nothing from each other: each keeps its own, as a cache of what the database holds. Funders under
/// <see cref="AuditOptions.SnapshotMinGrants"/> are never kept; over every funder at most
/// <see cref="AuditOptions.SnapshotMaxGrants"/> grants are, the least recently used let go first, and a snapshot no
/// report used for <see cref="AuditOptions.SnapshotIdleMinutes"/> is let go (so a stale one, and what it held of
/// grants deleted since, does not stay in memory after the reports stop).
/// </summary>
internal sealed partial class GrantSnapshots(
    Db db,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    ILogger<GrantSnapshots> log
) : IDisposable
{
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>One build at a time in an instance: each reads a funder's every grant on a core of its own.</summary>
    private readonly SemaphoreSlim _building = new(1);
    private long _uses;
    private ITimer? _idleSweep;

    /// <summary>A funder's snapshot, its build, and when a report last used it (in order of use and in time).</summary>
    private sealed class Entry
    {
        public GrantSnapshot? Snapshot;
        public Task Building = Task.CompletedTask;
        public long Used;
        public DateTimeOffset UsedAt;
    }

    /// <summary>Whether snapshots are kept: on unless turned off, never on SQL Server.</summary>
    public bool Enabled => options.Value.Snapshots && db.Engine.Provider != DatabaseProvider.SqlServer;

    private long _served;

    /// <summary>How many times a report was handed a snapshot since the instance started.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>How many grants this instance holds in memory now, over every funder.</summary>
    public long GrantsHeld => _entries.Values.Sum(e => (long?)Volatile.Read(ref e.Snapshot)?.Count ?? 0);

    /// <summary>
    /// The funder's snapshot when it holds what is stored now; else null, after starting its build when the funder
    /// has enough grants and none is under way.
    /// </summary>
    public async Task<GrantSnapshot?> FreshAsync(long funderId, CancellationToken ct)
    {
        if (!Enabled)
        {
            return null;
        }

        var (version, grants) = await StoredAsync(funderId, ct);
        var o = options.Value;
        if (version == 0 || grants < o.SnapshotMinGrants || grants > o.SnapshotMaxGrants)
        {
            _entries.TryRemove(funderId, out _);
            return null;
        }

        var entry = _entries.GetOrAdd(funderId, _ => new Entry());
        lock (entry)
        {
            if (entry.Snapshot is { } snapshot && snapshot.Version == version)
            {
                (entry.Used, entry.UsedAt) = (Interlocked.Increment(ref _uses), clock.GetUtcNow());
                Interlocked.Increment(ref _served);
                return snapshot;
            }

            // A stale snapshot is let go at once: never handed out again, and what it held (of deleted grants too)
            // stays in memory no longer than a report takes to find it stale.
            Volatile.Write(ref entry.Snapshot, null);
            if (entry.Building.IsCompleted)
            {
                entry.Building = Task.Run(() => BuildAsync(funderId, version, grants, entry), CancellationToken.None);
            }
        }

        return null;
    }

    /// <summary>
    /// The funder's snapshot, built now and waited for when it needs one (the benchmark, and tests that check what a
    /// snapshot answers); null when the funder is not one to keep.
    /// </summary>
    public async Task<GrantSnapshot?> WarmAsync(long funderId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await FreshAsync(funderId, ct) is { } fresh)
            {
                return fresh;
            }

            if (!_entries.TryGetValue(funderId, out var entry))
            {
                return null;
            }

            Task building;
            lock (entry)
            {
                building = entry.Building;
            }

            await building.WaitAsync(ct);
        }

        return await FreshAsync(funderId, ct);
    }

    /// <summary>Stops the idle sweep and any build under way. The token source and the semaphore stay undisposed: a
    /// build still finishing reads the one and releases the other.</summary>
    public void Dispose()
    {
        _idleSweep?.Dispose();
        _stopping.Cancel();
    }

    private Task<(long Version, long Grants)> StoredAsync(long funderId, CancellationToken ct) =>
        db.QueryFirstOrDefaultAsync<(long Version, long Grants)>(
            "SELECT version, grants FROM grant_data_versions WHERE funder_id = @FunderId",
            new { FunderId = funderId },
            ct
        );

    private async Task BuildAsync(long funderId, long version, long grants, Entry entry)
    {
        try
        {
            await _building.WaitAsync(_stopping.Token);
            GrantSnapshot snapshot;
            try
            {
                snapshot = await GrantSnapshot.ReadAsync(db, funderId, version, grants, _stopping.Token);
            }
            finally
            {
                _building.Release();
            }

            lock (entry)
            {
                if (entry.Snapshot is null || entry.Snapshot.Version < snapshot.Version)
                {
                    Volatile.Write(ref entry.Snapshot, snapshot);
                    (entry.Used, entry.UsedAt) = (Interlocked.Increment(ref _uses), clock.GetUtcNow());
                }
            }

            Evict();
            StartIdleSweep();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
        catch (Exception e)
        {
            LogNotBuilt(log, e, funderId);
        }
    }

    /// <summary>Lets the least recently used snapshots go until the grants held fit the budget.</summary>
    private void Evict()
    {
        var budget = options.Value.SnapshotMaxGrants;
        while (GrantsHeld > budget)
        {
            var oldest = _entries.Values.Where(e => e.Snapshot is not null).MinBy(e => e.Used);
            if (oldest is null)
            {
                return;
            }

            lock (oldest)
            {
                Volatile.Write(ref oldest.Snapshot, null);
            }
        }
    }

    /// <summary>Once a snapshot is held: every minute, lets go those no report used for the idle time.</summary>
    private void StartIdleSweep()
    {
        if (_idleSweep is not null)
        {
            return;
        }

        var sweep = clock.CreateTimer(_ => LetIdleGo(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        if (Interlocked.CompareExchange(ref _idleSweep, sweep, null) is not null)
        {
            sweep.Dispose();
        }
    }

    private void LetIdleGo()
    {
        var before = clock.GetUtcNow() - TimeSpan.FromMinutes(options.Value.SnapshotIdleMinutes);
        foreach (var entry in _entries.Values)
        {
            lock (entry)
            {
                if (entry.Snapshot is not null && entry.UsedAt < before)
                {
                    Volatile.Write(ref entry.Snapshot, null);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit's snapshot of funder {FunderId} was not built.")]
    private static partial void LogNotBuilt(ILogger logger, Exception exception, long funderId);
}
