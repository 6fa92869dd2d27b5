namespace FloorPay.Gateway.Tests;

/// <summary>Fresh, valid identifiers so that tests sharing a server never touch each other's citizens or keys.</summary>
public static class Ids
{
    public static string Citizen() => $"c-{Guid.NewGuid():N}";

    public static string Key(string purpose = "k") => $"{purpose}-{Guid.NewGuid():N}";

    public static string Token() => $"tok-{Guid.NewGuid():N}";
}
