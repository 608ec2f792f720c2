import Foundation
import GitSource
import TestSupport
import Testing

struct SnapshotTests {
    @Test func listsEveryFileWithTheBlobIdsGitRecords() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let snapshot = try await repository.snapshot(of: "HEAD")

        let listed = try fixture.repository.git("ls-tree", "-r", "--name-only", "HEAD")
            .split(separator: "\n").map(String.init)
        #expect(snapshot.sortedPaths == listed.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(snapshot.isFile("environments/train/Dockerfile"))
        #expect(snapshot.isDirectory("environments"))
        for path in listed {
            let expected = try fixture.repository.git("rev-parse", "HEAD:\(path)").trimmed
            #expect(snapshot.files[path]?.blobID == expected, "blob id of \(path)")
        }
        #expect(snapshot.commit.sha == fixture.second)
    }

    @Test func readsContentOnlyForRegularYAMLFiles() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let snapshot = try await repository.snapshot(of: fixture.first)

        #expect(snapshot.content(of: "clusters/gpu.yaml") == Array("name: gpu\nsize: Standard_NC6\nmax_instances: 2\n".utf8))
        #expect(snapshot.content(of: "clusters/cpu.yml") == Array("name: cpu\nsize: Standard_DS3_v2\n".utf8))
        #expect(snapshot.content(of: "environments/train/conda.yaml") != nil)
        #expect(snapshot.content(of: "environments/train/Dockerfile") == nil)
        #expect(snapshot.content(of: "README.md") == nil)
        #expect(snapshot.files["links/gpu.yaml"]?.mode == .symlink)
        #expect(snapshot.content(of: "links/gpu.yaml") == nil, "a symlink's blob is its target, not YAML")
        #expect(snapshot.files["scripts/run.sh"]?.mode == .executable)
        #expect(snapshot.files["clusters/gpu.yaml"]?.mode == .file)
    }

    /// Above a few hundred blobs the contents are read on every core, each worker with its own
    /// handle: every file still gets its own bytes, in a packed repository and a loose one.
    @Test func manyBlobsReadOnEveryCoreLandOnTheirOwnFiles() async throws {
        let repository = try ScratchRepository()
        for index in 0..<700 {
            try repository.write("many/file-\(index).yml", "index: \(index)\n" + String(repeating: "x", count: index % 50) + "\n")
        }
        try repository.write("many/notes.txt", "not read\n")
        _ = try repository.commitAll("many files")
        for packed in [false, true] {
            if packed { _ = try repository.git("gc", "--quiet") }
            let snapshot = try await GitRepository.open(at: repository.path).snapshot(of: "HEAD")
            for index in 0..<700 {
                let expected = "index: \(index)\n" + String(repeating: "x", count: index % 50) + "\n"
                #expect(snapshot.content(of: "many/file-\(index).yml") == Array(expected.utf8), "file \(index), packed: \(packed)")
            }
            #expect(snapshot.content(of: "many/notes.txt") == nil)
        }
    }

    @Test func readsWhatThePredicateAccepts() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let snapshot = try await repository.snapshot(of: fixture.first) { $0.hasSuffix("Dockerfile") }
        #expect(snapshot.content(of: "environments/train/Dockerfile") == Array("FROM python:3.11\n".utf8))
        #expect(snapshot.content(of: "clusters/gpu.yaml") == nil)
        #expect(snapshot.files.values.filter { $0.content != nil }.count == 1)
    }

    @Test func submodulesAreListedWithoutContent() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let snapshot = try await repository.snapshot(of: "HEAD") { _ in true }
        let submodule = try #require(snapshot.files["vendor/lib"])
        #expect(submodule.mode == .submodule)
        #expect(submodule.blobID == fixture.first)
        #expect(submodule.content == nil)
    }

    @Test func anOlderCommitHasItsOwnTree() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let old = try await repository.snapshot(of: "HEAD~1")
        let new = try await repository.snapshot(of: "HEAD")

        #expect(old.commit.sha == fixture.first)
        #expect(old.isFile("README.md") && !new.isFile("README.md"))
        #expect(!old.isFile("jobs/train.yaml") && new.isFile("jobs/train.yaml"))
        #expect(old.files["clusters/gpu.yaml"]?.blobID != new.files["clusters/gpu.yaml"]?.blobID)
        #expect(old.files["clusters/cpu.yml"]?.blobID == new.files["clusters/cpu.yml"]?.blobID)
        #expect(new.content(of: "clusters/gpu.yaml").map { String(decoding: $0, as: UTF8.self) }?.contains("4") == true)
    }

    @Test func unknownRevisionThrows() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let error = await caughtError { () async throws(GitError) in try await repository.snapshot(of: "nope") }
        #expect(error == .revisionNotFound(revision: "nope"))
    }
}
