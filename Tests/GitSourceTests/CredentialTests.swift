import Foundation
@testable import GitSource
import TestSupport
import Testing

struct CredentialTests {
    @Test func aRefusedTokenIsTriedOnceMoreThenGivenUp() async throws {
        let server = try RefusingServer(lifetime: 5)
        let scratch = try ScratchDirectory()
        let secret = "s3cret-token-value"
        let result = MirrorCache.clone(
            url: server.url, into: scratch.appending("cache.git"),
            credentials: GitCredentials(token: secret, username: nil), deadline: Deadline(after: .seconds(5)))

        guard case .failure(let error) = result, case .authenticationFailed(let url, _) = error else {
            Issue.record("expected an authentication failure, got \(result)")
            return
        }
        #expect(url == server.url)
        #expect(!error.description.contains(secret))
        let requests = server.receivedRequests
        let basic = "Basic " + Data("x-access-token:\(secret)".utf8).base64EncodedString()
        #expect(requests.count == 1 + TransferSession.maximumCredentialRequests, "no retry loop")
        #expect(requests.dropFirst().allSatisfy { $0.contains(basic) })
    }

    @Test func noConfiguredCredentialsFailsAtOnceWithAHint() async throws {
        let server = try RefusingServer(lifetime: 5)
        let scratch = try ScratchDirectory()
        let result = MirrorCache.clone(
            url: server.url, into: scratch.appending("cache.git"),
            credentials: GitCredentials(token: nil, username: nil), deadline: Deadline(after: .seconds(5)))
        guard case .failure(.authenticationFailed(_, let detail)) = result else {
            Issue.record("expected an authentication failure, got \(result)")
            return
        }
        #expect(detail.contains("MLGITOPS_GIT_TOKEN"))
        #expect(server.receivedRequests.count == 1)
    }

    @Test func secretsNeverShowInTextWeProduce() {
        let credentials = GitCredentials(token: "tok123", username: "bot")
        #expect(!credentials.description.contains("tok123"))
        #expect(RemoteURL.redacted("https://bot:tok123@dev.azure.com/org/repo") == "https://bot:***@dev.azure.com/org/repo")
        #expect(RemoteURL.redacted("https://dev.azure.com/org/repo") == "https://dev.azure.com/org/repo")
        #expect(RemoteURL.redacted("git@github.com:org/repo.git") == "git@github.com:org/repo.git")
        #expect(
            credentials.scrubbed("failed https://bot:tok123@h/r with tok123", url: "https://bot:tok123@h/r")
                == "failed https://bot:***@h/r with ***")
    }

    @Test func environmentSuppliesTheToken() {
        let credentials = GitCredentials.fromEnvironment(["MLGITOPS_GIT_TOKEN": "t", "MLGITOPS_GIT_USERNAME": ""])
        #expect(credentials.token == "t")
        #expect(credentials.username == nil)
        #expect(GitCredentials.fromEnvironment([:]).token == nil)
    }
}
