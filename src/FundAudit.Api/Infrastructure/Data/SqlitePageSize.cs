using Microsoft.Data.Sqlite;

namespace FundAudit.Api.Infrastructure.Data;

/// <summary>
/// The page size of a new SQLite file (<see cref="DatabaseOptions.SqlitePageSize"/>). SQLite fixes it when the first
/// page is written, and a file in WAL mode cannot change it afterwards (only a VACUUM out of WAL can), so it is set
/// before the first migration, in the migration lock, and only on a file without pages.
/// </summary>
internal static class SqlitePageSize
{
    public static void SetOnNewFile(string connectionString, int pageSize)
    {
        if (pageSize is < 512 or > 65536 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new InvalidOperationException(
                $"Database:SqlitePageSize must be a power of two from 512 to 65536 (is {pageSize})."
            );
        }

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        // page_size takes effect on the first write; switching to WAL writes the header with it.
        command.CommandText = $"PRAGMA page_size = {pageSize}; PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
    }
}
