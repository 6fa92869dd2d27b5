using FloorPay.Grains;
using FloorPay.V1;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

/// <summary>Payout instructions for banks: streamed and paged from the durable outbox; settlements, returns, daily reports.</summary>
public sealed class InstructionsService(IInstructionOutbox outbox, ISettlements settlements, IGrainFactory grains, PolicyBook policies, InstructionStreams streams,
    InstructionStreamOptions options, PeriodClock clock)
    : Instructions.InstructionsBase
{
    public const int MaxPage = 1000;
    public const int MaxSettlementBatch = 1000;

    public override async Task SubscribeInstructions(SubscribeInstructionsRequest request, IServerStreamWriter<InstructionStreamMessage> responseStream,
        ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank).BankId!;
        var cursor = Cursor(request.AfterSequence);
        var cancellation = context.CancellationToken;
        using var subscription = await streams.OpenAsync(bank, cancellation);
        var mustList = true;
        var started = TimeProvider.System.GetTimestamp();
        var heartbeatDue = TimeSpan.Zero; // the first one after the first page
        while (!cancellation.IsCancellationRequested)
        {
            // Take both signals before reading, so that a commit between the read and the wait is not missed.
            var committedHere = outbox.NextCommit(bank);
            var advancedAnywhere = subscription.NextAdvance();
            var more = false;
            if (mustList)
            {
                var page = await outbox.ListAsync(bank, cursor, MaxPage, cancellation);
                foreach (var instruction in page)
                {
                    await responseStream.WriteAsync(new InstructionStreamMessage { Instruction = Map(instruction) }, cancellation);
                    cursor = instruction.Sequence;
                }
                more = page.Count == MaxPage;
            }
            // Silence must mean trouble: a heartbeat shows the stream alive (even while catching up) and how far the
            // bank's instructions go.
            if (Elapsed() >= heartbeatDue)
            {
                await responseStream.WriteAsync(new InstructionStreamMessage
                {
                    Heartbeat = new StreamHeartbeat
                    {
                        LatestSequence = Math.Max(subscription.LatestSeen, cursor), SentSequence = cursor,
                        SentAt = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow()),
                    },
                }, cancellation);
                heartbeatDue = Elapsed() + options.HeartbeatInterval;
            }
            if (more) continue;
            // This silo's commits wake the stream at once; the bank's notices (Orleans Streaming) wake it for commits elsewhere.
            try
            {
                var heartbeat = Task.Delay(heartbeatDue - Elapsed() + TimeSpan.FromMilliseconds(1), cancellation);
                await Task.WhenAny(committedHere, advancedAnywhere, heartbeat).WaitAsync(cancellation);
            }
            catch (OperationCanceledException) { break; }
            // A notice wakes every stream of the bank: list only when the bank is past what this one has sent, or when
            // notices may have been missed (the subscription was renewed).
            mustList = committedHere.IsCompleted || subscription.LatestSeen > cursor || subscription.TakeResync();
        }

        TimeSpan Elapsed() => TimeProvider.System.GetElapsedTime(started);
    }

    public override async Task<ListInstructionsResponse> ListInstructions(ListInstructionsRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank).BankId!;
        var cursor = Cursor(request.AfterSequence);
        var size = request.PageSize switch
        {
            0 => 100,
            < 0 or > MaxPage => throw Check.Invalid($"page_size must be 0-{MaxPage}"),
            var n => n,
        };
        var page = await outbox.ListAsync(bank, cursor, size, context.CancellationToken);
        var response = new ListInstructionsResponse { NextAfterSequence = page.Count > 0 ? page[^1].Sequence : cursor };
        response.Instructions.AddRange(page.Select(Map));
        return response;
    }

    public override async Task<ConfirmSettlementResponse> ConfirmSettlement(ConfirmSettlementRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank).BankId!;
        if (request.InstructionIds.Count is 0 or > MaxSettlementBatch)
            throw Check.Invalid($"instruction_ids must hold 1-{MaxSettlementBatch} ids");
        var ids = request.InstructionIds.Select(id => InstructionId(id, "instruction_ids")).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count) throw Check.Invalid("instruction_ids must be distinct");

        var found = await outbox.FindAsync(ids, context.CancellationToken);
        var decision = Settlements.Decide(bank, ids, found.ToDictionary(f => f.Key,
            f => new SettlementCandidate(f.Value.Instruction.InstructionId, f.Value.Instruction.BankId, f.Value.Instruction.Kind,
                f.Value.Instruction.CitizenId, f.Value.Instruction.Amount, f.Value.Outcome), StringComparer.Ordinal), clock.Now);
        if (decision.Refusal is { } refusal) throw Check.Refused(refusal);
        var already = decision.AlreadySettled;
        var settled = await settlements.SettleAsync(decision.Outcomes, context.CancellationToken);
        // An id not newly settled here got its outcome concurrently: a resend settled it, or the bank's own return won.
        // Read which, so that a returned payment (which will be re-issued) is never reported as settled.
        var lost = ids.Where(id => !settled.Contains(id) && !already.Contains(id)).ToList();
        var returnedNow = new HashSet<string>(StringComparer.Ordinal);
        if (lost.Count > 0)
            foreach (var (id, now) in await outbox.FindAsync(lost, context.CancellationToken))
                if (now.Outcome?.Outcome == InstructionOutcome.Returned) returnedNow.Add(id);
        var response = new ConfirmSettlementResponse();
        response.Settled.AddRange(settled);
        response.AlreadySettled.AddRange(ids.Where(id => !settled.Contains(id) && !returnedNow.Contains(id)));
        response.Returned.AddRange(returnedNow);
        return response;
    }

    public override async Task<ReturnPaymentResponse> ReturnPayment(ReturnPaymentRequest request, ServerCallContext context)
    {
        var bank = context.Require(ParticipantRole.Bank).BankId!;
        var id = InstructionId(request.InstructionId, "instruction_id");
        if (!ReturnReasons.All.Contains(request.Reason))
            throw Check.Invalid($"reason must be one of: {string.Join(", ", ReturnReasons.All.Order(StringComparer.Ordinal))}");
        var found = await outbox.FindAsync([id], context.CancellationToken);
        if (!found.TryGetValue(id, out var f) || f.Instruction.BankId != bank)
            throw new RpcException(new Status(StatusCode.NotFound, $"instruction {id} does not exist for this bank"));
        var receipt = (await grains.Citizen(f.Instruction.CitizenId).ReturnPayment(new ReturnCommand(id, request.Reason, bank))).Value();
        return new ReturnPaymentResponse
        {
            InstructionId = receipt.InstructionId,
            CitizenId = receipt.CitizenId,
            Reason = receipt.Reason,
            RecordedAt = Timestamp.FromDateTimeOffset(receipt.RecordedAt),
            AccountNeedsUpdate = receipt.AccountNeedsUpdate,
            Replayed = receipt.Replayed,
        };
    }

    public override async Task<V1.SettlementReport> GetSettlementReport(GetSettlementReportRequest request, ServerCallContext context)
    {
        var caller = context.Require(ParticipantRole.Bank, ParticipantRole.Treasury, ParticipantRole.Auditor);
        var bank = Check.Id(request.BankId, "bank_id");
        if (!DateOnly.TryParseExact(request.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw Check.Invalid("day must be a date, YYYY-MM-DD");
        if (caller.Role == ParticipantRole.Bank && caller.BankId != bank)
            throw new RpcException(new Status(StatusCode.PermissionDenied, "a bank can read only its own settlement report"));
        var r = await outbox.ReportAsync(bank, day, context.CancellationToken);
        return new V1.SettlementReport
        {
            BankId = r.BankId,
            Day = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Issued = Tally(r.Issued),
            Settled = Tally(r.Settled),
            Returned = Tally(r.Returned),
            Outstanding = Tally(r.Outstanding),
        };
    }

    private V1.Tally Tally(Grains.Tally t) => new() { Count = t.Count, Amount = ProtoMapping.Money(t.Amount, policies.Currency) };

    private static long Cursor(long afterSequence) =>
        afterSequence >= 0 ? afterSequence : throw Check.Invalid("after_sequence must be 0 or a sequence already received");

    private static string InstructionId(string? id, string field) =>
        !string.IsNullOrEmpty(id) && id.Length <= 200 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-')
            ? id
            : throw Check.Invalid($"{field} must be instruction ids of 1-200 characters of [A-Za-z0-9._:-]");

    public static V1.PayoutInstruction Map(Grains.PayoutInstruction i) => new()
    {
        InstructionId = i.InstructionId,
        Sequence = i.Sequence,
        CitizenId = i.CitizenId,
        AccountToken = i.AccountToken,
        Amount = ProtoMapping.Money(i.Amount, i.Currency),
        Kind = ProtoMapping.Kind(i.Kind),
        Period = i.Period,
        ReasonCode = i.ReasonCode,
    };
}
