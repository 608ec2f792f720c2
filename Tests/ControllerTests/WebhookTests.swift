import Foundation
import Manifests
@testable import Server
import Testing

/// The webhook's authentication and payload reading, without a server.
@Suite("Webhook signatures and payloads")
struct WebhookTests {
    private func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func hmacMatchesRFC4231() {
        // Test cases 1, 2 and 6 (a key longer than the block) of RFC 4231.
        #expect(SHA256.hex(WebhookSignature.hmacSHA256(key: Array(repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(SHA256.hex(WebhookSignature.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SHA256.hex(WebhookSignature.hmacSHA256(
            key: Array(repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(hex("60e4").count == 2)
    }

    @Test func constantTimeComparison() {
        #expect(WebhookSignature.constantTimeEqual(Array("secret".utf8), Array("secret".utf8)))
        #expect(!WebhookSignature.constantTimeEqual(Array("secret".utf8), Array("secreT".utf8)))
        #expect(!WebhookSignature.constantTimeEqual(Array("secret".utf8), Array("secret2".utf8)))
        #expect(!WebhookSignature.constantTimeEqual([], Array("x".utf8)))
    }

    @Test func eachProviderAuthenticatesWithTheSecretOnly() {
        let auth = WebhookAuthentication(secret: Array("s3cret".utf8))
        let body = Array(#"{"ref":"refs/heads/main"}"#.utf8)
        let good = WebhookSignature.gitHubHeader(secret: Array("s3cret".utf8), body: body)
        func check(_ pairs: [String: String], _ body: [UInt8]) -> WebhookAuthentication.Refusal? {
            let header: (String) -> String? = { name in pairs.first { $0.key.lowercased() == name.lowercased() }?.value }
            if case .failure(let refusal) = auth.verify(header: header, body: body) { return refusal }
            return nil
        }
        #expect(check(["X-Hub-Signature-256": good], body) == nil)
        #expect(check(["X-Hub-Signature-256": good], body + [0x20]) == .mismatch("X-Hub-Signature-256 signature"))
        #expect(check(["X-Hub-Signature-256": "sha256=00"], body) != nil)
        #expect(check(["X-Gitlab-Token": "s3cret"], body) == nil)
        #expect(check(["X-Gitlab-Token": "wrong"], body) == .mismatch("X-Gitlab-Token"))
        #expect(check(["Authorization": "Basic " + Data("azure:s3cret".utf8).base64EncodedString()], body) == nil)
        #expect(check(["Authorization": "Basic " + Data("azure:nope".utf8).base64EncodedString()], body) != nil)
        #expect(check([:], body) == .missing)
    }

    @Test func readsPushesOfTheThreeProviders() {
        func headers(_ pairs: [String: String]) -> (String) -> String? {
            { name in pairs.first { $0.key.lowercased() == name.lowercased() }?.value }
        }
        let github = PushEvent.read(
            header: headers(["X-GitHub-Event": "push"]), body: Array(#"{"ref":"refs/heads/main","after":"abc"}"#.utf8))
        #expect(github == .push(PushEvent(provider: "github", branch: "main", revision: "abc")))
        let ping = PushEvent.read(header: headers(["X-GitHub-Event": "ping"]), body: Array("{}".utf8))
        #expect(ping == .otherEvent(provider: "github", event: "ping"))
        let gitlab = PushEvent.read(
            header: headers(["X-Gitlab-Event": "Push Hook"]), body: Array(#"{"ref":"refs/heads/dev","after":"def"}"#.utf8))
        #expect(gitlab == .push(PushEvent(provider: "gitlab", branch: "dev", revision: "def")))
        let azure = PushEvent.read(
            header: headers([:]),
            body: Array(#"{"eventType":"git.push","resource":{"refUpdates":[{"name":"refs/heads/main","newObjectId":"123"}]}}"#.utf8))
        #expect(azure == .push(PushEvent(provider: "azure-devops", branch: "main", revision: "123")))
        let tag = PushEvent.read(header: headers(["X-GitHub-Event": "push"]), body: Array(#"{"ref":"refs/tags/v1"}"#.utf8))
        #expect(tag == .push(PushEvent(provider: "github", branch: nil, revision: nil)))
        if case .unreadable = PushEvent.read(header: headers([:]), body: Array("not json".utf8)) {} else {
            Issue.record("a body that is not JSON must be unreadable")
        }
    }
}
