import EmbeddedWorkspace
import Foundation
import GitSource
import Manifests
import Planning
import Reconciliation
import Rendering
import TestSupport
import Testing
import Workspaces

/// A repository with a quota policy and locks, planned and applied against a real local
/// workspace: the plan refuses what the platform would refuse, the apply performs only what is
/// allowed, and the next plan shows the same blocked actions and nothing else.
@Suite("Quota and locks: one plan, one apply, the same blocks again")
struct PolicyAcceptanceTests {
    static let quota = """
        type: quota_policy
        name: westeurope-quota
        location: westeurope
        limits:
          families:
            - family: standardNCSv3Family
              dedicated_cores: 48
            - family: standardDSv2Family
              dedicated_cores: 40

        """
    static let keepLegacy = "type: resource_lock\nname: keep-legacy\nlevel: CanNotDelete\nscope: compute/legacy\n"
    static let freezeFrozen = "type: resource_lock\nname: freeze-frozen\nlevel: ReadOnly\nscope: compute/frozen\n"

    static func cluster(_ name: String, size: String, max: Int) -> String {
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: \(name)\ntype: amlcompute\nsize: \(size)\nmin_instances: 0\nmax_instances: \(max)\n"
    }

    /// The desired state at HEAD, read through libgit2 as a reconcile reads it.
    func read(_ repo: ScratchRepository) async throws -> DesiredState {
        let snapshot = try await GitRepository.open(at: repo.path).snapshot(of: "HEAD")
        let desired = ManifestLoader.load(snapshot, path: "ml")
        #expect(!desired.hasErrors, "\(desired.diagnostics.map(\.formatted))")
        return desired
    }

    func blocked(_ plan: Plan) -> [String: PlanAction] {
        Dictionary(uniqueKeysWithValues: plan.actions.filter { $0.verb == .blocked }.map { ($0.resource.description, $0) })
    }

    @Test func planShowsEveryBlockApplyPerformsOnlyTheAllowedCreateAndTheNextPlanShowsTheSameBlocks() async throws {
        let repo = try ScratchRepository()
        let state = try ScratchDirectory()
        let workspace = try LocalWorkspace(stateDirectory: state.path, location: "westeurope")
        let history = try HistoryStore(stateDirectory: state.path)
        let applier = Applier(workspace: workspace, history: history)
        let options = PlanOptions(prune: true)

        // First commit: the policy, a cluster and the locks that will protect the next reconcile.
        try repo.write("ml/policies/quota.yml", Self.quota)
        try repo.write("ml/policies/keep-legacy.yml", Self.keepLegacy)
        try repo.write("ml/policies/freeze-frozen.yml", Self.freezeFrozen)
        try repo.write("ml/clusters/legacy.yml", Self.cluster("legacy", size: "Standard_DS3_v2", max: 2))
        let first = try repo.commitAll("quota, locks and the legacy cluster")
        var desired = try await read(repo)
        let setup = Planner.plan(desired: desired, current: try await workspace.observe(), options: options)
        #expect(setup.actions.allSatisfy { $0.verb == .create }, "\(setup.actions.map { "\($0.resource) \($0.verb)" })")
        let commit1 = try await GitRepository.open(at: repo.path).resolve(first)
        #expect(try await applier.apply(setup, commit: commit1, path: "ml", trigger: "test").status == .succeeded)

        // Second commit: the legacy cluster leaves git; three clusters arrive.
        try repo.remove("ml/clusters/legacy.yml")
        try repo.write("ml/clusters/gpu.yml", Self.cluster("gpu", size: "Standard_NC24s_v3", max: 4))
        try repo.write("ml/clusters/frozen.yml", Self.cluster("frozen", size: "Standard_DS2_v2", max: 1))
        try repo.write("ml/clusters/cpu.yml", Self.cluster("cpu", size: "STANDARD_DS3_V2", max: 4))
        let second = try repo.commitAll("gpu, frozen and cpu clusters; legacy retired")
        desired = try await read(repo)
        let plan = Planner.plan(desired: desired, current: try await workspace.observe(), options: options)

        let changed = plan.actions.filter { $0.verb != .noop }.map { "\($0.resource) \($0.verb) \($0.intended?.rawValue ?? "")" }
        #expect(changed == ["compute/cpu create ", "compute/frozen blocked create", "compute/gpu blocked create", "compute/legacy blocked delete"])
        let blocks = blocked(plan)
        let gpu = try #require(blocks["compute/gpu"]?.blockedBy)
        #expect(gpu.rule == "quota")
        #expect(gpu.message == "needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits (workspace quota policy 'westeurope-quota' allows 48; nothing else holds any)")
        #expect(gpu.fix?.hasPrefix("set max_instances to 2") == true)
        let legacy = try #require(blocks["compute/legacy"]?.blockedBy)
        #expect(legacy.rule == "lock")
        #expect(legacy.message == "the CanNotDelete lock 'keep-legacy' on compute/legacy forbids deleting compute/legacy")
        let frozen = try #require(blocks["compute/frozen"]?.blockedBy)
        #expect(frozen.rule == "lock")
        #expect(frozen.message == "the ReadOnly lock 'freeze-frozen' on compute/frozen forbids create of compute/frozen")
        // The allowed create counts the legacy cluster that stays: 8 + 16 of the 40 DSv2 cores.
        #expect(plan.actions.first { $0.resource.description == "compute/cpu" }?.verb == .create)

        // People and machines read the same reasons.
        let text = PlanText(style: TerminalStyle(colors: false)).render(plan, workspace: "local", path: "ml")
        #expect(text.contains("blocked (quota) create"))
        #expect(text.contains("why: needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits"))
        #expect(text.contains("blocked (lock) delete"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(MachineOutput.plan(plan).utf8)) as? [String: Any])
        let gpuDocument = (json["actions"] as? [[String: Any]])?.first { $0["resource"] as? String == "compute/gpu" }
        let reason = gpuDocument?["blockedBy"] as? [String: Any]
        #expect(reason?["rule"] as? String == "quota")
        #expect((reason?["message"] as? String)?.contains("max_instances 2 fits") == true)
        #expect((reason?["fix"] as? String)?.isEmpty == false)

        // Apply: only the allowed create runs; the rest is reported.
        let commit2 = try await GitRepository.open(at: repo.path).resolve(second)
        let report = try await applier.apply(plan, commit: commit2, path: "ml", trigger: "test")
        let statuses = Dictionary(uniqueKeysWithValues: report.results.map { ($0.resource, $0.status) })
        #expect(statuses == ["compute/cpu": .done, "compute/frozen": .blocked, "compute/gpu": .blocked, "compute/legacy": .blocked])
        #expect(report.results.first { $0.resource == "compute/gpu" }?.message.hasPrefix("quota: needs 96 dedicated cores") == true)
        #expect(try await workspace.observe().clusters.map(\.name).sorted() == ["cpu", "legacy"])

        // The next plan: the same blocks, and nothing else to do.
        let next = Planner.plan(desired: desired, current: try await workspace.observe(), options: options)
        #expect(next.actions.filter { $0.verb != .noop && $0.verb != .blocked }.isEmpty,
                "\(next.actions.map { "\($0.resource) \($0.verb)" })")
        let again = blocked(next)
        #expect(Set(again.keys) == ["compute/frozen", "compute/gpu", "compute/legacy"])
        for (resource, action) in again {
            #expect(action.blockedBy == blocks[resource]?.blockedBy, "\(resource)")
            #expect(action.intended == blocks[resource]?.intended, "\(resource)")
        }
    }
}
