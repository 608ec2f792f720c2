import ArgumentParser
import EmbeddedWorkspace
import Foundation
import Manifests
import Workspaces

extension MLGitOps {
    /// `mlgitops workspace`: change the local workspace out of band, as a person in the portal
    /// would. What these do is drift: `sync` finds and reports it, and `--self-heal` repairs
    /// what the rules allow.
    struct WorkspaceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "workspace",
            abstract: "Change the local workspace outside git, as a person in the portal would (drift drills).",
            subcommands: [DeleteCluster.self, ScaleCluster.self, DeleteEnvironment.self, Lock.self, Unlock.self])
    }
}

/// A workspace change refused because its target does not exist.
struct MissingInWorkspace: Error, CustomStringConvertible {
    var what: String
    var description: String { "\(what) does not exist in the workspace (see `mlgitops status`)" }
}

extension MLGitOps.WorkspaceCommand {
    /// `mlgitops workspace delete-cluster NAME`.
    struct DeleteCluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-cluster", abstract: "Delete a cluster outside git.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The cluster's name.") var name: String

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            guard try await workspace.removeCluster(name: name) else { throw MissingInWorkspace(what: "compute/\(name)") }
            print("deleted compute/\(name) outside git")
        }
    }

    /// `mlgitops workspace scale-cluster NAME --min N --max N --idle S`.
    struct ScaleCluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scale-cluster", abstract: "Change a cluster's scale settings outside git.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The cluster's name.") var name: String
        @Option(name: .long, help: "Minimum nodes.") var min: Int?
        @Option(name: .long, help: "Maximum nodes.") var max: Int?
        @Option(name: .long, help: "Seconds an idle node waits before scale-down.") var idle: Int?

        func validate() throws {
            if min == nil, max == nil, idle == nil { throw ValidationError("give --min, --max or --idle") }
            if let min, min < 0 { throw ValidationError("--min must be 0 or more") }
            if let max, max < 1 { throw ValidationError("--max must be 1 or more") }
        }

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            guard var cluster = try await workspace.observe().clusters.first(where: { $0.name == name }) else {
                throw MissingInWorkspace(what: "compute/\(name)")
            }
            if let min { cluster.spec.minInstances = min }
            if let max { cluster.spec.maxInstances = max }
            if let idle { cluster.spec.idleTimeBeforeScaleDown = idle }
            guard cluster.spec.minInstances <= cluster.spec.maxInstances else {
                throw ValidationError("min \(cluster.spec.minInstances) exceeds max \(cluster.spec.maxInstances)")
            }
            try await workspace.setClusterSpec(name: name, spec: cluster.spec)
            print("compute/\(name) now scales \(cluster.spec.minInstances)-\(cluster.spec.maxInstances) nodes, idle \(cluster.spec.idleTimeBeforeScaleDown) s (outside git)")
        }
    }

    /// `mlgitops workspace delete-environment NAME --version V`.
    struct DeleteEnvironment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-environment", abstract: "Delete one version of an environment outside git.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The environment's name.") var name: String
        @Option(name: .long, help: "The version to delete.") var version: String

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            guard try await workspace.removeEnvironmentVersion(name: name, version: version) else {
                throw MissingInWorkspace(what: "environment/\(name):\(version)")
            }
            print("deleted environment/\(name):\(version) outside git")
        }
    }

    /// `mlgitops workspace lock NAME --level L --scope S`.
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lock", abstract: "Place (or change) a lock outside git.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The lock's name.") var name: String
        @Option(name: .long, help: "CanNotDelete or ReadOnly.") var level: String
        @Option(name: .long, help: "workspace, resource_group, or KIND/NAME such as compute/cpu-cluster.")
        var scope: String = "workspace"
        @Option(name: .long, help: "Why the lock is there.") var notes: String?

        func run() async throws {
            guard let lockLevel = LockLevel(rawValue: level) else {
                throw ValidationError("--level \(level) is not CanNotDelete or ReadOnly")
            }
            let lockScope: LockScope
            switch scope {
            case "workspace": lockScope = .workspace
            case "resource_group": lockScope = .resourceGroup
            default:
                guard let slash = scope.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(scope[..<slash])) else {
                    throw ValidationError("--scope \(scope) is not workspace, resource_group or KIND/NAME (e.g. compute/cpu-cluster)")
                }
                lockScope = .resource(ResourceID(kind, String(scope[scope.index(after: slash)...])))
            }
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            try await workspace.insertLock(ResourceLock(name: name, level: lockLevel, scope: lockScope, notes: notes, source: nil))
            print("placed the \(lockLevel.rawValue) lock \(name) on \(lockScope) outside git")
        }
    }

    /// `mlgitops workspace unlock NAME`.
    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Remove a lock outside git.")
        @OptionGroup var state: StateOptions
        @Argument(help: "The lock's name.") var name: String

        func run() async throws {
            let workspace = try MLGitOps.Jobs.openWorkspace(state)
            guard try await workspace.removeLock(name: name) else { throw MissingInWorkspace(what: "resource_lock/\(name)") }
            print("removed the lock \(name) outside git")
        }
    }
}
