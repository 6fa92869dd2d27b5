using FloorPay.Domain;
using System.Net;
using System.Net.Http.Headers;
using FloorPay.Grains;
using FloorPay.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using FloorPay.Silo;
using Orleans.Streams;

namespace FloorPay.Gateway.Tests;

/// <summary>
/// Instruction streams have their own bounds (per bank and overall, on both ports), never take the unary calls'
/// admission slots, cost no database query each while idle, and still receive what commits later on this silo or
/// elsewhere.
/// </summary>
public sealed class InstructionStreamTests : IAsyncLifetime
{
    private const int PerBank = 6;
    private const int Overall = 8;
    private static readonly TimeSpan NoticeCheck = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(300);

    private readonly List<AsyncServerStreamingCall<InstructionStreamMessage>> _streams = [];
    private readonly CancellationTokenSource _closeStreams = new();
    private FloorPayServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Fewer write slots than one bank's streams: a stream that held one would starve every write.
            ["FloorPay:Admission:MaxWritesInFlight"] = "4",
            ["FloorPay:Instructions:MaxStreamsPerBank"] = PerBank.ToString(),
            ["FloorPay:Instructions:MaxStreams"] = Overall.ToString(),
            ["FloorPay:Instructions:NoticeCheckInterval"] = NoticeCheck.ToString(),
            // Commits of "another silo" (a second ledger on this store) reach the streams as a cluster's would.
            ["FloorPay:Instructions:ClusterNotices"] = "true",
            ["FloorPay:Instructions:HeartbeatInterval"] = Heartbeat.ToString(),
            ["FloorPay:Payday:Enabled"] = "false",
        }));

    public async Task DisposeAsync()
    {
        await _closeStreams.CancelAsync();
        foreach (var s in _streams) s.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Idle_streams_from_one_bank_do_not_hold_back_anyone_s_writes()
    {
        await OpenStreamsAsync(ApiKeys.BankA, PerBank);

        // Each write is retried on RESOURCE_EXHAUSTED as a client would, with the same key; streams holding write slots
        // would refuse them every time.
        for (var i = 0; i < 5; i++)
        {
            await EnrollWithRetriesAsync(ApiKeys.BankB, "bank-b");
            await EnrollWithRetriesAsync(ApiKeys.BankA, "bank-a");
        }
    }

    [Fact]
    public async Task Streams_beyond_a_bank_s_bound_or_the_overall_bound_are_refused_on_both_ports_with_a_retry_hint()
    {
        await OpenStreamsAsync(ApiKeys.BankA, PerBank);

        var refused = await Expect.Status(StatusCode.ResourceExhausted, () => FirstMessageAsync(ApiKeys.BankA));
        Assert.NotNull(refused.Trailers.GetValue("grpc-retry-pushback-ms"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await JsonSubscribeStatusAsync(ApiKeys.BankA));

        // Another bank is not held back by bank-a's bound, up to the overall bound.
        await OpenStreamsAsync(ApiKeys.BankB, Overall - PerBank);
        await Expect.Status(StatusCode.ResourceExhausted, () => FirstMessageAsync(ApiKeys.BankB));
        Assert.Equal(HttpStatusCode.TooManyRequests, await JsonSubscribeStatusAsync(ApiKeys.BankB));

        // A closed stream frees its place.
        _streams[0].Dispose();
        await Eventually.Satisfies(async () =>
        {
            try { await FirstMessageAsync(ApiKeys.BankA); return true; }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted) { return false; }
        }, ok => ok, "a bank-a stream to be admitted again");
    }

    [Fact]
    public async Task A_stream_receives_what_commits_later_on_this_silo_and_on_another()
    {
        var (stream, head) = await SubscribeBehindHeadAsync(0);
        using var call = stream;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var here = await EnrollWithRetriesAsync(ApiKeys.BankA, "bank-a");
        Assert.True(await call.ResponseStream.MoveNextInstruction(patience.Token));
        Assert.Equal(here.FirstPayout.PayoutId, call.ResponseStream.Current.Instruction.InstructionId);

        // Another silo's ledger on the same store: its commit is not signalled in this process.
        var elsewhere = await PostElsewhereAsync("bank-a");
        Assert.True(await call.ResponseStream.MoveNextInstruction(patience.Token));
        Assert.Equal(elsewhere, call.ResponseStream.Current.Instruction.InstructionId);
        Assert.Equal(head + 2, call.ResponseStream.Current.Instruction.Sequence);
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeats_with_the_bank_s_latest_sequence_so_silence_means_trouble()
    {
        var (stream, head) = await SubscribeBehindHeadAsync(1);
        using var call = stream;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The backlog first, then a heartbeat saying the stream has caught up.
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(head, call.ResponseStream.Current.Instruction.Sequence);
        var heartbeats = new List<StreamHeartbeat>();
        while (heartbeats.Count < 3 && await call.ResponseStream.MoveNext(patience.Token))
        {
            Assert.Equal(InstructionStreamMessage.MessageOneofCase.Heartbeat, call.ResponseStream.Current.MessageCase); // nothing new committed
            heartbeats.Add(call.ResponseStream.Current.Heartbeat);
        }
        Assert.All(heartbeats, h => Assert.Equal((head, head), (h.LatestSequence, h.SentSequence)));
        // Spaced by the interval, not sent in a burst (the clock's resolution allowed for).
        for (var i = 1; i < heartbeats.Count; i++)
            Assert.True(heartbeats[i].SentAt.ToDateTimeOffset() - heartbeats[i - 1].SentAt.ToDateTimeOffset() >= Heartbeat - TimeSpan.FromMilliseconds(20));

        // A commit elsewhere (not signalled here): the next heartbeats report it once this gateway reads it, and the
        // instruction follows; the stream never claims to be further than the bank.
        var elsewhere = await PostElsewhereAsync("bank-a");
        Assert.True(await call.ResponseStream.MoveNextInstruction(patience.Token));
        Assert.Equal((elsewhere, head + 1), (call.ResponseStream.Current.Instruction.InstructionId, call.ResponseStream.Current.Instruction.Sequence));
        while (await call.ResponseStream.MoveNext(patience.Token) && call.ResponseStream.Current.Heartbeat is null) { }
        Assert.Equal((head + 1, head + 1), (call.ResponseStream.Current.Heartbeat!.LatestSequence, call.ResponseStream.Current.Heartbeat!.SentSequence));
    }

    [Fact]
    public async Task Idle_streams_cost_no_outbox_query_each()
    {
        await OpenStreamsAsync(ApiKeys.BankA, PerBank);
        await OpenStreamsAsync(ApiKeys.BankB, Overall - PerBank);
        var outbox = (SqlInstructionOutbox)_server.Services.GetRequiredService<IInstructionOutbox>();

        var before = outbox.Lists;
        await Task.Delay(NoticeCheck * 10); // ten subscription checks at least, with nothing committed
        var lists = outbox.Lists - before;

        // Polling per stream would list at least once a stream per interval; nothing new means no list at all.
        Assert.Equal(0, lists);
    }

    [Fact]
    public async Task A_lost_notice_subscription_is_renewed_and_the_stream_receives_what_committed_elsewhere_meanwhile()
    {
        var (stream, head) = await SubscribeBehindHeadAsync(0);
        using var call = stream;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await call.ResponseStream.MoveNext(patience.Token)); // the first heartbeat: open and caught up

        // The cluster forgets this silo's subscription (as when the silo keeping it dies), then another silo commits.
        var notices = _server.Services.GetRequiredService<IClusterClient>().GetStreamProvider(InstructionNotice.Provider)
            .GetStream<InstructionNotice>(StreamId.Create(InstructionNotice.Namespace, "bank-a"));
        var lost = await notices.GetAllSubscriptionHandles();
        Assert.NotEmpty(lost);
        foreach (var handle in lost) await handle.UnsubscribeAsync();
        var elsewhere = await PostElsewhereAsync("bank-a");

        Assert.True(await call.ResponseStream.MoveNextInstruction(patience.Token));
        Assert.Equal((elsewhere, head + 1), (call.ResponseStream.Current.Instruction.InstructionId, call.ResponseStream.Current.Instruction.Sequence));
        Assert.NotEmpty(await notices.GetAllSubscriptionHandles());
    }

    /// <summary>Enrolls a bank-a citizen, then opens a bank-a stream <paramref name="behind"/> instructions before the head.</summary>
    private async Task<(AsyncServerStreamingCall<InstructionStreamMessage> Call, long Head)> SubscribeBehindHeadAsync(long behind)
    {
        await EnrollWithRetriesAsync(ApiKeys.BankA, "bank-a");
        var head = await _server.InstructionHeadAsync(ApiKeys.BankA);
        var call = _server.As(ApiKeys.BankA).Instructions.SubscribeInstructions(new SubscribeInstructionsRequest { AfterSequence = head - behind },
            cancellationToken: _closeStreams.Token);
        return (call, head);
    }

    /// <summary>Opens <paramref name="count"/> streams for the bank, each established by receiving one instruction.</summary>
    private async Task OpenStreamsAsync(string bankKey, int count)
    {
        var head = await _server.InstructionHeadAsync(bankKey);
        if (head == 0)
        {
            await EnrollWithRetriesAsync(bankKey, bankKey == ApiKeys.BankA ? "bank-a" : "bank-b");
            head = await _server.InstructionHeadAsync(bankKey);
        }
        for (var i = 0; i < count; i++)
        {
            var call = _server.As(bankKey).Instructions.SubscribeInstructions(new SubscribeInstructionsRequest { AfterSequence = head - 1 },
                cancellationToken: _closeStreams.Token);
            _streams.Add(call);
            Assert.True(await call.ResponseStream.MoveNextInstruction(_closeStreams.Token), "an open stream receives the bank's latest instruction");
        }
    }

    private async Task FirstMessageAsync(string bankKey)
    {
        using var call = _server.As(bankKey).Instructions.SubscribeInstructions(new SubscribeInstructionsRequest(), cancellationToken: _closeStreams.Token);
        await call.ResponseStream.MoveNextInstruction(_closeStreams.Token);
    }

    private async Task<HttpStatusCode> JsonSubscribeStatusAsync(string bankKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/instructions:subscribe");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bankKey);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, patience.Token);
        return response.StatusCode;
    }

    private async Task<EnrollResponse> EnrollWithRetriesAsync(string bankKey, string bankId)
    {
        var request = Requests.Enroll(Ids.Citizen(), bankId: bankId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _server.As(bankKey).Citizens.EnrollAsync(request);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && attempt < 20)
            {
                var hint = int.TryParse(e.Trailers.GetValue("grpc-retry-pushback-ms"), out var ms) ? ms : 250;
                await Task.Delay(hint);
            }
        }
    }

    /// <summary>A payout and its instruction committed by a second ledger on the server's store, as another silo would.</summary>
    private async Task<string> PostElsewhereAsync(string bankId)
    {
        var storage = new StorageSettings { Provider = StorageProvider.Sqlite, DataDirectory = _server.DataDirectory, MigrateOnStart = false };
        await using var ledger = GroupCommitLedger.Create(storage, new LedgerOptions());
        // That silo announces its commits on the banks' Orleans streams, through this cluster (no membership: it is
        // not alone, so it publishes every commit).
        var publisher = new InstructionNoticePublisher(_server.Services.GetRequiredService<IClusterClient>(), ledger, membership: null,
            new InstructionStreamOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger<InstructionNoticePublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        var citizen = Ids.Citizen();
        var period = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var posting = new PayoutPosting($"{citizen}:floor:{period}", citizen, FloorPay.Domain.PayoutKind.Floor, period, period, 120_000, "EUR",
            "FLOOR_PERIOD@policy-v1", "R-NORTH", bankId, "tok-elsewhere", Ids.Key("elsewhere"), new string('a', 64), false,
            new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks, TimeSpan.Zero));
        Assert.Equal(PostingResult.Committed, await ledger.AppendAsync([posting]));
        return posting.PayoutId;
    }
}
