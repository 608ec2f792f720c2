import GitSource
import TestSupport
import Testing

struct ReadFileTests {
    @Test func readsAFileAtARevision() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        #expect(try await repository.readFile("clusters/gpu.yaml", at: "HEAD~1").contains(UInt8(ascii: "2")))
        #expect(
            try await repository.readFile("clusters/gpu.yaml", at: "main")
                == Array("name: gpu\nsize: Standard_NC6\nmax_instances: 4\n".utf8))
        #expect(try await repository.readFile("README.md", at: fixture.first) == Array("# ML workspace\n".utf8))
    }

    @Test func missingPathsAndFoldersAreNotFound() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        for (path, revision) in [("README.md", "HEAD"), ("nope.yaml", "HEAD"), ("clusters", "HEAD"), ("clusters/x/y.yaml", "HEAD")] {
            let error = await caughtError { () async throws(GitError) in try await repository.readFile(path, at: revision) }
            #expect(error == .pathNotFound(path: path, revision: revision))
        }
        let error = await caughtError { () async throws(GitError) in try await repository.readFile("README.md", at: "nope") }
        #expect(error == .revisionNotFound(revision: "nope"))
    }
}
