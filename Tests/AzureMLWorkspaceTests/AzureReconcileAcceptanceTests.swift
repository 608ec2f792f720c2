import Foundation
import TestSupport
import Testing

/// `mlgitops reconcile --workspace azureml://… --arm-endpoint …` on examples-repo/ against the
/// standalone fake ARM server: the built binaries as child processes, real HTTP on 127.0.0.1.
@Suite("Azure provider against the fake ARM server", .serialized)
struct AzureReconcileAcceptanceTests {
    let repo: ScratchRepository

    init() throws {
        repo = try ScratchRepository()
        try repo.copyTree(from: PackagePaths.root + "/examples-repo")
        try repo.commitAll("examples")
    }

    func run(_ command: String, _ fake: FakeARMProcess, _ extra: [String] = []) async throws -> MLGitOpsBinary.Result {
        try await MLGitOpsBinary.run(
            [command] + (command == "status" ? [] : ["--repo", repo.path]) + ["--state", repo.path + "/.state", "--workspace", FakeARMProcess.workspaceURI,
             "--arm-endpoint", fake.endpoint] + extra,
            in: repo.path,
            // No MLGITOPS_BLOB_ENDPOINT: an ARM endpoint on 127.0.0.1 sends uploads to the fake
            // by itself, as docs/fake-arm.md tells a first-time user.
            environment: ["AZURE_ACCESS_TOKEN": "test-token", "MLGITOPS_ARM_POLL_INTERVAL": "0.2"])
    }

