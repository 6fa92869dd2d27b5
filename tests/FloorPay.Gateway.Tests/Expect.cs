namespace FloorPay.Gateway.Tests;

/// <summary>Assertions on the gRPC status of a failed call.</summary>
public static class Expect
{
    /// <summary>The call fails with exactly <paramref name="code"/>; returns the exception for further checks.</summary>
    public static async Task<RpcException> Status(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == code, $"expected {code} but got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    public static Task<RpcException> Status<T>(StatusCode code, AsyncUnaryCall<T> call) => Status(code, async () => await call);
}
