using Npgsql;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// Whether an exception (or one it wraps) is PostgreSQL refusing a text it cannot store: the NUL character (U+0000)
/// in a <c>text</c> value (<c>22021</c>, character_not_in_repertoire) or in JSON (<c>22P05</c>,
/// untranslatable_character). That is the request's fault, not the server's: a 400 (see
/// <see cref="Http.ProblemExceptionHandler"/>), and the statement's transaction is rolled back, so nothing is stored.
/// A JSON body's texts never get here: <see cref="Http.JsonTexts"/> refuses a NUL in them first, naming the field; this
/// is for a NUL arriving another way (a query such as <c>?q=</c>).
/// </summary>
internal static class UnstorableText
{
    public static bool Is(Exception? exception) =>
        ExceptionChain.Any(exception, e => e is PostgresException { SqlState: "22021" or "22P05" });
}
