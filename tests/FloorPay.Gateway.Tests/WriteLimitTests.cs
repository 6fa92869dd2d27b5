using FloorPay.Gateway.Auth;

namespace FloorPay.Gateway.Tests;

/// <summary>The adaptive bound on single writes: it follows their latency against a target, between its floor and ceiling.</summary>
public sealed class WriteLimitTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Unqueued = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Queued = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void Writes_under_the_target_raise_a_used_limit_to_the_ceiling()
    {
        var limit = new WriteLimit(floor: 8, ceiling: 256, initial: 32, Target);
        for (var i = 0; i < 2_000; i++) limit.Record(Unqueued, inFlight: limit.Current);
        Assert.Equal(256, limit.Current);
    }

    [Fact]
    public void Writes_over_the_target_lower_the_limit_to_the_floor_and_no_further()
    {
        var limit = new WriteLimit(floor: 8, ceiling: 256, initial: 200, Target);
        limit.Record(Unqueued, inFlight: 200);
        for (var i = 0; i < 2_000; i++) limit.Record(Queued, inFlight: limit.Current);
        Assert.Equal(8, limit.Current);
    }

    [Fact]
    public void A_limit_that_is_not_used_does_not_grow()
    {
        var limit = new WriteLimit(floor: 8, ceiling: 256, initial: 32, Target);
        for (var i = 0; i < 2_000; i++) limit.Record(Unqueued, inFlight: 3);
        Assert.Equal(32, limit.Current);
    }

    [Fact]
    public void When_the_queue_drains_the_limit_grows_again()
    {
        var limit = new WriteLimit(floor: 8, ceiling: 256, initial: 64, Target);
        limit.Record(Unqueued, inFlight: 64);
        for (var i = 0; i < 500; i++) limit.Record(Queued, inFlight: limit.Current);
        var low = limit.Current;
        for (var i = 0; i < 500; i++) limit.Record(Unqueued, inFlight: limit.Current);
        Assert.True(limit.Current > low * 2, $"{low} -> {limit.Current}");
    }

    [Theory]
    [InlineData(1.0, 50)] // 1,000 writes/s, 50 ms target: about 50 in flight
    [InlineData(4.0, 25)] // 4,000 writes/s, 25 ms target: about 100
    public void Under_overload_the_limit_settles_near_capacity_times_the_target(double perMs, int targetMs)
    {
        // A saturated server by Little's law: a write takes the writes in flight ÷ capacity, and never under 2 ms.
        var limit = new WriteLimit(floor: 8, ceiling: 1_000, initial: 1_000, TimeSpan.FromMilliseconds(targetMs));
        var seen = new List<int>();
        for (var i = 0; i < 50_000; i++)
        {
            limit.Record(TimeSpan.FromMilliseconds(Math.Max(2, limit.Current / perMs)), inFlight: limit.Current);
            if (i >= 40_000) seen.Add(limit.Current);
        }
        var expected = perMs * targetMs;
        Assert.InRange(seen.Min(), expected / 2, expected * 2);
        Assert.InRange(seen.Max(), expected / 2, expected * 2);
    }

    [Fact]
    public void The_gate_refuses_single_writes_over_the_adaptive_limit_but_not_reads_or_envelopes()
    {
        var gate = new AdmissionGate(new AdmissionOptions
        {
            AdaptiveWrites = true, WriteLatencyTarget = Target, MinWritesInFlight = 8, MaxWritesInFlight = 256, MaxInFlightPerParticipant = 1_000,
        });
        gate.WriteLimit!.Record(Unqueued, inFlight: 32);
        for (var i = 0; i < 2_000; i++) gate.WriteLimit.Record(Queued, inFlight: gate.WriteLimit.Current);
        Assert.Equal(8, gate.WriteLimit.Current);
        var bank = new Participant("bank-a", ParticipantRole.Bank, "bank-a");

        var admitted = Enumerable.Range(0, 8).Select(_ => gate.TryAdmit("/floorpay.v1.Citizens/Enroll", bank)).ToList();
        Assert.All(admitted, a => Assert.NotNull(a.Lease));
        var refused = gate.TryAdmit("/floorpay.v1.Citizens/Enroll", bank);
        Assert.Null(refused.Lease);
        Assert.Equal("capacity", refused.Refused!.Reason);
        using (var read = gate.TryAdmit("/floorpay.v1.Citizens/GetStatement", bank).Lease) Assert.NotNull(read);
        using (var envelope = gate.TryAdmit("/floorpay.v1.Bulk/EnrollBatch", bank).Lease) Assert.NotNull(envelope);

        // A slot given back is a slot for the next write.
        admitted[0].Lease!.Dispose();
        Assert.NotNull(gate.TryAdmit("/floorpay.v1.Citizens/Enroll", bank).Lease);
    }

    [Fact]
    public void Switched_off_the_gate_bounds_writes_by_the_ceiling_alone()
    {
        var gate = new AdmissionGate(new AdmissionOptions { AdaptiveWrites = false, MaxWritesInFlight = 20, MaxInFlightPerParticipant = 1_000 });
        Assert.Null(gate.WriteLimit);
        var bank = new Participant("bank-a", ParticipantRole.Bank, "bank-a");
        Assert.All(Enumerable.Range(0, 20), _ => Assert.NotNull(gate.TryAdmit("/floorpay.v1.Citizens/Enroll", bank).Lease));
        Assert.Equal("capacity", gate.TryAdmit("/floorpay.v1.Citizens/Enroll", bank).Refused!.Reason);
    }

    [Fact]
    public void The_early_refusal_answers_as_admission_would_and_takes_no_slot()
    {
        var gate = new AdmissionGate(new AdmissionOptions { MaxWritesInFlight = 2, MaxInFlightPerParticipant = 1 });
        var (a, b) = (new Participant("bank-a", ParticipantRole.Bank, "bank-a"), new Participant("bank-b", ParticipantRole.Bank, "bank-b"));
        const string enroll = "/floorpay.v1.Citizens/Enroll";

        for (var i = 0; i < 5; i++) Assert.Null(gate.RefusalWhenFull(enroll, a)); // asking takes nothing
        using var first = gate.TryAdmit(enroll, a).Lease;
        Assert.Equal("participant_in_flight", gate.RefusalWhenFull(enroll, a)!.Reason);
        Assert.Null(gate.RefusalWhenFull(enroll, b));
        var second = gate.TryAdmit(enroll, b).Lease!;
        Assert.Equal("capacity", gate.RefusalWhenFull(enroll, b)!.Reason);
        var auditor = new Participant("auditor", ParticipantRole.Auditor, null);
        Assert.Null(gate.RefusalWhenFull("/floorpay.v1.Policies/GetPolicy", auditor)); // reads have their own bound
        second.Dispose();
        Assert.Null(gate.RefusalWhenFull(enroll, b));
    }
}
