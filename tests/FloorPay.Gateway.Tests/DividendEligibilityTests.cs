using System.Collections.Concurrent;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Rule 7 under concurrency: a dividend declared while enrollments stream in "adds the same amount to every citizen enrolled at
/// declaration time": every citizen whose enrollment was acknowledged before the declaration was requested accrues the
/// per-capita share, the number of citizens accruing is the declaration's eligible_count, and all accruals together never
/// exceed the declared total. Runs on a server of its own, so that every citizen of the fund is known to the test.
/// </summary>
public sealed class DividendEligibilityTests : IAsyncLifetime
{
    private const int Citizens = 200;
    private const int DeclareAfter = 60;
    private const long Total = 1_000_000_007;

    private FloorPayServer? _server;

    public async Task InitializeAsync() => _server = await FloorPayServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_declaration_during_an_enrollment_surge_accrues_to_exactly_the_citizens_enrolled_at_declaration_time()
    {
        var server = _server!;
        await server.As(ApiKeys.Treasury).Funds.RecordInflowAsync(Requests.Inflow(Total));
        var bank = server.As(ApiKeys.BankA).Citizens;
        var citizenIds = Enumerable.Range(0, Citizens).Select(_ => Ids.Citizen()).ToList();
        var acknowledged = new ConcurrentQueue<string>();
        var declareNow = new TaskCompletionSource();
        using var gate = new SemaphoreSlim(16);

        var enrolling = citizenIds.Select(async id =>
        {
            await gate.WaitAsync();
            try { await bank.EnrollAsync(Requests.Enroll(id)); }
            finally { gate.Release(); }
            acknowledged.Enqueue(id);
            if (acknowledged.Count >= DeclareAfter) declareNow.TrySetResult();
        }).ToList();
        await declareNow.Task;
        var enrolledBeforeDeclaring = acknowledged.ToHashSet();
        var declaration = await server.As(ApiKeys.Treasury).Funds.DeclareDividendAsync(Requests.Dividend(Total));
        await Task.WhenAll(enrolling);

        var accrued = (await Task.WhenAll(citizenIds.Select(async id => (id, (await server.Statement(id)).DividendsAccrued.MinorUnits))))
            .ToDictionary(x => x.id, x => x.MinorUnits);
        var perCapita = declaration.PerCapita.MinorUnits;
        var accruing = accrued.Values.Count(a => a > 0);
        var summary = $"eligible_count {declaration.EligibleCount}, per capita {perCapita}, {accruing} of {Citizens} citizens accruing, " +
                      $"{enrolledBeforeDeclaring.Count} enrolled before the declaration was requested, of whom {enrolledBeforeDeclaring.Count(id => accrued[id] > 0)} accrue";

        Assert.All(accrued.Values, a => Assert.True(a == 0 || a == perCapita, $"accrued {a}; {summary}"));
        Assert.True(accrued.Values.Sum() <= Total, $"citizens accrued {accrued.Values.Sum()} in total from a declaration of {Total}; {summary}");
        Assert.True(enrolledBeforeDeclaring.All(id => accrued[id] == perCapita), $"every citizen enrolled before the declaration shares it; {summary}");
        Assert.True(declaration.EligibleCount == accruing, $"the citizens sharing the dividend are the eligible ones; {summary}");
    }
}
