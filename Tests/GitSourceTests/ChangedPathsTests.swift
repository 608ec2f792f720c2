import Foundation
import GitSource
import TestSupport
import Testing

struct ChangedPathsTests {
    @Test func matchesGitDiffNameStatusWithRenames() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        let changes = try await repository.changedPaths(from: fixture.first, to: fixture.second)

        let expected = try Self.gitNameStatus(fixture.repository, fixture.first, fixture.second)
        #expect(Set(changes) == expected)
        #expect(changes.count == expected.count)
        #expect(Set(changes.map(\.status)) == [.added, .modified, .deleted, .renamed])
        #expect(changes.contains(PathChange(status: .renamed, oldPath: "environments/train/conda.yaml", newPath: "environments/train/env.yaml")))
    }

    @Test func reverseAndEmptyDiffs() async throws {
        let fixture = try WorkspaceFixture()
        let repository = try GitRepository.open(at: fixture.repository.path)
        #expect(try await repository.changedPaths(from: "HEAD", to: "main").isEmpty)
        let backwards = try await repository.changedPaths(from: "HEAD", to: "HEAD~1")
        #expect(Set(backwards) == (try Self.gitNameStatus(fixture.repository, fixture.second, fixture.first)))
    }

    @Test func aFileTurnedSymlinkIsATypeChange() async throws {
        let repository = try ScratchRepository()
        try repository.write("a.yaml", "x: 1\n")
        try repository.write("b.yaml", "y: 2\n")
        let first = try repository.commitAll("two files")
        try repository.remove("a.yaml")
        try FileManager.default.createSymbolicLink(atPath: repository.path + "/a.yaml", withDestinationPath: "b.yaml")
        let second = try repository.commitAll("a is now a link")
        let opened = try GitRepository.open(at: repository.path)
        let changes = try await opened.changedPaths(from: first, to: second)
        #expect(changes == [PathChange(status: .typeChanged, oldPath: "a.yaml", newPath: "a.yaml")])
        #expect(Set(changes) == (try Self.gitNameStatus(repository, first, second)))
    }

    /// `git diff --name-status -M` as path changes.
    static func gitNameStatus(_ repository: ScratchRepository, _ old: String, _ new: String) throws -> Set<PathChange> {
        let output = try repository.git("diff", "--name-status", "-M", old, new)
        return Set(output.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t").map(String.init)
            switch fields[0].first {
            case "A": return PathChange(status: .added, oldPath: nil, newPath: fields[1])
            case "D": return PathChange(status: .deleted, oldPath: fields[1], newPath: nil)
            case "R": return PathChange(status: .renamed, oldPath: fields[1], newPath: fields[2])
            case "T": return PathChange(status: .typeChanged, oldPath: fields[1], newPath: fields[1])
            default: return PathChange(status: .modified, oldPath: fields[1], newPath: fields[1])
            }
        })
    }
}
