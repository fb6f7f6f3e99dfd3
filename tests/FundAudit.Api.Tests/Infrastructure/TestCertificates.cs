using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FundAudit.Api.Tests.Infrastructure;

/// <summary>
/// Self-signed key-ring certificates (.pfx files in a temp folder). Every environment but Development needs one, so
/// every test app gets <see cref="Shared"/> unless a test sets its own.
/// </summary>
public static class TestCertificates
{
    public const string Password = "test-password";

    private static readonly Lazy<string> SharedPath = new(() => Create("shared"));

    /// <summary>One certificate for every test app of the run.</summary>
    public static string Shared => SharedPath.Value;

    /// <summary>A new certificate; answers the path of its .pfx (password <see cref="Password"/>).</summary>
    public static string Create(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fundaudit-tests", "cert-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(
            "CN=FundAudit key ring " + name,
            rsa,
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1
        );
        using var certificate = request.CreateSelfSigned(
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddYears(1)
        );
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}
