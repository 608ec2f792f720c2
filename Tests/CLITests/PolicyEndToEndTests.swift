import Foundation
import TestSupport
import Testing

/// Quota policies and locks as a user meets them: the built binary, a real repository, a real
/// state folder.
@Suite("Quota and locks end to end", .serialized)
struct PolicyEndToEndTests {
    let repo: ScratchRepository
    let state: String

    init() throws {
        repo = try ScratchRepository()
        state = repo.path + "/.state"
    }

    static func cluster(_ name: String, size: String, max: Int) -> String {
        "name: \(name)\ntype: amlcompute\nsize: \(size)\nlocation: westeurope\nmin_instances: 0\nmax_instances: \(max)\n"
    }

    func mlgitops(_ arguments: [String]) async throws -> (MLGitOpsBinary.Result, [String: Any]) {
        try await MLGitOpsBinary.json(arguments + ["--repo", repo.path, "--path", "ml", "--state", state, "--prune"], in: repo.path)
    }

    func summary(_ document: [String: Any]) -> [String] {
        (document["actions"] as? [[String: Any]] ?? []).filter { $0["action"] as? String != "noop" }.map {
            "\($0["resource"] as? String ?? "?") \($0["action"] as? String ?? "?") \(($0["blockedBy"] as? [String: Any])?["rule"] as? String ?? "")"
        }
    }

    @Test func reconcileAppliesOnlyTheAllowedCreateAndThePlanKeepsTheBlocks() async throws {
        try repo.write("ml/quota.yml", """
            type: quota_policy
            name: westeurope-quota
            location: westeurope
            limits:
              families:
                - family: standardNCSv3Family
                  dedicated_cores: 48

            """)
        try repo.write("ml/keep-legacy.yml", "type: resource_lock\nname: keep-legacy\nlevel: CanNotDelete\nscope: compute/legacy\n")
        try repo.write("ml/freeze-frozen.yml", "type: resource_lock\nname: freeze-frozen\nlevel: ReadOnly\nscope: compute/frozen\n")
        try repo.write("ml/legacy.yml", Self.cluster("legacy", size: "Standard_DS3_v2", max: 2))
        try repo.commitAll("policy, locks, legacy cluster")
        let (setup, _) = try await mlgitops(["reconcile"])
        #expect(setup.status == 0, "\(setup.output)")

        try repo.remove("ml/legacy.yml")
        try repo.write("ml/gpu.yml", Self.cluster("gpu", size: "Standard_NC24s_v3", max: 4))
        try repo.write("ml/frozen.yml", Self.cluster("frozen", size: "Standard_DS2_v2", max: 1))
        try repo.write("ml/cpu.yml", Self.cluster("cpu", size: "Standard_DS3_v2", max: 4))
        try repo.commitAll("gpu, frozen, cpu; legacy retired")

        let (applied, document) = try await mlgitops(["reconcile"])
        #expect(applied.status == 0, "blocked actions are reported, not failures: \(applied.output)")
        #expect(summary(document) == ["compute/cpu create ", "compute/frozen blocked lock", "compute/gpu blocked quota", "compute/legacy blocked lock"])
        let results = (document["results"] as? [[String: Any]] ?? []).map { "\($0["resource"] as? String ?? "") \($0["status"] as? String ?? "")" }
        #expect(results == ["compute/cpu done", "compute/frozen blocked", "compute/gpu blocked", "compute/legacy blocked"])
        let gpu = (document["actions"] as? [[String: Any]])?.first { $0["resource"] as? String == "compute/gpu" }
        #expect(((gpu?["blockedBy"] as? [String: Any])?["message"] as? String)?
            .hasPrefix("needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits") == true)

        let (plan, again) = try await mlgitops(["plan"])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(summary(again) == ["compute/frozen blocked lock", "compute/gpu blocked quota", "compute/legacy blocked lock"])

        let text = try await MLGitOpsBinary.run(["plan", "--repo", repo.path, "--path", "ml", "--state", state, "--prune"], in: repo.path)
        #expect(text.stdout.contains("why: needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits"), "\(text.stdout)")
        #expect(text.stdout.contains("fix: set max_instances to 2"), "\(text.stdout)")
    }

    @Test func validateRefusesARetiredSizeNamingTheDateAndTheRule() async throws {
        try repo.write("ml/old.yml", Self.cluster("old", size: "Standard_NC6", max: 2))
        try repo.commitAll("a cluster on a retired size")
        let result = try await MLGitOpsBinary.run(["validate", "--repo", repo.path, "--path", "ml"], in: repo.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("ml/old.yml:3:7: error: size: compute/old: `Standard_NC6` is of the NC series, retired on 31 Aug 2023"), "\(result.stdout)")
        #expect(result.stdout.contains("(rule retired-size)"), "\(result.stdout)")
        let (json, document) = try await MLGitOpsBinary.json(["validate", "--repo", repo.path, "--path", "ml"], in: repo.path)
        #expect(json.status == 1)
        #expect((document["diagnostics"] as? [[String: Any]])?.first?["rule"] as? String == "retired-size")
    }
}