    func plan(_ fake: FakeARMProcess) async throws -> (MLGitOpsBinary.Result, [[String: Any]]) {
        let result = try await run("plan", fake, ["--output", "json"])
        let document = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, document["actions"] as? [[String: Any]] ?? [])
    }

    static func resources(_ actions: [[String: Any]], _ verb: String) -> [String] {
        actions.filter { $0["action"] as? String == verb }.compactMap { $0["resource"] as? String }.sorted()
    }

    /// Requests that reached the service's handler (not refused by an injected fault first).
    static func handled(_ requests: [[String: Any]], method: String, pathPrefix: String) -> [[String: Any]] {
        requests.filter {
            $0["method"] as? String == method && ($0["path"] as? String ?? "").hasPrefix(pathPrefix)
                && !["throttle", "budget", "error", "reset-before"].contains($0["fault"] as? String ?? "")
        }
    }

    @Test func plansAppliesAndPlansAgainWithNoChanges() async throws {
        let fake = try await FakeARMProcess()
        let (first, actions) = try await plan(fake)
        #expect(first.status == 0, "\(first.output)")
        #expect(Self.resources(actions, "create").contains("compute/cpu-cluster"))
        #expect(Self.resources(actions, "create").contains("compute/gpu-cluster"))
        #expect(Self.resources(actions, "build") == ["environment/custom-scorer-env", "environment/sklearn-env"])
        #expect(Self.resources(actions, "submit") == ["job/pipelines-nightly-scoring"])

        let applied = try await run("reconcile", fake)
        #expect(applied.status == 0, "\(applied.output)")

        let again = try await run("plan", fake, ["--detailed-exitcode"])
        #expect(again.status == 0, "a second plan must find nothing to do: \(again.output)")

        // What the service holds is what the SDK would have made: one PUT per cluster with its body.
        let requests = try await fake.requests()
        let computePuts = Self.handled(requests, method: "PUT", pathPrefix: FakeARMProcess.workspaceID + "/computes/")
            .filter { !($0["path"] as? String ?? "").contains("Microsoft.Authorization") }
        #expect(computePuts.count == 2)
        let cpu = computePuts.first { ($0["path"] as? String ?? "").contains("/computes/cpu-cluster?") }
        let body = cpu?["body"] as? [String: Any]
        let inner = (body?["properties"] as? [String: Any])?["properties"] as? [String: Any]
        #expect(inner?["vmSize"] as? String == "Standard_DS3_v2")
        #expect((inner?["scaleSettings"] as? [String: Any])?["nodeIdleTimeBeforeScaleDown"] as? String == "PT5M")
        // The lock went on the GPU cluster itself, last.
        let lockPuts = Self.handled(requests, method: "PUT", pathPrefix: FakeARMProcess.workspaceID + "/computes/gpu-cluster/providers/Microsoft.Authorization/locks/")
        #expect(lockPuts.count == 1)
        // Every call carried its own x-ms-client-request-id.
        let ids = requests.compactMap { $0["clientRequestId"] as? String }
        #expect(ids.count == requests.count && Set(ids).count == ids.count)
        // Committed code, data and the build context went to the workspace's blob container.
        let blobs = try await fake.call("GET", "/_fake/blobs")["value"] as? [[String: Any]] ?? []
        let names = blobs.compactMap { $0["name"] as? String }
        for suffix in ["/prep/prep.py", "/score/score.py", "/raw/store_001.csv", "/scorer/Dockerfile", "/scorer/requirements.txt"] {
            #expect(names.contains { $0.hasSuffix(suffix) && $0.contains("/LocalUpload/") }, "\(suffix) uploaded: \(names)")
        }
        let status = try await run("status", fake, ["--output", "json"])
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("protect-gpu-cluster"))
    }

    @Test func aLockYieldsBlockedActionsNeverAFailedApply() async throws {
        let fake = try await FakeARMProcess()
        try await fake.call(
            "PUT", FakeARMProcess.workspaceID + "/providers/Microsoft.Authorization/locks/freeze?api-version=2020-05-01",
            body: #"{"properties":{"level":"ReadOnly","notes":"change freeze"}}"#)
        let (result, actions) = try await plan(fake)
        #expect(result.status == 0, "\(result.output)")
        let blocked = Self.resources(actions, "blocked")
        #expect(blocked.contains("compute/cpu-cluster"), "\(blocked)")
        #expect(blocked.contains("job/pipelines-nightly-scoring"), "\(blocked)")

        let applied = try await run("reconcile", fake)
        #expect(applied.status == 0, "a blocked action is not a failed apply: \(applied.output)")
        #expect(applied.stdout.contains("freeze"))
        let writes = try await fake.requests().filter {
            $0["method"] as? String != "GET" && ($0["path"] as? String ?? "").contains("/workspaces/my-ws/")
                && !($0["path"] as? String ?? "").contains("Microsoft.Authorization")
        }
        #expect(writes.isEmpty, "nothing a lock forbids is sent: \(writes.map { $0["path"] ?? "" })")
    }

    @Test func withInjectedFaultsApplyConvergesWithOneCreatePerClusterAndOneSubmission() async throws {
        let fake = try await FakeARMProcess(["--fault-rate", "0.2", "--fault-seed", "7"])
        var attempts = 0
        var last: MLGitOpsBinary.Result?
        repeat {
            attempts += 1
            last = try await run("reconcile", fake)
        } while last?.status != 0 && attempts < 3
        #expect(last?.status == 0, "\(last?.output ?? "")")
        let again = try await run("plan", fake, ["--detailed-exitcode"])
        #expect(again.status == 0, "converged: \(again.output)")

        let requests = try await fake.requests()
        #expect(requests.contains { $0["fault"] is String }, "faults were injected")
        for cluster in ["cpu-cluster", "gpu-cluster"] {
            let puts = Self.handled(requests, method: "PUT", pathPrefix: "\(FakeARMProcess.workspaceID)/computes/\(cluster)?")
            #expect(puts.count == 1, "\(cluster): \(puts.count) creates reached the service")
        }
        let submissions = Self.handled(requests, method: "PUT", pathPrefix: "\(FakeARMProcess.workspaceID)/jobs/")
        #expect(submissions.count == 1, "\(submissions.map { $0["path"] ?? "" })")
    }
}
