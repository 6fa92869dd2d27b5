namespace FloorPay.Gateway.Auth;

/// <summary>The authenticated participant of a call, and the role rules every service applies.</summary>
public static class CallerContext
{
    private const string Key = "floorpay.participant";

    internal static void Set(ServerCallContext context, Participant participant) => context.UserState[Key] = participant;

    public static Participant Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var p) && p is Participant participant
            ? participant
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or unknown API key"));

    /// <summary>The caller, if its role is one of <paramref name="allowed"/>; otherwise PERMISSION_DENIED.</summary>
    public static Participant Require(this ServerCallContext context, params ParticipantRole[] allowed)
    {
        var caller = context.Caller();
        if (Array.IndexOf(allowed, caller.Role) < 0)
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"role {caller.Role} may not call {context.Method}; allowed: {string.Join(", ", allowed)}"));
        return caller;
    }
}
