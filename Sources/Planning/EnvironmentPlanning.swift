import Manifests
import Workspaces

extension PlanningContext {
    /// Environments are content-addressed: a new hash is built (as a new version), a hash
    /// built before under another name or version is reused, an equal hash is left alone.
    mutating func planEnvironments() -> [PlanAction] {
        var actions: [PlanAction] = []
        var builtHashes: [String: ObservedEnvironment] = [:]
        // A build still queued or running is reused too: its outcome will be the same. Only a
        // failed build is not, so the plan says `build` and shows the user it is still needed.
        for env in current.environments.sorted(by: { ($0.name, $0.version) < ($1.name, $1.version) })
        where env.buildState != "Failed" && builtHashes[env.hash.hex] == nil {
            builtHashes[env.hash.hex] = env
        }
        for env in desired.environments.sorted(by: { $0.name < $1.name }) {
            let id = ResourceID(.environment, env.name)
            let versions = current.environments.filter { $0.name == env.name }
            let latest = versions.max { Self.versionPrecedes($0.version, $1.version) }
            let hashChange = FieldChange(field: "hash", from: latest?.hash.short, to: env.hash.short)
            let action: PlanAction
            if let pinned = env.version {
                if let existing = versions.first(where: { $0.version == pinned }) {
                    if existing.hash == env.hash {
                        action = PlanAction(resource: id, verb: .noop, hash: env.hash.hex, detail: "\(env.name):\(pinned)", source: env.source)
                    } else {
                        action = PlanAction(
                            resource: id, verb: .build, changes: [FieldChange(field: "hash", from: existing.hash.short, to: env.hash.short)],
                            hash: env.hash.hex, source: env.source
                        ).blocked(by: BlockReason(
                            rule: "immutable-version",
                            message: "\(env.name):\(pinned) exists with a different definition; versions are immutable (the platform would silently keep using the old one)",
                            fix: "bump `version:` in \(env.source.file), or drop it to get the next version automatically"))
                    }
                } else {
                    action = buildOrReuse(env, version: pinned, id: id, change: hashChange, builtHashes: builtHashes)
                }
            } else if let same = versions.filter({ $0.hash == env.hash }).max(by: { Self.versionPrecedes($0.version, $1.version) }) {
                action = PlanAction(resource: id, verb: .noop, hash: env.hash.hex, detail: "\(env.name):\(same.version)", source: env.source)
            } else {
                let next = Self.nextVersion(after: versions.map(\.version))
                action = buildOrReuse(env, version: next, id: id, change: hashChange, builtHashes: builtHashes)
            }
            actions.append(finish(action, write: .create))
        }
        return actions
    }

    private func buildOrReuse(
        _ env: Environment, version: String, id: ResourceID, change: FieldChange, builtHashes: [String: ObservedEnvironment]
    ) -> PlanAction {
        if let build = builtHashes[env.hash.hex] {
            return PlanAction(
                resource: id, verb: .reuse, operation: .reuseEnvironment(env, version: version, buildOf: build),
                changes: [FieldChange(field: "version", from: nil, to: version)], hash: env.hash.hex,
                detail: "\(env.name):\(version) reuses the build of \(build.name):\(build.version)", source: env.source)
        }
        return PlanAction(
            resource: id, verb: .build, operation: .buildEnvironment(env, version: version),
            changes: [FieldChange(field: "version", from: nil, to: version), change], hash: env.hash.hex,
            detail: "\(env.name):\(version)", source: env.source)
    }

    /// Numeric versions compare as numbers, others as text after them.
    static func versionPrecedes(_ a: String, _ b: String) -> Bool {
        switch (Int(a), Int(b)) {
        case let (x?, y?): x < y
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): a < b
        }
    }

    /// One more than the largest numeric version, or 1.
    static func nextVersion(after versions: [String]) -> String {
        String((versions.compactMap { Int($0) }.max() ?? 0) + 1)
    }
}
