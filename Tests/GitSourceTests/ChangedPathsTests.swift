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

    /// Commits without a rename are compared tree by tree (only folders whose ids differ are
    /// read): additions into new and old folders, deletions of whole folders, modifications,
    /// a mode change, a file turned symlink, in a large folder, all as git reports them.
    @Test func treeByTreeComparisonMatchesGit() async throws {
        let repository = try ScratchRepository()
        for index in 0..<300 { try repository.write("ml/jobs/job-\(index).yml", "name: job-\(index)\n") }
        try repository.write("ml/envs/a/env.yml", "name: a\n")
        try repository.write("ml/envs/b/env.yml", "name: b\n")
        try repository.write("ml/envs/b/conda.yml", "dependencies: []\n")
        try repository.write("ml/run.sh", "echo run\n")
        try repository.write("ml/link-target.yml", "x: 1\n")
        try repository.write("top.yml", "t: 1\n")
        var commits = [try repository.commitAll("base")]

        // Modifications, a mode change and a type change only.
        try repository.write("ml/jobs/job-7.yml", "name: job-7\ndescription: changed\n")
        try repository.write("ml/envs/b/conda.yml", "dependencies: [python]\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repository.path + "/ml/run.sh")
        try repository.remove("ml/link-target.yml")
        try FileManager.default.createSymbolicLink(atPath: repository.path + "/ml/link-target.yml", withDestinationPath: "../top.yml")
        commits.append(try repository.commitAll("modify"))

        // Additions only: into an existing folder, a new nested folder, the root.
        try repository.write("ml/jobs/job-0a.yml", "name: job-0a\n")
        try repository.write("ml/envs/c/d/env.yml", "name: c\n")
        try repository.write("a-first.yml", "a: 1\n")
        commits.append(try repository.commitAll("add"))

        // Deletions only: a whole folder and single files.
        try repository.remove("ml/envs/b")
        try repository.remove("ml/jobs/job-299.yml")
        try repository.remove("top.yml")
        commits.append(try repository.commitAll("delete"))

        let opened = try GitRepository.open(at: repository.path)
        for (old, new) in zip(commits, commits.dropFirst()) + [(commits[0], commits[1]), (commits[3], commits[2])] {
            let changes = try await opened.changedPaths(from: old, to: new)
            #expect(Set(changes) == (try Self.gitNameStatus(repository, old, new)), "\(old) -> \(new)")
            #expect(changes.count == Set(changes).count)
        }
        let modified = try await opened.changedPaths(from: commits[0], to: commits[1])
        #expect(modified.contains(PathChange(status: .modified, oldPath: "ml/run.sh", newPath: "ml/run.sh")), "a mode change")
        #expect(modified.contains(PathChange(status: .typeChanged, oldPath: "ml/link-target.yml", newPath: "ml/link-target.yml")))
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
