using FloorPay.Domain.Citizens;

namespace FloorPay.Domain.Tests;

public sealed class SettlementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static SettlementCandidate Sent(string id, string bank = "bank-a", InstructionKind kind = InstructionKind.Floor,
        InstructionOutcome? outcome = null) =>
        new(id, bank, kind, "c-1", 120_000, outcome is { } o ? new InstructionOutcomeRecord(id, bank, "c-1", o, "r", 120_000, Now.AddHours(-1)) : null);

    private static Dictionary<string, SettlementCandidate> Found(params SettlementCandidate[] candidates) =>
        candidates.ToDictionary(c => c.InstructionId, StringComparer.Ordinal);

    [Fact]
    public void Each_instruction_not_yet_settled_gets_one_settled_outcome_for_its_amount_and_a_settled_one_is_only_reported()
    {
        var decision = Settlements.Decide("bank-a", ["i-1", "i-2"], Found(Sent("i-1"), Sent("i-2", outcome: InstructionOutcome.Settled)), Now);

        Assert.Null(decision.Refusal);
        var outcome = Assert.Single(decision.Outcomes).Record;
        Assert.Equal(new InstructionOutcomeRecord("i-1", "bank-a", "c-1", InstructionOutcome.Settled, "settled", 120_000, Now), outcome);
        Assert.Equal(["i-2"], decision.AlreadySettled);
    }

    [Theory]
    [InlineData("unknown", RejectionKind.NotFound)]
    [InlineData("other-bank", RejectionKind.NotFound)]
    [InlineData("notice", RejectionKind.FailedPrecondition)]
    [InlineData("returned", RejectionKind.FailedPrecondition)]
    public void One_instruction_that_cannot_be_settled_refuses_the_whole_batch_and_records_nothing(string bad, RejectionKind kind)
    {
        var found = Found(Sent("i-1"),
            Sent("other-bank", bank: "bank-b"), Sent("notice", kind: InstructionKind.Notice), Sent("returned", outcome: InstructionOutcome.Returned));

        var decision = Settlements.Decide("bank-a", ["i-1", bad], found, Now);

        Assert.Equal(kind, decision.Refusal?.Kind);
        Assert.Contains(bad, decision.Refusal!.Message);
        Assert.Empty(decision.Outcomes);
    }
}
