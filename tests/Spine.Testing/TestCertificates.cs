using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Spine.Testing;

/// <summary>Self-signed certificates for TLS tests, valid for 127.0.0.1 for a day, with PEM files beside them.</summary>
public static class TestCertificates
{
    /// <summary>A certificate with its private key, written as PEM to FOLDER/NAME.crt and FOLDER/NAME.key.</summary>
    public static (X509Certificate2 Certificate, string CertificatePath, string KeyPath) Create(string folder, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var (certificatePath, keyPath) = (Path.Combine(folder, name + ".crt"), Path.Combine(folder, name + ".key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificate, certificatePath, keyPath);
    }

    /// <summary>A validation callback that trusts exactly this certificate.</summary>
    public static bool IsThis(X509Certificate2 expected, X509Certificate? presented) =>
        presented is not null && presented.GetCertHashString() == expected.GetCertHashString();
}
