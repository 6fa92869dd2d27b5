namespace FloorPay.Domain;

/// <summary>Ids of citizens, regions, banks, participants and idempotency keys: 1–64 characters of [A-Za-z0-9._:-].</summary>
public static class Identifier
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        foreach (var c in value)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or ':' or '-';
            if (!ok) return false;
        }
        return true;
    }
}
