using System.Security.Cryptography;
using System.Text;

namespace FloorPay.Gateway.Auth;

/// <summary>Resolves a presented API key to its participant. Keys are held only as SHA-256 hashes.</summary>
public sealed class ParticipantDirectory
{
    /// <summary>The demo participants of the single-node default; accepted in Development only.</summary>
    public static readonly IReadOnlyList<ParticipantConfig> DevelopmentDemo =
    [
        new() { Id = "bank-a", Role = "bank", BankId = "bank-a", ApiKey = "dev-bank-a" },
        new() { Id = "bank-b", Role = "bank", BankId = "bank-b", ApiKey = "dev-bank-b" },
        new() { Id = "platform", Role = "contribution-platform", ApiKey = "dev-platform" },
        new() { Id = "treasury", Role = "treasury", ApiKey = "dev-treasury" },
        new() { Id = "treasury-2", Role = "treasury", ApiKey = "dev-treasury-2" },
        new() { Id = "reviewer", Role = "reviewer", ApiKey = "dev-reviewer" },
        new() { Id = "reviewer-2", Role = "reviewer", ApiKey = "dev-reviewer-2" },
        new() { Id = "auditor", Role = "auditor", ApiKey = "dev-auditor" },
    ];

    private readonly Dictionary<string, Participant> _byKeyHash = new(StringComparer.OrdinalIgnoreCase);

    public ParticipantDirectory(IEnumerable<ParticipantConfig> entries, bool isDevelopment)
    {
        var demoHashes = DevelopmentDemo.Select(d => Hash(d.ApiKey!)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entries)
        {
            if (!Domain.Identifier.IsValid(e.Id)) throw new InvalidOperationException($"participant id '{e.Id}' is not a valid id");
            var role = ParseRole(e.Role) ?? throw new InvalidOperationException($"participant {e.Id}: unknown role '{e.Role}'");
            if (role == ParticipantRole.Bank && !Domain.Identifier.IsValid(e.BankId))
                throw new InvalidOperationException($"participant {e.Id}: a bank needs a valid BankId");
            string hash;
            if (!string.IsNullOrEmpty(e.ApiKeySha256)) hash = e.ApiKeySha256;
            else if (!string.IsNullOrEmpty(e.ApiKey) && isDevelopment) hash = Hash(e.ApiKey);
            else throw new InvalidOperationException($"participant {e.Id}: set ApiKeySha256 (a clear ApiKey is accepted in Development only)");
            if (!isDevelopment && demoHashes.Contains(hash)) throw new InvalidOperationException($"participant {e.Id}: the demo keys are accepted in Development only");
            if (!_byKeyHash.TryAdd(hash, new Participant(e.Id, role, role == ParticipantRole.Bank ? e.BankId : null, e.WritesPerSecond, e.ReadsPerSecond)))
                throw new InvalidOperationException($"participant {e.Id}: its API key is also another participant's");
        }
    }

    public Participant? Find(string apiKey) => _byKeyHash.GetValueOrDefault(Hash(apiKey));

    public static string Hash(string apiKey) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public static ParticipantRole? ParseRole(string role) => role switch
    {
        "bank" => ParticipantRole.Bank,
        "contribution-platform" => ParticipantRole.ContributionPlatform,
        "treasury" => ParticipantRole.Treasury,
        "reviewer" => ParticipantRole.Reviewer,
        "auditor" => ParticipantRole.Auditor,
        _ => null,
    };
}
