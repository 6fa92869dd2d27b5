using System.Collections.Immutable;
using System.Data.Common;
using System.Net;
using System.Text;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Data minimization (docs/security.md): ids that are personal data are refused at the door, and a populated database
/// and the node's log hold none of it. Names cannot be told from pseudonyms by their shape; the scan covers what can be.
/// </summary>
public sealed class DataMinimizationTests
{
    // Personal data a careless or hostile bank or reviewer might send, each in a field it could reach.
    private const string NationalId = "850101123456";
    private const string SocialSecurity = "123-45-6789";
    private const string Iban = "DE89370400440532013000";
    private const string Card = "4111111111111111";
    private const string Email = "maria.gonzalez@example.org";
    private static readonly string[] Canaries = [NationalId, SocialSecurity, Iban, Card, Email, "DE89 3704 0044 0532 0130 00"];

    /// <summary>
    /// Every event the node logs, as formatted, with its exception and the scopes it was written in (what the JSON
    /// console writes with IncludeScopes: the request path, the trace id).
    /// </summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly List<string> _lines = [];
        private readonly AsyncLocal<ImmutableStack<object>> _scopes = new();

        public string[] Lines { get { lock (_lines) return [.. _lines]; } }

        public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

        public void Dispose() { }

        private sealed class Scope(LogCapture capture, ImmutableStack<object> outer) : IDisposable
        {
            public void Dispose() => capture._scopes.Value = outer;
        }

