import Foundation
import GitSource
import TestSupport
import Testing

struct ResolveTests {
    @Test func resolvesBranchesTagsShaAndAncestry() async throws {
        let fixture = try WorkspaceFixture()
        let git = fixture.repository
        try git.git("tag", "v1", fixture.first)
        try git.git("tag", "-a", "v2", "-m", "release 2")
        try git.git("branch", "old", fixture.first)
        let repository = try GitRepository.open(at: git.path)

        #expect(try await repository.resolve("main").sha == fixture.second)
        #expect(try await repository.resolve("HEAD").sha == fixture.second)
        #expect(try await repository.resolve("HEAD~1").sha == fixture.first)
        #expect(try await repository.resolve("old").sha == fixture.first)
        #expect(try await repository.resolve("refs/heads/old").sha == fixture.first)
        #expect(try await repository.resolve("v1").sha == fixture.first)
        #expect(try await repository.resolve("v2").sha == fixture.second, "annotated tags peel to their commit")
        #expect(try await repository.resolve(String(fixture.first.prefix(8))).sha == fixture.first)
        #expect(try await repository.resolve(fixture.first).sha == fixture.first)
    }

    @Test func unknownRevisionsAreRevisionNotFound() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        for revision in ["nope", "HEAD~5", "0123456789abcdef", "main:clusters", "bad..spec^^{"] {
            let error = await caughtError { () async throws(GitError) in try await repository.resolve(revision) }
            #expect(error == .revisionNotFound(revision: revision))
        }
    }

    @Test func anEmptyRepositoryHasNoHead() async throws {
        let empty = try ScratchRepository()
        let repository = try GitRepository.open(at: empty.path)
        let error = await caughtError { () async throws(GitError) in try await repository.resolve("HEAD") }
        #expect(error == .revisionNotFound(revision: "HEAD"))
    }

    @Test func commitInfoCarriesAuthorTimeAndMessage() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let commit = try await repository.resolve("HEAD~1")
        let epoch = try fixture.repository.git("log", "-1", "--format=%at", fixture.first).trimmed
        #expect(commit.sha == fixture.first)
        #expect(commit.authorName == "Test Author")
        #expect(commit.authorEmail == "author@example.com")
        #expect(commit.time == Date(timeIntervalSince1970: try #require(TimeInterval(epoch))))
        #expect(commit.message == "Add clusters and environments\n\nBody line.")
        #expect(commit.summary == "Add clusters and environments")
    }

    @Test func isAncestorFollowsHistory() async throws {
        let fixture = try WorkspaceFixture()
        try fixture.repository.git("checkout", "-q", "-b", "side", fixture.first)
        let side = try fixture.repository.commitAll("Side work")
        let repository = try GitRepository.open(at: fixture.repository.path)

        #expect(try await repository.isAncestor(fixture.first, of: "main"))
        #expect(try await repository.isAncestor("main", of: "main"))
        #expect(try await !repository.isAncestor("main", of: fixture.first))
        #expect(try await !repository.isAncestor(side, of: "main"))
        let error = await caughtError { () async throws(GitError) in try await repository.isAncestor("nope", of: "main") }
        #expect(error == .revisionNotFound(revision: "nope"))
    }
}
