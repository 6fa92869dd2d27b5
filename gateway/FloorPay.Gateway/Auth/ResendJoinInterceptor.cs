using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core.Interceptors;

namespace FloorPay.Gateway.Auth;

/// <summary>
/// One execution per write, however many attempts: a resend whose first attempt is still running (the same
/// participant, method and request, idempotency key included) waits for that attempt's answer instead of starting the
/// work again. Clients resend on timeout, and during a surge every abandoned attempt redone in full is what collapses
/// goodput. The first attempt does not depend on its caller: it finishes once, and a later resend replays it.
/// </summary>
public sealed class ResendJoinInterceptor : Interceptor
{
    // Protobuf messages compare by value, so an identical resend finds its attempt; a different request under the
    // same key does not, and goes on to the grain, which refuses the reuse.
    private sealed record Attempt(string Participant, string Method, IMessage Request);

    private readonly ConcurrentDictionary<Attempt, Task> _running = new();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is not IMessage message || AdmissionGate.Reads.Contains(context.Method) || context.Method.StartsWith("/grpc.", StringComparison.Ordinal))
            return await continuation(request, context);

        var attempt = new Attempt(context.Caller().Id, context.Method, message);
        var mine = new TaskCompletionSource<TResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_running.GetOrAdd(attempt, mine.Task) is Task<TResponse> running && running != mine.Task)
        {
            GatewayMeters.ResendsJoined.Add(1);
            try
            {
                return AsReplay(await running.WaitAsync(context.CancellationToken));
            }
            catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
            {
                // The first attempt's caller cancelled work that followed its cancellation (an envelope): do it here.
                return await continuation(request, context);
            }
        }

        // Out of the table before the answer is given, so a resend after the answer goes to the grain (a replay) and
        // never finds a finished attempt.
        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch (Exception e)
        {
            _running.TryRemove(new KeyValuePair<Attempt, Task>(attempt, mine.Task));
            mine.SetException(e);
            _ = mine.Task.Exception; // observed: a failure nobody joined is not an unobserved task exception
            throw;
        }
        _running.TryRemove(new KeyValuePair<Attempt, Task>(attempt, mine.Task));
        mine.SetResult(response);
        return response;
    }

    /// <summary>
    /// The attempt's answer as the API answers any repeated key: a copy with every "replayed" flag set, in the response
    /// and in the records it carries, exactly as the grain's own replay would; the first caller keeps the original.
    /// </summary>
    private static TResponse AsReplay<TResponse>(TResponse response)
    {
        if (response is not IMessage message) return response;
        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        MarkReplayed(copy);
        return (TResponse)copy;
    }

    private static void MarkReplayed(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsRepeated || field.IsMap) continue;
            if (field.FieldType == Google.Protobuf.Reflection.FieldType.Bool && field.Name == "replayed") field.Accessor.SetValue(message, true);
            else if (field.FieldType == Google.Protobuf.Reflection.FieldType.Message && field.Accessor.GetValue(message) is IMessage inner) MarkReplayed(inner);
        }
    }
}
