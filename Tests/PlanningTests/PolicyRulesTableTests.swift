import Foundation
import GitSource
import Manifests
import Planning
import Policies
import Testing
import Workspaces

/// Every policy rule (docs/quota-policies.md, docs/resource-locks.md) with its exact message:
/// YAML files through the manifest loader and the planner, against a workspace in westeurope.
@Suite("Policy rules: each with its message, naming the numbers")
struct PolicyRulesTableTests {
    /// What a row expects.
    enum Outcome: Sendable {
        /// A diagnostic of `rule` on `field` at `line` of the file.
        case diagnostic(Diagnostic.Severity, rule: String, field: String, line: Int, message: String, fix: String)
        /// The action on `resource` is blocked by `rule`.
        case blocked(String, rule: String, code: String?, message: String, fix: String)
        /// The job's action shows where its serverless tasks run.
        case serverless(String, verb: PlanVerb, detail: String)
        /// The plan has these verbs (and no errors).
        case verbs([String: PlanVerb])
    }

    struct Row: CustomTestStringConvertible, Sendable {
        let rule: String
        let files: [String: String]
        var current = CurrentState(location: "westeurope")
        var options = PlanOptions()
        let outcome: Outcome
        var testDescription: String { rule }
    }

    // MARK: Files

    static func cluster(
        _ name: String, size: String = "Standard_DS3_v2", tier: String = "dedicated", min: Int = 0, max: Int = 4, extra: String = ""
    ) -> String {
        // Lines: name 1, type 2, size 3, tier 4, min_instances 5, max_instances 6.
        "name: \(name)\ntype: amlcompute\nsize: \(size)\ntier: \(tier)\nmin_instances: \(min)\nmax_instances: \(max)\n" + extra
    }

    static func policy(_ body: String, name: String = "we", scope: String = "workspace") -> String {
        "type: quota_policy\nname: \(name)\nlocation: westeurope\nscope: \(scope)\n" + body
    }

    static func job(_ name: String = "train", _ extra: String = "") -> String {
        "type: command\nname: \(name)\ncommand: echo hi\nenvironment: azureml:train-env:1\n" + extra
    }

    static let instanceOnly = VMSizeCatalog(
        sizes: VMSizeCatalog.shipped.sizes.values.map { $0 }
            + [VMSize(name: "Standard_DC2s_v2", series: "DCsv2", family: "standardDCSv2Family", vCPUs: 2, memoryGB: 8, clusters: false)],
        series: VMSizeCatalog.shipped.series, cudaMinimum: VMSizeCatalog.shipped.cudaMinimum)

    static let nothingElse = "nothing else holds any"

