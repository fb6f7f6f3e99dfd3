namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// "The rapid-response connection": the stores of the defenders' and officers' paths (funds, requests, their goals,
/// events, messages, payments, access log, webhook outbox, idempotent answers) ask this for connections instead of
/// <see cref="Db"/>. On SQLite it opens the rapid-response file (<see cref="DatabaseOptions.RapidResponseFile"/>),
/// which has its own WAL and write lock, so a portfolio import holding the main file's lock never makes a defender
/// wait. On PostgreSQL and SQL Server (row locks) it opens the one main database: the code path is the same.
/// No foreign key can cross two SQLite files: a fund's <c>funder_id</c> is checked in code (it always comes from the
/// authenticated key's funder, and funders are never deleted).
/// </summary>
internal sealed class RapidResponseDb(IDbDialect dialect, IDbEngine engine) : Db(dialect, engine);
