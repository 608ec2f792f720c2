@testable import AzureMLWorkspace
import Foundation
import Testing
import TestSupport

/// A certificate credential: the client assertion is an RS256 JWT that an independent
/// implementation (openssl) verifies with the certificate's public key, and the identity
/// platform (the fake's) exchanges it for a token.
@Suite struct CertificateCredentialTests {
    static func openssl(_ arguments: [String], in directory: String) async throws -> ChildProcess.Result {
        try await ChildProcess.run("/usr/bin/env", ["openssl"] + arguments, in: directory)
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    @Test func assertionIsAVerifiableRS256JWTAndBuysAToken() async throws {
        let scratch = try ScratchDirectory()
        let made = try await Self.openssl(
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=mlgitops-test"],
            in: scratch.path)
        guard made.status == 0 else {
            print("SKIPPED: openssl cannot make a test certificate: \(made.output)")
            return
        }
        let pemFile = scratch.appending("client.pem")
        let combined = try String(contentsOfFile: scratch.appending("key.pem"), encoding: .utf8)
            + String(contentsOfFile: scratch.appending("cert.pem"), encoding: .utf8)
        try combined.write(toFile: pemFile, atomically: true, encoding: .utf8)

        let assertion = try ClientAssertion.make(pemFile: pemFile, clientID: "app-id", audience: "https://login.example/tenant/oauth2/v2.0/token")
        let parts = assertion.split(separator: ".")
        #expect(parts.count == 3)
        let header = try JSONSerialization.jsonObject(with: Self.base64URLDecoded(parts[0]) ?? Data()) as? [String: Any]
        let claims = try JSONSerialization.jsonObject(with: Self.base64URLDecoded(parts[1]) ?? Data()) as? [String: Any]
        #expect(header?["alg"] as? String == "RS256")
        #expect((header?["x5t"] as? String)?.isEmpty == false)
        #expect(claims?["iss"] as? String == "app-id" && claims?["sub"] as? String == "app-id")
        #expect(claims?["aud"] as? String == "https://login.example/tenant/oauth2/v2.0/token")

        // openssl checks the signature with the certificate's public key.
        try Data("\(parts[0]).\(parts[1])".utf8).write(to: URL(fileURLWithPath: scratch.appending("input")))
        try (Self.base64URLDecoded(parts[2]) ?? Data()).write(to: URL(fileURLWithPath: scratch.appending("signature")))
        _ = try await Self.openssl(["x509", "-in", "cert.pem", "-pubkey", "-noout", "-out", "public.pem"], in: scratch.path)
        let verified = try await Self.openssl(
            ["dgst", "-sha256", "-verify", "public.pem", "-signature", "signature", "input"], in: scratch.path)
        #expect(verified.stdout.contains("Verified OK"), "\(verified.output)")
        // The thumbprint is the certificate's SHA-1, as openssl computes it.
        let fingerprint = try await Self.openssl(["x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha1"], in: scratch.path)
        let hex = fingerprint.stdout.split(separator: "=").last?.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? ""
        let x5t = Self.base64URLDecoded(Substring(header?["x5t"] as? String ?? ""))?.map { String(format: "%02x", $0) }.joined()
        #expect(x5t == hex)

        let fake = try await FakeARMProcess()
        let source = TokenSource(
            credential: .clientCertificate(tenant: "tenant", clientID: "app-id", certificatePath: pemFile),
            endpoints: TokenEndpoints(authorityHost: fake.endpoint))
        #expect(try await source.token().hasPrefix("fake-token-"))

        do {
            _ = try ClientAssertion.make(pemFile: scratch.appending("cert.pem"), clientID: "app-id", audience: "a")
            Issue.record("a certificate without its key must be refused")
        } catch {
            #expect(!"\(error)".contains("BEGIN"), "no key or certificate text in an error: \(error)")
        }
    }
}
