using FloorPay.Domain.Citizens;
using FloorPay.Grains;

namespace FloorPay.Gateway.Services;

/// <summary>Request validation: anything malformed is INVALID_ARGUMENT before any grain is called.</summary>
internal static class Check
{
    /// <summary>Largest single amount accepted, in minor units: far above any real transfer, far below overflow.</summary>
    public const long MaxAmount = 1_000_000_000_000_000;

    public static string Id(string? value, string field) =>
        Identifier.IsValid(value) ? value! : throw Invalid($"{field} must be 1-{Identifier.MaxLength} characters of [A-Za-z0-9._:-]");

    /// <summary>A citizen id: an id that is a pseudonym, not a number or an IBAN that identifies the person (docs/security.md).</summary>
    public static string CitizenId(string? value, string field = "citizen_id") => Pseudonym(Id(value, field), field, "pseudonymous citizen ids");

    /// <summary>A bank's account token: an id that stands for the account, not the account number or IBAN itself.</summary>
    public static string AccountToken(string? value, string field) => Pseudonym(Id(value, field), field, "account tokens, never account numbers");

    /// <summary>Free text a person writes (a resolution's reason): no national id, account number, IBAN or e-mail address.</summary>
    public static string FreeText(string value, string field) =>
        PersonalData.InText(value) is { } found
            ? throw Invalid($"{field} contains what looks like {found}; FloorPay stores no personal data (docs/security.md)")
            : value;

    // The refusal names the shape, never the value: refusals are logged and counted, and the value is what must not be kept.
    private static string Pseudonym(string id, string field, string what) =>
        PersonalData.InIdentifier(id) is { } found
            ? throw Invalid($"{field} looks like {found}; FloorPay stores {what} (docs/security.md)")
            : id;

    public static string? OptionalPeriod(string? value, PeriodClock clock, string field = "period")
    {
        if (string.IsNullOrEmpty(value)) return null;
        return clock.TryParse(value, out var p)
            ? p.ToString()
            : throw Invalid($"{field} '{Truncate(value)}' is not a {clock.Length.ToString().ToLowerInvariant()} period ({(clock.Length == PeriodLength.Monthly ? "YYYY-MM" : "YYYY-Www")})");
    }

    public static long Amount(V1.Money? money, string currency, string field)
    {
        if (money is null) throw Invalid($"{field} is required");
        if (money.Currency != currency) throw Invalid($"{field} must be in {currency}, the configured currency");
        if (money.MinorUnits <= 0) throw Invalid($"{field} must be positive");
        if (money.MinorUnits > MaxAmount) throw Invalid($"{field} exceeds the maximum of {MaxAmount} minor units");
        return money.MinorUnits;
    }

    public static string Region(string? value, FloorPayTopology topology, string field = "region_id")
    {
        var id = Id(value, field);
        return topology.Regions.Contains(id) ? id : throw new RpcException(new Status(StatusCode.NotFound, $"region '{id}' does not exist"));
    }

    public static string Fund(string? value, FloorPayTopology topology)
    {
        var id = Id(value, "fund_id");
        return topology.Funds.Contains(id) ? id : throw new RpcException(new Status(StatusCode.NotFound, $"fund '{id}' does not exist"));
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>The grain's value, or its refusal as the gRPC status of the same name.</summary>
    public static T Value<T>(this Outcome<T> outcome)
    {
        if (outcome.Rejection is { } r)
        {
            var code = StatusOf(r.Kind);
            if (r.RetryAfterMilliseconds is not { } retry) throw new RpcException(new Status(code, r.Message));
            // The same hints as an admission refusal, so that clients handle every RESOURCE_EXHAUSTED alike.
            var hint = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new RpcException(new Status(code, r.Message), new Metadata { { "grpc-retry-pushback-ms", hint }, { "floorpay-retry-after-ms", hint } });
        }
        return outcome.Value ?? throw new RpcException(new Status(StatusCode.Internal, "empty result"));
    }

    /// <summary>A domain refusal as the gRPC status of the same name.</summary>
    public static RpcException Refused(Refusal refusal) => new(new Status(StatusOf(refusal.Kind), refusal.Message));

    private static StatusCode StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => StatusCode.InvalidArgument,
        RejectionKind.NotFound => StatusCode.NotFound,
        RejectionKind.AlreadyExists => StatusCode.AlreadyExists,
        RejectionKind.FailedPrecondition => StatusCode.FailedPrecondition,
        RejectionKind.PermissionDenied => StatusCode.PermissionDenied,
        RejectionKind.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    private static string Truncate(string s) => s.Length <= 16 ? s : s[..16] + "…";
}
