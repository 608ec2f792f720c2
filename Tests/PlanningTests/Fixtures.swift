import Foundation
import Manifests
import Workspaces

/// Small builders for desired and current state: tests state only what matters to them.
enum Fixture {
    static let here = SourceLocation(file: "test.yml", line: 1, column: 1)

    static func cluster(_ name: String, size: String = "Standard_DS3_v2", tier: ComputeTier = .dedicated, min: Int = 0, max: Int = 4,
                        idle: Int = 120, scaleUpdates: Bool = false, replace: Bool = false) -> ComputeCluster {
        ComputeCluster(
            name: name, spec: ClusterSpec(size: size, tier: tier, minInstances: min, maxInstances: max, idleTimeBeforeScaleDown: idle),
            allowsScaleUpdates: scaleUpdates, allowsReplace: replace, source: here)
    }

    static func observed(_ cluster: ComputeCluster, activeJobs: Int = 0) -> ObservedCluster {
        ObservedCluster(name: cluster.name, spec: cluster.spec, activeJobs: activeJobs)
    }

    static func hash(_ seed: String) -> EnvironmentHash {
        EnvironmentHash(hex: String(repeating: seed, count: 64).prefix(64).description)
    }

    static func environment(_ name: String, hash seed: String, version: String? = nil) -> Environment {
        Environment(name: name, version: version, definition: EnvironmentDefinition(image: "img:\(seed)"), hash: hash(seed), source: here)
    }

    static func job(_ name: String, hash seed: String, environments: [String] = [], clusters: [String] = []) -> Job {
        Job(
            name: name,
            spec: .command(CommandTask(command: "echo", code: nil, environment: .external("x"), compute: .unspecified)),
            hash: JobDefinitionHash(hex: String(repeating: seed, count: 64).prefix(64).description),
            environmentDependencies: environments, clusterDependencies: clusters, source: here)
    }

    static func lock(_ name: String, _ level: LockLevel, _ scope: LockScope) -> ResourceLock {
        ResourceLock(name: name, level: level, scope: scope, source: here)
    }
}
