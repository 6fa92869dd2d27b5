namespace FloorPay.Silo.Storage;

/// <summary>Plain commands with named parameters, in the syntax both SQLite and PostgreSQL accept ("@name").</summary>
internal static class SqlCommands
{
    public static DbCommand Create(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) Add(command, name, value);
        return command;
    }

    public static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
