using System.Security.Cryptography;
using System.Text;

namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// The checkpoint signing key: ECDSA P-256, PEM. Configured with FloorPay:Audit:SigningKeyFile; on the embedded store
/// without one, a key is made once in the data directory so a single node signs from its first start.
/// </summary>
public sealed class AuditSigner : IDisposable
{
    private readonly ECDsa _key;

    private AuditSigner(ECDsa key)
    {
        _key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The public key auditors verify checkpoints with (SubjectPublicKeyInfo, PEM).</summary>
    public string PublicKeyPem { get; }

    /// <summary>ECDSA over SHA-256 of the payload's UTF-8 bytes, IEEE P1363 (r || s), base64.</summary>
    public string Sign(string payload) =>
        Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256));

    /// <summary>The configured key, the embedded store's own, or null when a cluster has none configured.</summary>
    public static AuditSigner? Configured(IConfiguration config, StorageSettings storage)
    {
        var file = config["FloorPay:Audit:SigningKeyFile"];
        if (string.IsNullOrWhiteSpace(file))
        {
            if (storage.Provider != StorageProvider.Sqlite) return null;
            file = Path.Combine(storage.DataDirectory, "audit-signing-key.pem");
            if (!File.Exists(file))
            {
                using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                Directory.CreateDirectory(storage.DataDirectory);
                File.WriteAllText(file, fresh.ExportPkcs8PrivateKeyPem());
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        else if (!File.Exists(file)) throw Unusable($"SigningKeyFile '{file}' does not exist");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(file));
            if (key.KeySize != 256) throw Unusable($"SigningKeyFile '{file}' holds a {key.KeySize}-bit key, not P-256");
            key.SignData([0], HashAlgorithmName.SHA256); // a public key alone cannot sign
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw Unusable($"SigningKeyFile '{file}' is not an ECDSA P-256 private key in PEM");
        }
        return new AuditSigner(key);
    }

    private static Microsoft.Extensions.Options.OptionsValidationException Unusable(string problem) =>
        new("FloorPay:Audit", typeof(AuditOptions), [$"FloorPay:Audit: {problem}"]);

    public void Dispose() => _key.Dispose();
}
