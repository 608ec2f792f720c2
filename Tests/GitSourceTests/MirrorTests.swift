import Foundation
@testable import GitSource
import TestSupport
import Testing

struct MirrorTests {
    @Test func mirrorsAFileRemoteAndFollowsItsBranches() async throws {
        let fixture = try WorkspaceFixture()
        let work = fixture.repository
        try work.git("tag", "v1", fixture.first)
        let scratch = try ScratchDirectory()
        let remote = try work.bareClone(at: scratch.appending("remote.git"))
        let cache = scratch.appending("cache/workspace.git")

        let mirror = try await GitRepository.mirror(url: "file://" + remote, into: cache, timeout: .seconds(20))
        #expect(mirror.path == cache)
        #expect(try await mirror.resolve("main").sha == fixture.second)
        #expect(try await mirror.resolve("origin/main").sha == fixture.second)
        #expect(try await mirror.resolve("v1").sha == fixture.first)

        try work.write("clusters/gpu.yaml", "name: gpu\nmax_instances: 8\n")
        let third = try work.commitAll("Scale gpu again")
        try work.push(to: remote)
        try work.git("branch", "feature", fixture.first)
        try work.push("feature", to: remote)

        let summary = try await mirror.fetch(timeout: .seconds(20))
        #expect(summary.receivedObjects > 0)
        #expect(summary.updatedRefs.contains(.init(name: "refs/heads/main", oldSHA: fixture.second, newSHA: third)))
        #expect(summary.updatedRefs.contains(.init(name: "refs/heads/feature", oldSHA: nil, newSHA: fixture.first)))
        #expect(try await mirror.resolve("main").sha == third)
        #expect(try await mirror.resolve("HEAD").sha == third)
        #expect(try await mirror.resolve("origin/main").sha == third)
        #expect(try await mirror.resolve("feature").sha == fixture.first)
        #expect(try await mirror.readFile("clusters/gpu.yaml", at: "main") == Array("name: gpu\nmax_instances: 8\n".utf8))

        try ScratchRepository.run(["git", "branch", "-q", "-D", "feature"], in: remote)
        let pruned = try await mirror.fetch(timeout: .seconds(20))
        #expect(pruned.updatedRefs.contains { $0.name == "refs/heads/feature" && $0.newSHA == nil })
        let error = await caughtError { () async throws(GitError) in try await mirror.resolve("feature") }
        #expect(error == .revisionNotFound(revision: "feature"))

        let again = try await mirror.fetch(timeout: .seconds(20))
        #expect(again.isUpToDate)
        #expect(again.receivedObjects == 0)
    }

    @Test func aSecondMirrorCallFetchesAndFollowsAChangedURL() async throws {
        let fixture = try WorkspaceFixture()
        let scratch = try ScratchDirectory()
        let remote = try fixture.repository.bareClone(at: scratch.appending("remote.git"))
        let cache = scratch.appending("cache.git")
        _ = try await GitRepository.mirror(url: remote, into: cache, timeout: .seconds(20))

        let third = try fixture.repository.commitAll("Empty change")
        try fixture.repository.push(to: remote)
        let refreshed = try await GitRepository.mirror(url: remote, into: cache, timeout: .seconds(20))
        #expect(try await refreshed.resolve("main").sha == third)

        let other = try ScratchRepository()
        try other.write("only.yaml", "a: 1\n")
        let unrelated = try other.commitAll("Another project")
        let otherRemote = try other.bareClone(at: scratch.appending("other.git"))
        let moved = try await GitRepository.mirror(url: "file://" + otherRemote, into: cache, timeout: .seconds(20))
        #expect(try await moved.resolve("main").sha == unrelated)
        #expect(try await moved.originURL() == "file://" + otherRemote)
    }

    @Test func aRemoteThatDoesNotExistIsANetworkError() async throws {
        let scratch = try ScratchDirectory()
        for url in ["file:///nonexistent/workspace.git", "/nonexistent/workspace.git"] {
            let cache = scratch.appending("cache-\(url.count).git")
            let error = await caughtError { () async throws(GitError) in
                try await GitRepository.mirror(url: url, into: cache, timeout: .seconds(10))
            }
            guard case .network(let reported, _) = error else {
                Issue.record("expected a network error for \(url), got \(String(describing: error))")
                continue
            }
            #expect(reported == url)
            #expect(!FileManager.default.fileExists(atPath: cache))
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "no partial clone left")
        }
    }

    @Test func aCacheFolderThatIsNotARepositoryIsRefused() async throws {
        let scratch = try ScratchDirectory()
        let cache = scratch.appending("cache.git")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try "keep".write(toFile: cache + "/notes.txt", atomically: true, encoding: .utf8)
        let error = await caughtError { () async throws(GitError) in
            try await GitRepository.mirror(url: "/nonexistent.git", into: cache, timeout: .seconds(5))
        }
        #expect(error?.description.contains("delete it") == true)
        #expect(FileManager.default.fileExists(atPath: cache + "/notes.txt"))
    }

    @Test func fetchWithoutOriginSaysSo() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let error = await caughtError { () async throws(GitError) in try await repository.fetch(timeout: .seconds(5)) }
        #expect(error?.description.contains("no remote 'origin'") == true)
    }
}
