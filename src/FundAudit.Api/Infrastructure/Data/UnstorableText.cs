using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Whether an exception (or one it wraps) is PostgreSQL refusing a text it cannot store: the NUL character (U+0000)
/// in a <c>text</c> value (<c>22021</c>, character_not_in_repertoire) or in JSON (<c>22P05</c>,
/// untranslatable_character). That is the request's fault, not the server's: a 400 (see
/// <see cref="Http.ProblemExceptionHandler"/>), and the statement's transaction is rolled back, so nothing is stored.
/// Endpoints whose validators check their texts name the field first (POST /api/grants: <c>grants[i].title</c>).
/// </summary>
internal static class UnstorableText
{
    public static bool Is(Exception? exception) =>
        ExceptionChain.Any(exception, e => e is PostgresException { SqlState: "22021" or "22P05" });
}
