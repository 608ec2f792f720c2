import Foundation
import GRDB
import Manifests
import Workspaces

/// A row of `environment_builds`: one per content hash.
struct EnvironmentBuildRow: Sendable, Hashable {
    var buildID: String
    var hash: EnvironmentHash
    var state: String
    var log: String
}

/// The `environment_builds` and `environment_versions` tables: versions point at builds, and
/// versions of equal hash share one build.
enum EnvironmentTables {
    static func allVersions(_ db: Database) throws -> [ObservedEnvironment] {
        let environments = try Row.fetchAll(db, sql: versionQuery).map { try observed($0) }
        // Versions in numeric order (2 before 10), as people count them.
        return environments.sorted {
            $0.name != $1.name
                ? $0.name < $1.name : $0.version.compare($1.version, options: .numeric) == .orderedAscending
        }
    }

    static func version(_ name: String, _ version: String, _ db: Database) throws -> ObservedEnvironment? {
        try Row.fetchOne(db, sql: versionQuery + " WHERE v.name = ? AND v.version = ?", arguments: [name, version])
            .map { try observed($0) }
    }

    private static let versionQuery = """
        SELECT v.name, v.version, v.hash, v.build_id, b.state AS build_state
        FROM environment_versions v LEFT JOIN environment_builds b ON b.build_id = v.build_id
        """

    private static func observed(_ row: Row) throws -> ObservedEnvironment {
        ObservedEnvironment(
            name: try row.decode(forColumn: "name"), version: try row.decode(forColumn: "version"),
            hash: EnvironmentHash(hex: try row.decode(forColumn: "hash")),
            buildID: try row.decode(forColumn: "build_id"),
            buildState: try row.decode(forColumn: "build_state") ?? "Missing")
    }

    static func build(ofHash hash: EnvironmentHash, _ db: Database) throws -> EnvironmentBuildRow? {
        try Row.fetchOne(
            db, sql: "SELECT build_id, hash, state, log FROM environment_builds WHERE hash = ?", arguments: [hash.hex]
        ).map { row in
            EnvironmentBuildRow(
                buildID: try row.decode(forColumn: "build_id"),
                hash: EnvironmentHash(hex: try row.decode(forColumn: "hash")),
                state: try row.decode(forColumn: "state"), log: try row.decode(forColumn: "log"))
        }
    }

    /// Records a build, replacing an earlier (failed) one of the same hash.
    static func putBuild(_ build: EnvironmentBuildRow, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO environment_builds (build_id, hash, state, log, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(hash) DO UPDATE SET build_id = excluded.build_id, state = excluded.state,
                    log = excluded.log, created_at = excluded.created_at
                """,
            arguments: [build.buildID, build.hash.hex, build.state, build.log, date])
    }

    static func insertVersion(
        _ name: String, _ version: String, hash: EnvironmentHash, buildID: String, at date: Date, _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO environment_versions (name, version, hash, build_id, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [name, version, hash.hex, buildID, date])
    }

    static func deleteVersion(_ name: String, _ version: String, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "DELETE FROM environment_versions WHERE name = ? AND version = ?", arguments: [name, version])
        return db.changesCount > 0
    }

    /// The build id of a hash: deterministic, so a retried build lands on the same row.
    static func buildID(for hash: EnvironmentHash) -> String { "build-\(hash.short)" }

    /// Queues the build of a hash that has none, keeping the definition for the runner.
    static func queueBuild(_ environment: Environment, buildID: String, at date: Date, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO environment_builds (build_id, hash, state, log, created_at, definition)
                VALUES (?, ?, 'Queued', '', ?, ?)
                """,
            arguments: [
                buildID, environment.hash.hex, date,
                try JSONColumn.encode(environment, column: "environment_builds.definition"),
            ])
    }

    static func definition(ofBuild buildID: String, _ db: Database) throws -> Environment? {
        try String.fetchOne(db, sql: "SELECT definition FROM environment_builds WHERE build_id = ?", arguments: [buildID])
            .map { try JSONColumn.decode(Environment.self, from: $0, column: "environment_builds.definition") }
    }

    static func build(id buildID: String, _ db: Database) throws -> (state: String, log: String, runner: String?)? {
        try Row.fetchOne(
            db, sql: "SELECT state, log, runner FROM environment_builds WHERE build_id = ?", arguments: [buildID]
        ).map { (try $0.decode(forColumn: "state"), try $0.decode(forColumn: "log"), try $0.decode(forColumn: "runner")) }
    }
}
