using System.Diagnostics;

namespace FundAudit.Benchmarks.Import;

/// <summary>
/// Samples the working set every 100 ms while an import runs and keeps the largest sample with what the GC had
/// committed then, so the printed peak can be split into the managed heap and the rest (code, native buffers such as
/// SQLite's page cache). <see cref="Process.PeakWorkingSet64"/> stays the figure the benchmark reports; a spike
/// between two samples shows as a sampled peak below it.
/// </summary>
internal sealed class PeakSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _sampling;
    private long _workingSet;
    private long _committed;
    private long _heap;
    private long _live;
    private TimeSpan _at;

    public PeakSampler() => _sampling = SampleAsync(_stop.Token);

    public override string ToString() =>
        $"sampled peak {_workingSet / 1048576.0:F0} MiB at {_at.TotalSeconds:F1} s, of which the GC had committed "
        + $"{_committed / 1048576.0:F0} MiB (heap {_heap / 1048576.0:F0} MiB after its last collection, {_live / 1048576.0:F0} MiB live after its last "
        + "full one)";

    private async Task SampleAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var workingSet = Environment.WorkingSet;
                if (workingSet > _workingSet)
                {
                    var gc = GC.GetGCMemoryInfo();
                    var full = new[] { GCKind.Background, GCKind.FullBlocking }
                        .Select(GC.GetGCMemoryInfo)
                        .MaxBy(i => i.Index)!;
                    (_workingSet, _committed, _heap, _live, _at) = (
                        workingSet,
                        gc.TotalCommittedBytes,
                        gc.HeapSizeBytes,
                        full.PromotedBytes,
                        _clock.Elapsed
                    );
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
