import Foundation
import TestSupport
import Testing

/// `--repo URL`: the remote is mirrored through libgit2 into `<state>/git-cache/`.
@Suite("Reconcile from a remote repository")
struct RemoteRepositoryTests {
    @Test func reconcilesAFileURLAndFollowsNewCommits() async throws {
        let work = try ScratchRepository()
        try MLRepositoryFixture.write(into: work)
        try work.commitAll("initial")
        let remote = try work.bareClone(at: work.path + "-remote.git")
        defer { try? FileManager.default.removeItem(atPath: remote) }
        let state = try ScratchDirectory()
        let url = "file://" + remote

        let first = try await MLGitOpsBinary.run(["reconcile", "--repo", url, "--path", "ml", "--state", state.path], in: state.path)
        #expect(first.status == 0, "\(first.output)")
        let cache = try FileManager.default.contentsOfDirectory(atPath: state.path + "/git-cache")
        #expect(cache.count == 1)

        try work.write("ml/clusters/gpu.yml", "name: gpu-cluster\ntype: amlcompute\nsize: Standard_NC6s_v3\ntier: low_priority\nmax_instances: 2\n")
        let sha = try work.commitAll("add a GPU cluster")
        try work.push(to: remote)
        let (second, document) = try await MLGitOpsBinary.json(
            ["plan", "--repo", url, "--ref", "main", "--path", "ml", "--state", state.path], in: state.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(document["revision"] as? String == sha)
        let creates = (document["actions"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "create" }
        #expect(creates.compactMap { $0["resource"] as? String } == ["compute/gpu-cluster"])
    }

    @Test func unreachableRemoteIsAClearError() async throws {
        let state = try ScratchDirectory()
        let result = try await MLGitOpsBinary.run(
            ["plan", "--repo", "file:///nonexistent/repo.git", "--state", state.path], in: state.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("nonexistent"), "\(result.output)")
    }
}
