namespace FundAudit.Api.Infrastructure.Http;

/// <summary>Section <c>Idempotency</c>: how long keys are kept and how long a running request holds its key.</summary>
internal sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>Hours a first answer is kept for retries (at least 24).</summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>Seconds a running request holds its key; a claim left by a dead process expires after it.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How long a retry waits for the first request with its key to finish before answering 409.</summary>
    public int InProgressWaitMilliseconds { get; set; } = 3000;
}

/// <summary>What <see cref="IdempotencyClaims.ClaimAsync"/> found.</summary>
internal enum ClaimResult
{
    Claimed,
    InProgress,
    OtherRequest,
}

/// <summary>
/// The IETF draft's Idempotency-Key protocol over the database, so that it holds across instances and restarts: a
/// request claims its key (scope, SHA-256 of the key) with the fingerprint of its request (SHA-256 of the canonical
/// body; the route is in the scope) and a lease; its answer is stored by the use case in the transaction that does the
/// work. The same key with another fingerprint answers 422; while the first runs, a retry waits a moment for its answer
/// and otherwise gets 409 with Retry-After; a claim whose lease ran out (its process was killed) is taken over.
/// </summary>
internal sealed class IdempotencyClaims(RapidResponseDb db, IdempotencyOptions options, TimeProvider clock)
{
    public const string InProgressCode = "idempotency_key_in_use";
    public const string RetryAfterExtension = "retryAfterSeconds";

    private const string Insert = """
        INSERT INTO idempotency_claims (scope, key_hash, request_hash, locked_until)
        VALUES (@Scope, @KeyHash, @RequestHash, @Until)
        """;
    private const string TakeOver = """
        UPDATE idempotency_claims SET locked_until = @Until
        WHERE scope = @Scope AND key_hash = @KeyHash AND request_hash = @RequestHash AND locked_until <= @Now
        """;
    private const string SelectClaim =
        "SELECT request_hash FROM idempotency_claims WHERE scope = @Scope AND key_hash = @KeyHash";
    private const string Delete = "DELETE FROM idempotency_claims WHERE scope = @Scope AND key_hash = @KeyHash";
    private const string DeleteExpired = "DELETE FROM idempotency_claims WHERE locked_until < @Before";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Runs <paramref name="work"/> under the key's claim, or answers the stored first answer
    /// (<paramref name="replay"/>), a 422 (<paramref name="otherRequest"/>) or, while another request holds the key,
    /// a 409 with Retry-After.
    /// </summary>
    public async Task<TResult> RunAsync<TResult>(
        string scope,
        string key,
        string requestHash,
        Func<Task<TResult?>> replay,
        Func<Task<TResult>> work,
        Func<TResult> otherRequest,
        Func<ProblemHttpResult, TResult> inProgress,
        CancellationToken ct
    )
        where TResult : class
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            if (await replay() is { } done)
            {
                return done;
            }

            switch (await ClaimAsync(scope, key, requestHash, ct))
            {
                case ClaimResult.Claimed:
                    try
                    {
                        return await work();
                    }
                    finally
                    {
                        await ReleaseAsync(scope, key, CancellationToken.None);
                    }

                case ClaimResult.OtherRequest:
                    return otherRequest();
                case ClaimResult.InProgress
                    when waited >= TimeSpan.FromMilliseconds(options.InProgressWaitMilliseconds):
                    return inProgress(InProgressProblem());
            }

            await Task.Delay(Poll, ct);
            waited += Poll;
        }
    }

    /// <summary>Claims the key for this request, or says who holds it.</summary>
    public async Task<ClaimResult> ClaimAsync(string scope, string key, string requestHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var args = new
        {
            Scope = scope,
            KeyHash = IdempotencyStore.Hash(key),
            RequestHash = requestHash,
            Until = now.AddSeconds(options.LeaseSeconds),
            Now = now,
        };
        await using var connection = await db.OpenAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, args, cancellationToken: ct));
            return ClaimResult.Claimed;
        }
        catch (Exception ex) when (db.Dialect.IsUniqueViolation(ex)) { }

        if (await connection.ExecuteAsync(new CommandDefinition(TakeOver, args, cancellationToken: ct)) == 1)
        {
            return ClaimResult.Claimed; // its holder died: the lease ran out
        }

        var held = await connection.QuerySingleOrDefaultAsync<string?>(
            new CommandDefinition(SelectClaim, args, cancellationToken: ct)
        );
        return held is not null && held != requestHash ? ClaimResult.OtherRequest : ClaimResult.InProgress;
    }

    public Task ReleaseAsync(string scope, string key, CancellationToken ct) =>
        db.ExecuteAsync(Delete, new { Scope = scope, KeyHash = IdempotencyStore.Hash(key) }, ct);

    /// <summary>Forgets claims whose lease ended before <paramref name="before"/> (left by dead processes).</summary>
    public Task<int> DeleteExpiredAsync(DateTimeOffset before, CancellationToken ct) =>
        db.ExecuteAsync(DeleteExpired, new { Before = before }, ct);

    /// <summary>Sets Retry-After on a 409 that says the key is in use (from the API handlers).</summary>
    public static void SetRetryAfter(HttpContext http, IResult result)
    {
        if (
            result is ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } problem
            && problem.ProblemDetails.Extensions.TryGetValue(RetryAfterExtension, out var seconds)
        )
        {
            http.Response.Headers.RetryAfter = Convert.ToString(seconds, CultureInfo.InvariantCulture);
        }
    }

    private ProblemHttpResult InProgressProblem()
    {
        var seconds = Math.Max(1, Math.Min(options.LeaseSeconds, 5));
        return TypedResults.Problem(
            title: "Request in progress",
            detail: "A request with this Idempotency-Key is still being processed. Try again in a few seconds.",
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = InProgressCode,
                ["field"] = IdempotencyStore.Header,
                [RetryAfterExtension] = seconds,
            }
        );
    }
}