        private sealed class Sink(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                var outer = capture._scopes.Value ?? ImmutableStack<object>.Empty;
                capture._scopes.Value = outer.Push(state);
                return new Scope(capture, outer);
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = string.Join(" => ", (capture._scopes.Value ?? ImmutableStack<object>.Empty).Select(s => s.ToString()));
                lock (capture._lines) capture._lines.Add($"{logLevel} {category}: {formatter(state, exception)} {exception} [{scopes}]");
            }
        }
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task Personal_data_is_refused_at_the_door_and_a_populated_database_and_its_log_hold_none(string provider)
    {
        var logs = new LogCapture();
        var settings = new Dictionary<string, string?> { ["FloorPay:Storage:Provider"] = provider };
        if (provider == "PostgreSql") settings["FloorPay:Storage:ConnectionString"] = await TestPostgres.NewDatabaseAsync();
        await using var server = await FloorPayServer.StartAsync(configure: b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.AddProvider(logs);
        });
        var bank = server.As(ApiKeys.BankA);
        var reviewer = server.As(ApiKeys.Reviewer);

        // Refused, naming the field and the shape but never echoing the value.
        foreach (var id in new[] { NationalId, SocialSecurity, Iban, Card })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => bank.Citizens.EnrollAsync(Requests.Enroll(id)).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains("citizen_id looks like", e.Status.Detail);
            Assert.DoesNotContain(id, e.Status.Detail);
            await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = id }));
            await Expect.Status(StatusCode.InvalidArgument, bank.Payouts.RequestFloorPayoutAsync(Requests.Floor(id)));
        }
        foreach (var token in new[] { Iban, NationalId, Card })
            await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen(), token: token)));
        var (citizen, enrolled) = await Steps.Retrying(() => server.EnrollNewCitizen());
        var change = new ChangePayoutAccountRequest
        {
            CitizenId = citizen, IdempotencyKey = Ids.Key("acct"), Account = new PayoutAccount { BankId = "bank-a", AccountToken = Iban },
        };
        await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.ChangePayoutAccountAsync(change));
        using (var json = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/citizens/{NationalId}/statement")
               { Headers = { { "authorization", $"Bearer {ApiKeys.BankA}" } } }))
            Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);

        // A reviewer's free text is where personal data would slip in: a reason naming an id, an account or an address.
        var appeal = await Steps.Retrying(() => bank.Appeals.FileAppealAsync(new FileAppealRequest
        {
            IdempotencyKey = Ids.Key("appeal"), CitizenId = citizen, DecisionId = enrolled.FirstPayout.PayoutId, Ground = "amount-wrong",
            EvidenceReference = "case-118",
        }).ResponseAsync);
        ResolveAppealRequest Resolve(string reason) => new()
        {
            IdempotencyKey = Ids.Key("resolve"), CitizenId = citizen, AppealId = appeal.AppealId, Outcome = AppealOutcome.Rejected, Reason = reason,
        };
        foreach (var reason in new[] { $"citizen {NationalId} was paid", $"paid into {Canaries[^1]}", $"write to {Email}", $"SSN {SocialSecurity}" })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => reviewer.Appeals.ResolveAppealAsync(Resolve(reason)).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains("reason contains what looks like", e.Status.Detail);
        }

        // Ordinary use: enrollments (each with its first floor), a contribution, an account change, an appeal resolved.
        for (var i = 0; i < 5; i++) await Steps.Retrying(() => server.EnrollNewCitizen(region: i % 2 == 0 ? "R-NORTH" : "R-SOUTH"));
        await Steps.Retrying(() => server.As(ApiKeys.Platform).Contributions.RecordContributionAsync(Requests.Contribution(citizen)).ResponseAsync);
        change.Account.AccountToken = Ids.Token();
        await Steps.Retrying(() => bank.Citizens.ChangePayoutAccountAsync(change).ResponseAsync);
        await Steps.Retrying(() => reviewer.Appeals.ResolveAppealAsync(Resolve("the amount was computed on the right day for the 2026-11 floor")).ResponseAsync);

        var stored = await StoredTextAsync(server, provider, settings.GetValueOrDefault("FloorPay:Storage:ConnectionString"));
        Assert.Contains(stored, s => s.Contains(citizen, StringComparison.Ordinal)); // the scan does read what the node wrote
        Assert.Contains(stored, s => s.Contains("computed on the right day", StringComparison.Ordinal));
        AssertNoPersonalData(stored, "the database");
        var lines = logs.Lines;
        Assert.NotEmpty(lines);
        AssertNoPersonalData(lines, "the log");
    }

    private static void AssertNoPersonalData(IEnumerable<string> texts, string where)
    {
        foreach (var text in texts)
        {
            foreach (var canary in Canaries)
                Assert.False(text.Contains(canary, StringComparison.OrdinalIgnoreCase), $"{where} holds '{canary}': {Excerpt(text, canary)}");
            // IBANs and e-mail addresses have shapes no id, hash, number or timestamp of FloorPay's takes.
            var words = text.Split([' ', '"', '\'', ',', ';', ':', '(', ')', '[', ']', '{', '}', '\n', '\t', '\0', '=', '/'], StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain(words, w => FloorPay.Domain.PersonalData.IsIban(w.Trim('.')));
            Assert.DoesNotContain(words, w => w.IndexOf('@') is > 0 and var at && w.IndexOf('.', at) > at + 1);
        }
    }

    private static string Excerpt(string text, string canary)
    {
        var at = text.IndexOf(canary, StringComparison.OrdinalIgnoreCase);
        return text[Math.Max(0, at - 60)..Math.Min(text.Length, at + canary.Length + 60)];
    }

    /// <summary>Every text and binary value of every table, binary read as UTF-8 (grain state, serialized payloads).</summary>
    private static async Task<List<string>> StoredTextAsync(FloorPayServer server, string provider, string? connectionString)
    {
        await using DbConnection connection = provider == "Sqlite"
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabaseFile, Mode = SqliteOpenMode.ReadOnly }.ToString())
            : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = provider == "Sqlite"
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.True(tables.Count > 10, $"tables found: {string.Join(", ", tables)}");
        var values = new List<string>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (await reader.IsDBNullAsync(i)) continue;
                    switch (reader.GetValue(i))
                    {
                        case string s: values.Add(s); break;
                        case byte[] b: values.Add(Encoding.UTF8.GetString(b)); break;
                    }
                }
        }
        return values;
    }
}
