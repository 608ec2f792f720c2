import Crypto
import Foundation
import Workspaces
import _CryptoExtras

/// The signed JWT a certificate credential presents to the identity platform (RS256, the
/// certificate's SHA-1 thumbprint as `x5t`), built from a PEM file holding the private key and
/// the certificate, as `AZURE_CLIENT_CERTIFICATE_PATH` names it.
enum ClientAssertion {
    /// A fresh assertion valid for ten minutes; errors name the file, never its content.
    static func make(pemFile: String, clientID: String, audience: String, now: Date = Date()) throws(WorkspaceError) -> String {
        guard let pem = try? String(contentsOfFile: pemFile, encoding: .utf8) else {
            throw .unauthorized(detail: "cannot read the client certificate \(pemFile) (AZURE_CLIENT_CERTIFICATE_PATH)")
        }
        guard let certificate = block("CERTIFICATE", in: pem), let der = Data(base64Encoded: certificate, options: .ignoreUnknownCharacters) else {
            throw .unauthorized(detail: "\(pemFile) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let keyPEM = ["PRIVATE KEY", "RSA PRIVATE KEY"].lazy.compactMap { kind in
            block(kind, in: pem).map { "-----BEGIN \(kind)-----\n\($0)\n-----END \(kind)-----" }
        }.first
        guard let keyPEM, let key = try? _RSA.Signing.PrivateKey(pemRepresentation: keyPEM) else {
            throw .unauthorized(detail: "\(pemFile) holds no RSA private key of 2048 bits or more (PEM, unencrypted)")
        }
        let thumbprint = base64URL(Data(Insecure.SHA1.hash(data: der)))
        let issued = Int(now.timeIntervalSince1970)
        let header: [String: Any] = ["alg": "RS256", "typ": "JWT", "x5t": thumbprint]
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": UUID().uuidString.lowercased(),
            "nbf": issued, "iat": issued, "exp": issued + 600,
        ]
        let input = segment(header) + "." + segment(claims)
        guard let signature = try? key.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5) else {
            throw .unauthorized(detail: "signing the client assertion with the key of \(pemFile) failed")
        }
        return input + "." + base64URL(signature.rawRepresentation)
    }

    /// The base64 body of the first `-----BEGIN kind-----` block.
    static func block(_ kind: String, in pem: String) -> String? {
        guard let start = pem.range(of: "-----BEGIN \(kind)-----"), let end = pem.range(of: "-----END \(kind)-----", range: start.upperBound..<pem.endIndex)
        else { return nil }
        return pem[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func segment(_ object: [String: Any]) -> String {
        base64URL((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