    static let rows: [Row] = [
        // VM sizes
        Row(rule: "unknown-size", files: ["c.yml": cluster("cpu", size: "Standard_DS3_v9")], outcome: .diagnostic(
            .error, rule: "unknown-size", field: "size", line: 3,
            message: "compute/cpu: `Standard_DS3_v9` is not a VM size of the supported series; nearest: Standard_DS3_v2, Standard_D13_v2, Standard_D3_v2",
            fix: "use one of Standard_DS3_v2, Standard_D13_v2, Standard_D3_v2 (sizes match in any letter case)")),
        Row(rule: "retired-size (31 Aug 2023)", files: ["c.yml": cluster("gpu", size: "Standard_NC6")], outcome: .diagnostic(
            .error, rule: "retired-size", field: "size", line: 3,
            message: "compute/gpu: `Standard_NC6` is of the NC series, retired on 31 Aug 2023; the platform no longer creates it",
            fix: "recreate on a current size, e.g.")),
        Row(rule: "retired-size (31 Aug 2024), any letter case", files: ["c.yml": cluster("hpc", size: "standard_hb60RS")], outcome: .diagnostic(
            .error, rule: "retired-size", field: "size", line: 3,
            message: "compute/hpc: `Standard_HB60rs` is of the HB series, retired on 31 Aug 2024; the platform no longer creates it",
            fix: "recreate on a current size, e.g.")),
        Row(rule: "size-not-for-clusters", files: ["c.yml": cluster("conf", size: "Standard_DC2s_v2")],
            options: PlanOptions(catalog: instanceOnly), outcome: .diagnostic(
                .error, rule: "size-not-for-clusters", field: "size", line: 3,
                message: "compute/conf: `Standard_DC2s_v2` (DCsv2) may be used by compute instances only, not by clusters or serverless jobs",
                fix: "use a size clusters support, e.g.")),
        Row(rule: "sizes match in any letter case", files: ["c.yml": cluster("cpu", size: "STANDARD_DS3_V2")],
            outcome: .verbs(["compute/cpu": .create])),

        // Cluster rules
        Row(rule: "node-cap", files: ["c.yml": cluster("big", max: 150)], outcome: .diagnostic(
            .error, rule: "node-cap", field: "max_instances", line: 6,
            message: "compute/big: max_instances 150 is above the per-cluster node cap of 100; more needs the platform's allowance (and disables inter-node communication)",
            fix: "set max_instances to 100 or less, or declare the allowance as `max_nodes_per_cluster: 150` in a quota policy for westeurope")),
        Row(rule: "node-cap allowance", files: ["c.yml": cluster("big", max: 150), "q.yml": policy("max_nodes_per_cluster: 200\n")],
            outcome: .verbs(["compute/big": .create, "quota_policy/we": .create])),
        Row(rule: "node-cap of a policy", files: ["c.yml": cluster("big", max: 60), "q.yml": policy("max_nodes_per_cluster: 50\n")],
            outcome: .diagnostic(
                .error, rule: "node-cap", field: "max_instances", line: 6,
                message: "compute/big: max_instances 60 is above the per-cluster node cap of 50 (max_nodes_per_cluster of quota policy 'we' for westeurope)",
                fix: "set max_instances to 50 or less, or raise max_nodes_per_cluster in 'we' if the platform granted the allowance")),
        Row(rule: "node-range", files: ["c.yml": cluster("cpu", min: 3, max: 2)], outcome: .diagnostic(
            .error, rule: "node-range", field: "max_instances", line: 6,
            message: "max_instances (2) is below min_instances (3)", fix: "make max_instances at least min_instances")),
        Row(rule: "idle-time", files: ["c.yml": cluster("cpu", extra: "idle_time_before_scale_down: -5\n")], outcome: .diagnostic(
            .error, rule: "idle-time", field: "idle_time_before_scale_down", line: 7,
            message: "idle_time_before_scale_down must not be negative (found -5)", fix: "give the idle time in seconds, e.g. 120")),
        Row(rule: "identity", files: ["c.yml": cluster("cpu", extra: "identity:\n  type: system_assigned,user_assigned\n")],
            outcome: .diagnostic(
                .error, rule: "identity", field: "identity.type", line: 8,
                message: "a cluster has either one system-assigned identity or user-assigned identities, never both",
                fix: "use `system_assigned` or `user_assigned`")),
        Row(rule: "idle-cost", files: ["c.yml": cluster("cpu", min: 1)], outcome: .diagnostic(
            .warning, rule: "idle-cost", field: "min_instances", line: 5,
            message: "min_instances is 1: that many nodes keep running (and cost) even when idle",
            fix: "use min_instances: 0 unless jobs need nodes ready at once")),

        Row(rule: "cuda", files: [
            "c.yml": cluster("a100", size: "Standard_ND96asr_v4", max: 1),
            "e.yml": "name: old-env\nimage: mcr.microsoft.com/azureml/openmpi3.1.2-cuda10.1-cudnn7-ubuntu18.04\n",
            "j.yml": job("train", "compute: azureml:a100\n").replacingOccurrences(of: "azureml:train-env:1", with: "azureml:old-env@latest"),
        ], outcome: .diagnostic(
            .warning, rule: "cuda", field: "environment", line: 1,
            message: "job/train: runs on Standard_ND96asr_v4 (Ampere, CUDA 11.0 or newer) but environment 'old-env' uses CUDA 10.1 (image mcr.microsoft.com/azureml/openmpi3.1.2-cuda10.1-cudnn7-ubuntu18.04)",
            fix: "use an image with CUDA 11.0 or newer")),
        Row(rule: "cuda new enough", files: [
            "c.yml": cluster("a100", size: "Standard_ND96asr_v4", max: 1),
            "e.yml": "name: new-env\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04\n",
            "j.yml": job("train", "compute: azureml:a100\n").replacingOccurrences(of: "azureml:train-env:1", with: "azureml:new-env@latest"),
        ], outcome: .verbs(["compute/a100": .create, "environment/new-env": .build, "job/train": .submit])),

        // Quota
        Row(rule: "quota: family limit", files: [
            "c.yml": cluster("gpu", size: "Standard_NC24s_v3", max: 4),
            "q.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 48\n"),
        ], outcome: .blocked(
            "compute/gpu", rule: "quota", code: nil,
            message: "needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits (workspace quota policy 'we' allows 48; \(nothingElse))",
            fix: "set max_instances to 2, pick a size of a family with room")),
        Row(rule: "quota: low-priority cores", files: [
            "c.yml": cluster("gpu", size: "Standard_NC6s_v3", tier: "low_priority", max: 10),
            "q.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 48\n      low_priority_cores: 24\n"),
        ], outcome: .blocked(
            "compute/gpu", rule: "quota", code: nil,
            message: "needs 60 low-priority cores of standardNCSv3Family in westeurope; 24 are left; max_instances 4 fits (workspace quota policy 'we' allows 24; \(nothingElse))",
            fix: "set max_instances to 4")),
        Row(rule: "quota: regional total", files: [
            "c.yml": cluster("cpu", max: 10), "q.yml": policy("limits:\n  total_dedicated_cores: 30\n"),
        ], outcome: .blocked(
            "compute/cpu", rule: "quota", code: nil,
            message: "needs 40 dedicated cores in westeurope; 30 are left of the regional total; max_instances 7 fits (workspace quota policy 'we' allows 30 dedicated cores in westeurope; \(nothingElse))",
            fix: "set max_instances to 7")),
        Row(rule: "quota: existing clusters and use outside clusters hold cores", files: [
            "c.yml": cluster("cpu", max: 4),
            "q.yml": policy("limits:\n  families:\n    - family: standardDSv2Family\n      dedicated_cores: 24\n"),
        ], current: CurrentState(
            location: "westeurope",
            clusters: [ObservedCluster(name: "old", spec: ClusterSpec(size: "Standard_DS3_v2", maxInstances: 2))],
            quotaUsage: [QuotaUsage(location: "westeurope", family: "standardDSv2Family", tier: .dedicated, cores: 4)]),
            outcome: .blocked(
                "compute/cpu", rule: "quota", code: nil,
                message: "needs 16 dedicated cores of standardDSv2Family in westeurope; 12 are left; max_instances 3 fits (workspace quota policy 'we' allows 24; 12 held by use outside clusters 4, compute/old 8)",
                fix: "set max_instances to 3")),
        Row(rule: "quota: min_instances above quota (ClusterMinNodesExceedCoreQuota)", files: [
            "c.yml": cluster("gpu", size: "Standard_NC24s_v3", min: 3, max: 4),
            "q.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 48\n"),
        ], outcome: .blocked(
            "compute/gpu", rule: "quota", code: "ClusterMinNodesExceedCoreQuota",
            message: "min_instances 3 needs 72 dedicated cores of standardNCSv3Family in westeurope; 48 are left, so the platform would refuse the cluster (ClusterMinNodesExceedCoreQuota); min_instances 2 fits (workspace quota policy 'we' allows 48; \(nothingElse))",
            fix: "lower min_instances to 2 (0 releases idle nodes) and max_instances to 2")),
        Row(rule: "quota: a family with no quota names families with room", files: [
            "c.yml": cluster("gpu", size: "Standard_NC6s_v3", max: 2),
            "q.yml": policy("""
                default_family_cores: 0
                limits:
                  families:
                    - family: standardNCASv3_T4Family
                      dedicated_cores: 16
                    - family: standardDSv2Family
                      dedicated_cores: 100

                """),
        ], outcome: .blocked(
            "compute/gpu", rule: "quota", code: nil,
            message: "standardNCSv3Family has no dedicated quota in westeurope (workspace quota policy 'we' gives it 0 cores by default_family_cores); Standard_NC6s_v3 needs 6 per node; families with room: standardNCASv3_T4Family: 16 cores left, e.g. Standard_NC4as_T4_v3",
            fix: "pick a size of a family with room (standardNCASv3_T4Family: 16 cores left, e.g. Standard_NC4as_T4_v3), or request dedicated quota for standardNCSv3Family")),
        Row(rule: "quota: default_family_cores limits families without an entry", files: [
            "c.yml": cluster("cpu", max: 8), "q.yml": policy("default_family_cores: 16\n"),
        ], outcome: .blocked(
            "compute/cpu", rule: "quota", code: nil,
            message: "needs 32 dedicated cores of standardDSv2Family in westeurope; 16 are left; max_instances 4 fits (workspace quota policy 'we' allows 16 (default_family_cores); \(nothingElse))",
            fix: "set max_instances to 4")),
        Row(rule: "quota: a subscription-scoped policy applies too", files: [
            "c.yml": cluster("gpu", size: "Standard_NC24s_v3", max: 4),
            "q.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 48\n", name: "sub", scope: "subscription"),
        ], outcome: .blocked(
            "compute/gpu", rule: "quota", code: nil,
            message: "needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits (subscription quota policy 'sub' allows 48; \(nothingElse))",
            fix: "set max_instances to 2")),
        Row(rule: "quota-scope (InvalidQuotaExceedsSubscriptionLimit)", files: [
            "ws.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 96\n", name: "ws"),
            "sub.yml": policy("limits:\n  families:\n    - family: standardNCSv3Family\n      dedicated_cores: 48\n", name: "sub", scope: "subscription"),
        ], outcome: .diagnostic(
            .error, rule: "quota-scope", field: "limits.families[0].dedicated_cores", line: 1,
            message: "quota_policy/ws: the workspace gets 96 dedicated cores of standardNCSv3Family in westeurope, above the subscription's 48 (quota policy 'sub'); the platform refuses that (InvalidQuotaExceedsSubscriptionLimit)",
            fix: "lower it to 48 or less, or raise the subscription's quota first")),

        // Locks
        Row(rule: "lock: ReadOnly blocks a create", files: ["c.yml": cluster("cpu")],
            current: CurrentState(location: "westeurope", locks: [ResourceLock(name: "freeze", level: .readOnly, scope: .workspace, source: nil)]),
            outcome: .blocked(
                "compute/cpu", rule: "lock", code: "ScopeLocked",
                message: "the ReadOnly lock 'freeze' on workspace forbids create of compute/cpu",
                fix: "remove or lower the lock 'freeze' before this change, or revert the change in git")),
        Row(rule: "lock: CanNotDelete blocks a delete", files: [:],
            current: CurrentState(
                location: "westeurope", clusters: [ObservedCluster(name: "old", spec: ClusterSpec(size: "Standard_DS3_v2"))],
                locks: [ResourceLock(name: "keep", level: .canNotDelete, scope: .resource(ResourceID(.compute, "old")), source: nil)]),
            options: PlanOptions(prune: true),
            outcome: .blocked(
                "compute/old", rule: "lock", code: "ScopeLocked",
                message: "the CanNotDelete lock 'keep' on compute/old forbids deleting compute/old",
                fix: "keep compute/old in git, or remove the lock 'keep' first")),
        Row(rule: "lock: a resource-group lock blocks cluster creates", files: ["c.yml": cluster("cpu")],
            current: CurrentState(location: "westeurope", locks: [ResourceLock(name: "rg", level: .canNotDelete, scope: .resourceGroup, source: nil)]),
            outcome: .blocked(
                "compute/cpu", rule: "resource-group-lock", code: nil,
                message: "the CanNotDelete lock 'rg' on the resource group stops clusters from scaling (they hang at \"resizing 0 -> 0\"), so create of compute/cpu would fail",
                fix: "move the lock 'rg' from the resource group onto the individual resources")),
        Row(rule: "lock: ReadOnly blocks a job submission", files: ["j.yml": job()],
            current: CurrentState(location: "westeurope", locks: [ResourceLock(name: "freeze", level: .readOnly, scope: .resourceGroup, source: nil)]),
            outcome: .blocked(
                "job/train", rule: "lock", code: "ScopeLocked",
                message: "the ReadOnly lock 'freeze' on resource_group forbids submit of job/train",
                fix: "remove or lower the lock 'freeze'")),
        Row(rule: "networking-lock", files: ["l.yml": "type: resource_lock\nname: nsg\nlevel: CanNotDelete\nscope: compute/5f3a-azurebatch-cloudservicepublicip\n"],
            outcome: .diagnostic(
                .error, rule: "networking-lock", field: "scope", line: 4,
                message: "scope `compute/5f3a-azurebatch-cloudservicepublicip` is a cluster's own networking resource (<GUID>-azurebatch-cloudservicenetworksecuritygroup, -cloudservicepublicip, -cloudserviceloadbalancer); the platform manages them, and a lock there stops the cluster from scaling or being deleted",
                fix: "never lock a cluster's networking resources")),
        Row(rule: "resource-group-lock declared", files: ["l.yml": "type: resource_lock\nname: rg\nlevel: CanNotDelete\nscope: resource_group\n"],
            outcome: .diagnostic(
                .warning, rule: "resource-group-lock", field: "scope", line: 4,
                message: "a lock on the resource group stops every compute cluster in it from scaling (they hang at \"resizing 0 -> 0\"); every cluster create and scale change will be blocked",
                fix: "lock the individual resources instead")),

        // Serverless
        Row(rule: "serverless: the cheapest CPU size", files: ["j.yml": job()], outcome: .serverless(
            "job/train", verb: .submit, detail: "serverless Standard_D1_v2 x1 dedicated (chosen by quota)")),
        Row(rule: "serverless: a size with room", files: [
            "j.yml": job("train", "resources:\n  instance_count: 2\n"),
            "q.yml": policy("default_family_cores: 0\nlimits:\n  families:\n    - family: standardDSv2Family\n      dedicated_cores: 8\n"),
        ], outcome: .serverless("job/train", verb: .submit, detail: "serverless Standard_DS1_v2 x2 dedicated (chosen by quota)")),
        Row(rule: "serverless: spot draws on low-priority quota", files: [
            "j.yml": job("train", "queue_settings:\n  job_tier: spot\n"),
            "q.yml": policy("""
                default_family_cores: 0
                limits:
                  families:
                    - family: standardDSv2Family
                      dedicated_cores: 8
                      low_priority_cores: 0
                    - family: standardDv3Family
                      low_priority_cores: 4

                """),
        ], outcome: .serverless("job/train", verb: .submit, detail: "serverless Standard_D2_v3 x1 low-priority (chosen by quota)")),
        Row(rule: "serverless: resources.instance_type says otherwise", files: [
            "j.yml": job("train", "resources:\n  instance_type: standard_e4s_v3\n"),
        ], outcome: .serverless("job/train", verb: .submit, detail: "serverless Standard_E4s_v3 x1 dedicated (chosen by instance_type)")),
        Row(rule: "serverless: a pipeline's default_compute", files: [
            "p.yml": """
                type: pipeline
                name: nightly
                settings:
                  default_compute: azureml:serverless
                jobs:
                  prep:
                    command: echo prep
                    environment: azureml:e:1
                  train:
                    command: echo train
                    environment: azureml:e:1
                    resources:
                      instance_count: 2

                """,
        ], outcome: .serverless(
            "job/nightly", verb: .submit,
            detail: "serverless prep: Standard_D1_v2 x1 dedicated (chosen by quota), train: Standard_D1_v2 x2 dedicated (chosen by quota)")),
        Row(rule: "serverless: a schedule's jobs", files: [
            "s.yml": "name: nightly\ntrigger:\n  type: cron\n  expression: \"0 2 * * *\"\ncreate_job: ./t/job.yml\n",
            "t/job.yml": "type: pipeline\nsettings:\n  default_compute: serverless\njobs:\n  score:\n    command: echo hi\n    environment: azureml:e:1\n    resources:\n      instance_count: 2\n",
        ], outcome: .serverless("schedule/nightly", verb: .create, detail: "serverless score: Standard_D1_v2 x2 dedicated (chosen by quota)")),
        Row(rule: "serverless: queues while clusters hold the cores", files: [
            "j.yml": job("train", "resources:\n  instance_type: Standard_DS3_v2\n"),
            "c.yml": cluster("cpu", max: 2),
            "q.yml": policy("limits:\n  families:\n    - family: standardDSv2Family\n      dedicated_cores: 8\n"),
        ], outcome: .serverless("job/train", verb: .submit, detail: "serverless Standard_DS3_v2 x1 dedicated (chosen by instance_type), queues for quota")),
        Row(rule: "serverless: an unknown instance_type", files: ["j.yml": job("train", "resources:\n  instance_type: Standard_DS3_v9\n")],
            outcome: .diagnostic(
                .error, rule: "unknown-size", field: "resources.instance_type", line: 1,
                message: "job/train: `Standard_DS3_v9` is not a VM size of the supported series; nearest: Standard_DS3_v2, Standard_D13_v2, Standard_D3_v2",
                fix: "use one of Standard_DS3_v2")),
        Row(rule: "serverless: more nodes than quota (JobNodeCountExceedsCoreQuota)", files: [
            "j.yml": job("train", "resources:\n  instance_type: Standard_DS3_v2\n  instance_count: 10\n"),
            "q.yml": policy("limits:\n  families:\n    - family: standardDSv2Family\n      dedicated_cores: 24\n"),
        ], outcome: .blocked(
            "job/train", rule: "quota", code: "JobNodeCountExceedsCoreQuota",
            message: "10 node(s) of Standard_DS3_v2 need 40 dedicated cores of standardDSv2Family in westeurope; the limit is 24 (workspace quota policy 'we'), so the platform would refuse the job (JobNodeCountExceedsCoreQuota); instance_count 6 fits",
            fix: "set resources.instance_count to 6")),
        Row(rule: "serverless: no CPU size has quota", files: [
            "j.yml": job(), "q.yml": policy("default_family_cores: 0\n"),
        ], outcome: .blocked(
            "job/train", rule: "quota", code: "JobNodeCountExceedsCoreQuota",
            message: "no CPU size has dedicated quota for 1 node(s) in westeurope: every family's limit (or the regional total) is below 1 x the size's vCPUs",
            fix: "lower resources.instance_count, name a size with quota in resources.instance_type, or raise the quota")),
    ]

    @Test("rule", arguments: rows)
    func rule(_ row: Row) throws {
        let desired = ManifestLoader.load(Self.snapshot(row.files), path: "")
        let plan = Planner.plan(desired: desired, current: row.current, options: row.options)
        switch row.outcome {
        case let .diagnostic(severity, rule, field, line, message, fix):
            let found = plan.diagnostics.filter { $0.rule == rule }
            #expect(found.count == 1, "\(plan.diagnostics.map(\.formatted))")
            let diagnostic = try #require(found.first)
            #expect(diagnostic.severity == severity)
            #expect(diagnostic.field == field)
            #expect(diagnostic.location.line == line)
            #expect(diagnostic.message == message)
            #expect(diagnostic.fix?.hasPrefix(fix) == true, "\(diagnostic.fix ?? "no fix")")
            // An error means no actions; a warning leaves the plan as it was.
            #expect(plan.actions.isEmpty == (severity == .error))
        case let .blocked(resource, rule, code, message, fix):
            #expect(!plan.hasErrors, "\(plan.diagnostics.map(\.formatted))")
            let action = try #require(plan.actions.first { $0.resource.description == resource }, "\(plan.actions.map(\.resource))")
            #expect(action.verb == .blocked)
            #expect(action.operation == nil, "a blocked action carries nothing to perform")
            #expect(action.blockedBy?.rule == rule)
            #expect(action.blockedBy?.code == code)
            #expect(action.blockedBy?.message == message)
            #expect(action.blockedBy?.fix?.hasPrefix(fix) == true, "\(action.blockedBy?.fix ?? "no fix")")
        case let .serverless(resource, verb, detail):
            #expect(!plan.hasErrors, "\(plan.diagnostics.map(\.formatted))")
            let action = try #require(plan.actions.first { $0.resource.description == resource })
            #expect(action.verb == verb)
            #expect(action.detail?.hasSuffix(detail) == true, "\(action.detail ?? "no detail")")
            #expect(action.serverless?.isEmpty == false)
        case let .verbs(verbs):
            #expect(!plan.hasErrors, "\(plan.diagnostics.map(\.formatted))")
            #expect(Dictionary(uniqueKeysWithValues: plan.actions.map { ($0.resource.description, $0.verb) }) == verbs)
        }
    }

    /// The files as a commit's snapshot (no git needed: the loader reads the content it is given).
    static func snapshot(_ files: [String: String]) -> Snapshot {
        let commit = CommitInfo(sha: String(repeating: "1", count: 40), authorName: "T", authorEmail: "t@example.com", time: Date(timeIntervalSince1970: 0), message: "t")
        return Snapshot(commit: commit, files: files.map { path, text in
            var digest = SHA256()
            digest.update("blob \(text.utf8.count)\0" + text)
            let id = digest.finalize().map { String(format: "%02x", $0) }.joined()
            return TreeFile(path: path, blobID: String(id.prefix(40)), mode: .file, content: Array(text.utf8))
        })
    }
}
