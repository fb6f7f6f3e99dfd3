using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Dapper;
using FundAudit.Api.Infrastructure.Data;
using Microsoft.Data.SqlClient;

namespace FundAudit.Api.Tests.SqlServer;

/// <summary>
/// The service's <see cref="Db"/> on the SQL Server dialect and engine, whose connections (the edge: no SQL Server runs
/// here) record the text of every command the stores send, after Dapper has expanded list parameters, and answer
/// nothing: no rows, no scalar, no row changed. Parameters are SqlClient's own.
/// </summary>
internal sealed class RecordingSqlServer
{
    private readonly ConcurrentQueue<string> _sent = new();

    public RecordingSqlServer()
    {
        var dialect = new SqlServerDialect();
        var engine = new Engine(new SqlServerEngine(dialect, "Server=nowhere"), this);
        Db = new Db(dialect, engine);
        RapidResponseDb = new RapidResponseDb(dialect, engine);
    }

    public Db Db { get; }

    /// <summary>The rapid-response stores' database: on SQL Server the same one, through the same recording.</summary>
    public RapidResponseDb RapidResponseDb { get; }

    /// <summary>Every command text sent so far, in order.</summary>
    public IReadOnlyList<string> Sent => [.. _sent];

    /// <summary>
    /// Runs <paramref name="call"/> and answers what it sent. A store that expected an answer may throw (QuerySingle of
    /// no row): what it sent before is kept, and the exception is answered too.
    /// </summary>
    public async Task<(IReadOnlyList<string> Sent, Exception? Error)> RecordAsync(Func<Task> call)
    {
        var before = _sent.Count;
        Exception? error = null;
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            error = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
        }

        return (Sent.Skip(before).ToList(), error);
    }

    /// <summary>The real SQL Server engine, except connections (recording) and bulk copy (needs a server).</summary>
    private sealed class Engine(SqlServerEngine real, RecordingSqlServer owner) : IDbEngine
    {
        public DatabaseProvider Provider => real.Provider;

        public string MigrationFolder => real.MigrationFolder;

        public DbConnection CreateConnection() => new Connection(owner);

        public Task PrepareAsync(DbConnection connection, CancellationToken ct) => real.PrepareAsync(connection, ct);

        public void Prepare(DbConnection connection) => real.Prepare(connection);

        public Task<bool> TryExecuteNowAsync(DbConnection connection, CommandDefinition command) =>
            real.TryExecuteNowAsync(connection, command);

        public Task<bool> FlushErasedAsync(DbConnection connection, CancellationToken ct) =>
            real.FlushErasedAsync(connection, ct);

        public Task<bool> LockInTransactionAsync(
            DbTransaction transaction,
            long key,
            bool wait,
            CancellationToken ct
        ) => real.LockInTransactionAsync(transaction, key, wait, ct);

        public IBulkUpsert BeginBulkUpsert(DbConnection connection, BulkUpsertTarget target) =>
            throw new NotSupportedException("SqlBulkCopy needs a server: its SQL is checked from SqlServerBulkUpsert.");

        public Task ReadRowsAsync(
            DbConnection connection,
            string sql,
            IReadOnlyDictionary<string, object> parameters,
            Action<IRowCursor> row,
            CancellationToken ct
        ) => real.ReadRowsAsync(connection, sql, parameters, row, ct);

        public Task AddFromJsonAsync(
            DbTransaction transaction,
            JsonTotalsTarget target,
            string rowsJson,
            CancellationToken ct
        ) => real.AddFromJsonAsync(transaction, target, rowsJson, ct);
    }

    private sealed class Connection(RecordingSqlServer owner) : DbConnection
    {
        private ConnectionState _state = ConnectionState.Closed;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString { get; set; } = "";

        public override string Database => "recording";

        public override string DataSource => "recording";

        public override string ServerVersion => "16.0";

        public override ConnectionState State => _state;

        public override void ChangeDatabase(string databaseName) { }

        public override void Close() => _state = ConnectionState.Closed;

        public override void Open() => _state = ConnectionState.Open;

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
            new Transaction(this, isolationLevel);

        protected override DbCommand CreateDbCommand() => new Command(owner) { Connection = this };
    }

    private sealed class Transaction(DbConnection connection, IsolationLevel level) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => level;

        protected override DbConnection DbConnection => connection;

        public override void Commit() { }

        public override void Rollback() { }
    }

    private sealed class Command(RecordingSqlServer owner) : DbCommand
    {
        private readonly SqlParameterCollection _parameters = new SqlCommand().Parameters;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; } = CommandType.Text;

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; }

        protected override DbParameterCollection DbParameterCollection => _parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel() { }

        public override int ExecuteNonQuery()
        {
            Record();
            return 0;
        }

        public override object? ExecuteScalar()
        {
            Record();
            return null;
        }

        public override void Prepare() { }

        protected override DbParameter CreateDbParameter() => new SqlParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            Record();
            // No row (one column, so that no mapper trips over a reader without columns).
            var empty = new DataTable();
            empty.Columns.Add("nothing", typeof(long));
            return empty.CreateDataReader();
        }

        private void Record() => owner._sent.Enqueue(CommandText);
    }
}
