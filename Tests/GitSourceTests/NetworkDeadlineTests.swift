import Foundation
import TestSupport
import XCTest

@testable import GitSource

/// A remote that accepts and then says nothing must not hold a fetch past its deadline.
///
/// XCTest, not Swift Testing, on purpose: `swift test` runs the XCTest cases one at a time
/// before the parallel Swift Testing run, so these wall-clock bounds measure the deadline, not
/// how long a saturated 2-thread cooperative pool takes to resume a task.
final class NetworkDeadlineTests: XCTestCase {
    func testASilentRemoteTimesOutAtTheDeadline() async throws {
        let server = try SilentServer(lifetime: 20)
        let scratch = try ScratchDirectory()
        let cache = scratch.appending("cache.git")
        let clock = ContinuousClock()

        let started = clock.now
        let error = await caughtError { () async throws(GitError) in
            try await GitRepository.mirror(url: server.url, into: cache, timeout: .milliseconds(500))
        }
        let elapsed = clock.now - started
        guard case .timedOut(let operation, let seconds) = error else {
            return XCTFail("expected a timeout, got \(String(describing: error))")
        }
        XCTAssertTrue(operation.contains(server.url))
        XCTAssertEqual(seconds, 0.5)
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(450))
        XCTAssertLessThan(elapsed, .seconds(5), "returns near the deadline, long before the silent server (20 s) gives up")

        // The abandoned clone still holds the cache: a retry says so at once instead of piling up.
        let retryStarted = clock.now
        let retry = await caughtError { () async throws(GitError) in
            try await GitRepository.mirror(url: server.url, into: cache, timeout: .seconds(5))
        }
        XCTAssertLessThan(clock.now - retryStarted, .seconds(2), "at once, not at its own 5 s deadline")
        guard case .timedOut(let retryOperation, _) = retry else {
            return XCTFail("expected a timeout, got \(String(describing: retry))")
        }
        XCTAssertTrue(retryOperation.contains("earlier attempt"))
    }

    func testAFetchFromASilentRemoteTimesOutAndLeavesTheRepositoryUsable() async throws {
        let server = try SilentServer(lifetime: 20)
        let fixture = try WorkspaceFixture()
        try fixture.repository.git("remote", "add", "origin", server.url)
        let repository = try GitRepository.open(at: fixture.repository.path)
        let clock = ContinuousClock()

        let started = clock.now
        let error = await caughtError { () async throws(GitError) in try await repository.fetch(timeout: .milliseconds(300)) }
        XCTAssertLessThan(clock.now - started, .seconds(5), "returns near the deadline, long before the silent server (20 s) gives up")
        XCTAssertEqual(error, .timedOut(operation: "fetch from \(server.url)", seconds: 0.3))
        let head = try await repository.resolve("main").sha
        XCTAssertEqual(head, fixture.second, "the actor is not stuck behind the fetch")
    }
}
