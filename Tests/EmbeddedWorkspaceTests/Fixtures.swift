import Foundation
import Manifests
import Workspaces

@testable import EmbeddedWorkspace

/// A state directory in the temporary folder, removed when the test ends.
final class ScratchState: Sendable {
    let directory: String

    init(function: String = #function) {
        let safe = function.filter { $0.isLetter || $0.isNumber }
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("mlgitops-tests/workspace-\(safe)-\(UUID().uuidString.prefix(8))").path
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A workspace over this directory (each call opens another instance, as another process would).
    func open() throws -> LocalWorkspace {
        try LocalWorkspace(stateDirectory: directory)
    }
}

/// Manifests values built directly, with just enough to tell them apart.
enum Fixture {
    static let source = SourceLocation(file: "workspace/resources.yml", line: 1, column: 1)

    /// A 64-character hash made of one repeated character.
    static func hex(_ seed: Character) -> String { String(repeating: seed, count: 64) }

    static func cluster(_ name: String = "cpu-cluster", size: String = "Standard_DS3_v2", max: Int = 4)
        -> ComputeCluster
    {
        ComputeCluster(
            name: name, spec: ClusterSpec(size: size, maxInstances: max), tags: ["team": "vision"], source: source)
    }

    static func environment(_ name: String = "train-env", hash: Character = "a") -> Environment {
        Environment(
            name: name, version: nil,
            definition: EnvironmentDefinition(
                image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
                conda: CondaSpecification(
                    name: "train", channels: ["conda-forge"],
                    dependencies: [.conda("python=3.11"), .pip(["torch==2.3.0"])],
                    file: "environments/train.yml", canonicalText: "{}")),
            hash: EnvironmentHash(hex: hex(hash)), source: source)
    }

    static func job(_ name: String = "train", hash: Character = "b", clusters: [String] = ["cpu-cluster"]) -> Job {
        Job(
            name: name,
            spec: .command(
                CommandTask(
                    command: "python train.py", code: .repository(path: "src", digest: "d1"),
                    environment: .named(name: "train-env", version: "1"),
                    compute: clusters.first.map(ComputeTarget.cluster) ?? .serverless)),
            hash: JobDefinitionHash(hex: hex(hash)), environmentDependencies: ["train-env"],
            clusterDependencies: clusters, source: source)
    }

    static func schedule(_ name: String = "nightly", hash: Character = "c") -> Schedule {
        Schedule(
            name: name, trigger: .cron(expression: "0 2 * * *", timeZone: "UTC", startTime: nil, endTime: nil),
            job: job(), hash: JobDefinitionHash(hex: hex(hash)), source: source)
    }

    static func lock(_ name: String, _ level: LockLevel, on scope: LockScope) -> ResourceLock {
        ResourceLock(name: name, level: level, scope: scope, notes: "test", source: source)
    }

    static func policy(_ name: String = "westeurope-quota", dedicated: Int = 48) -> QuotaPolicy {
        QuotaPolicy(
            name: name, location: "westeurope", totalDedicatedCores: 400,
            families: [FamilyQuota(family: "standardNCSv3Family", dedicatedCores: dedicated, lowPriorityCores: 96)],
            source: source)
    }
}

/// The error `workspace` refuses `operation` with, or nil when it performs it.
func refusal(of operation: WorkspaceOperation, by workspace: LocalWorkspace) async -> WorkspaceError? {
    do {
        _ = try await workspace.perform(operation)
        return nil
    } catch {
        return error
    }
}
