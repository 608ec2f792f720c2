import Foundation
import GitSource
import TestSupport

/// A workspace-like repository with two commits, made with the git CLI.
///
/// First commit: YAML in nested folders, a Dockerfile, an executable script and a symlink.
/// Second commit: one YAML modified, README deleted, a job added, a conda file renamed, a
/// submodule (gitlink) added.
struct WorkspaceFixture {
    let repository: ScratchRepository
    let first: String
    let second: String

    init(function: String = #function) throws {
        let repository = try ScratchRepository(function: function)
        try repository.write("README.md", "# ML workspace\n")
        try repository.write("clusters/gpu.yaml", "name: gpu\nsize: Standard_NC6\nmax_instances: 2\n")
        try repository.write("clusters/cpu.yml", "name: cpu\nsize: Standard_DS3_v2\n")
        try repository.write("environments/train/conda.yaml", "name: train\ndependencies:\n  - python=3.11\n  - pip\n")
        try repository.write("environments/train/Dockerfile", "FROM python:3.11\n")
        try repository.write("scripts/run.sh", "#!/bin/sh\necho run\n")
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: repository.path + "/scripts/run.sh")
        try FileManager.default.createDirectory(
            atPath: repository.path + "/links", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: repository.path + "/links/gpu.yaml", withDestinationPath: "../clusters/gpu.yaml")
        first = try repository.commitAll("Add clusters and environments\n\nBody line.")

        try repository.write("clusters/gpu.yaml", "name: gpu\nsize: Standard_NC6\nmax_instances: 4\n")
        try repository.remove("README.md")
        try repository.write("jobs/train.yaml", "type: command\ncommand: python train.py\n")
        try repository.git("mv", "environments/train/conda.yaml", "environments/train/env.yaml")
        try repository.git("add", "-A")
        // A gitlink needs no real submodule: record one straight in the index.
        try repository.git("update-index", "--add", "--cacheinfo", "160000,\(first),vendor/lib")
        try repository.git("commit", "-q", "-m", "Scale gpu, add a job")
        second = try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        self.repository = repository
    }
}

/// The error `body` throws, or nil when it returns.
func caughtError<T>(_ body: () async throws(GitError) -> T) async -> GitError? {
    do throws(GitError) {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

extension String {
    /// The text without surrounding whitespace (git CLI output ends with a newline).
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
