import Foundation
import GRDB
public import Manifests
public import Planning
public import Policies

/// The last whole plan of a state directory, kept in `<state>/plan-baseline.sqlite` with what
/// its load read, manifest by manifest, so that the next plan of a later commit reloads only
/// the manifests the commit's changes reach (``IncrementalPlan``).
///
/// A cache: deleting the file costs one whole plan. It is written in one transaction, so a
/// crash leaves the old baseline or the new one.
public struct PlanBaseline: Sendable {
    /// The file name inside the state directory.
    public static let fileName = "plan-baseline.sqlite"
    /// Bumped whenever what is stored or how it is planned changes: an older file is ignored.
    static let format = 1

    /// What identifies the plan a baseline holds; a later plan reuses it only if all agree.
    public struct Key: Sendable, Codable, Equatable {
        /// The commit planned.
        public var commit: String
        /// The manifests folder.
        public var path: String
        /// The plan options that change a plan (`--prune`, `--allow-*`).
        public var options: String
        /// ``Workspaces/Workspace/observedRevision()`` when the workspace was observed.
        public var workspaceRevision: String
        var format = PlanBaseline.format

        /// The running executable's identity (path, size, modification time): a rebuilt
        /// mlgitops may plan differently, so it never reuses an older build's baseline.
        static let producer: String = {
            let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path):\(size):\(modified)"
        }()

        public init(commit: String, path: String, options: PlanOptions, workspaceRevision: String) {
            self.commit = commit
            self.path = path
            self.options = Self.describe(options)
            self.workspaceRevision = workspaceRevision
        }

        static func describe(_ options: PlanOptions) -> String {
            let producer = Self.producer
            return "prune=\(options.prune) scale=\(options.allowScaleUpdates) replace=\(options.allowReplace) catalog=\(options.catalog.sizes.count) producer=\(producer)"
        }
    }

    /// Everything but the per-manifest rows and the job actions: small, read whole.
    struct Header: Codable {
        var key: Key
        var index: RepositoryIndex
        var components: Set<String>
        var componentReferences: [String: [String]]
        var facts: ComputeFacts
        var policyDiagnostics: [Diagnostic]
        /// The plan's actions that are not jobs, in order; jobs go at `jobSection`.
        var otherActions: [PlanAction]
        var jobSection: Int
        var unmanaged: [ResourceID]
    }

    let database: DatabaseQueue

    /// Opens the baseline of `stateDirectory`, or nil when there is none (or it is unreadable).
    public static func open(stateDirectory: String) -> PlanBaseline? {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: file), let database = try? DatabaseQueue(path: file) else { return nil }
        return PlanBaseline(database: database)
    }

    /// Replaces the baseline of `stateDirectory` with `plan` of `desired` (loaded with `record`).
    public static func save(
        _ plan: Plan, desired: DesiredState, record: LoadRecord, key: Key, stateDirectory: String
    ) throws {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let database = try DatabaseQueue(path: file)
        var loadCounts: [Diagnostic: Int] = [:]
        for diagnostic in desired.diagnostics { loadCounts[diagnostic, default: 0] += 1 }
        var policyDiagnostics: [Diagnostic] = []
        for diagnostic in plan.diagnostics {
            if let count = loadCounts[diagnostic], count > 0 { loadCounts[diagnostic] = count - 1 } else { policyDiagnostics.append(diagnostic) }
        }
        let others = plan.actions.filter { $0.resource.kind != .job }
        let jobSection = plan.actions.firstIndex { $0.resource.kind == .job }
            ?? (others.firstIndex { ![.quotaPolicy, .compute, .environment].contains($0.resource.kind) } ?? others.count)
        let header = Header(
            key: key, index: record.index, components: record.components, componentReferences: record.componentReferences,
            facts: ComputeFacts(desired), policyDiagnostics: policyDiagnostics, otherActions: others, jobSection: jobSection,
            unmanaged: plan.unmanaged)
        let encoder = JSONEncoder()
        let headerText = String(decoding: try encoder.encode(header), as: UTF8.self)
        try database.write { db in
            try db.execute(sql: """
                DROP TABLE IF EXISTS header; DROP TABLE IF EXISTS manifest; DROP TABLE IF EXISTS reads; DROP TABLE IF EXISTS job_action;
                CREATE TABLE header (value TEXT NOT NULL);
                CREATE TABLE manifest (file TEXT PRIMARY KEY NOT NULL, declared TEXT NOT NULL, diagnostics TEXT);
                CREATE TABLE reads (path TEXT NOT NULL, file TEXT NOT NULL);
                CREATE TABLE job_action (name TEXT PRIMARY KEY NOT NULL, action TEXT NOT NULL);
                """)
            try db.execute(sql: "INSERT INTO header (value) VALUES (?)", arguments: [headerText])
            let manifest = try db.makeStatement(sql: "INSERT INTO manifest (file, declared, diagnostics) VALUES (?, ?, ?)")
            let read = try db.makeStatement(sql: "INSERT INTO reads (path, file) VALUES (?, ?)")
            for (file, entry) in record.files {
                let declared = entry.declared.map { "\($0.kind.rawValue)/\($0.name)" }.joined(separator: "\n")
                let diagnostics = entry.diagnostics.isEmpty ? nil : String(decoding: try encoder.encode(entry.diagnostics), as: UTF8.self)
                try manifest.execute(arguments: [file, declared, diagnostics])
                for path in entry.reads { try read.execute(arguments: [path, file]) }
            }
            let job = try db.makeStatement(sql: "INSERT INTO job_action (name, action) VALUES (?, ?)")
            for action in plan.actions where action.resource.kind == .job {
                try job.execute(arguments: [action.resource.name, String(decoding: try encoder.encode(action), as: UTF8.self)])
            }
            try db.execute(sql: "CREATE INDEX reads_by_path ON reads(path)")
        }
    }

    /// Removes the baseline of `stateDirectory` (a plan that cannot be a baseline replaces none).
    public static func remove(stateDirectory: String) {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
        try? FileManager.default.removeItem(atPath: file)
    }

    func header() throws -> Header? {
        guard let text = try database.read({ db in try String.fetchOne(db, sql: "SELECT value FROM header") }) else { return nil }
        let header = try JSONDecoder().decode(Header.self, from: Data(text.utf8))
        return header.key.format == Self.format ? header : nil
    }

    /// The manifest files whose load read `path` or a folder above it.
    func readers(of paths: Set<String>) throws -> Set<String> {
        var candidates: Set<String> = []
        for path in paths {
            var current = path
            candidates.insert(current)
            while let slash = current.lastIndex(of: "/") {
                current = String(current[..<slash])
                candidates.insert(current)
            }
            candidates.insert("")
        }
        return try database.read { db in
            var found: Set<String> = []
            let statement = try db.makeStatement(sql: "SELECT file FROM reads WHERE path = ?")
            for candidate in candidates {
                for file in try String.fetchAll(statement, arguments: [candidate]) { found.insert(file) }
            }
            return found
        }
    }

    /// One manifest's row.
    struct ManifestRow {
        var declared: [ResourceID]
        var reads: [String]
    }

    /// The rows of `files` that the baseline has.
    func manifests(_ files: Set<String>) throws -> [String: ManifestRow] {
        try database.read { db in
            var rows: [String: ManifestRow] = [:]
            for file in files {
                guard let declared = try String.fetchOne(db, sql: "SELECT declared FROM manifest WHERE file = ?", arguments: [file])
                else { continue }
                let ids = declared.split(separator: "\n").compactMap { line -> ResourceID? in
                    guard let slash = line.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(line[..<slash])) else { return nil }
                    return ResourceID(kind, String(line[line.index(after: slash)...]))
                }
                let reads = try String.fetchAll(db, sql: "SELECT path FROM reads WHERE file = ?", arguments: [file])
                rows[file] = ManifestRow(declared: ids, reads: reads)
            }
            return rows
        }
    }

    /// The file that declares job `name`, if any.
    func declaringFiles(ofJobs names: Set<String>) throws -> [String: String] {
        try database.read { db in
            var owners: [String: String] = [:]
            for name in names {
                // Declarations are `kind/name` lines; an exact line match finds the job.
                let pattern = "job/" + name
                let files = try String.fetchAll(
                    db, sql: "SELECT file FROM manifest WHERE declared = ? OR declared LIKE ? ESCAPE '\\' OR declared LIKE ? ESCAPE '\\' OR declared LIKE ? ESCAPE '\\'",
                    arguments: [pattern, Self.like(pattern) + "\n%", "%\n" + Self.like(pattern), "%\n" + Self.like(pattern) + "\n%"])
                if let file = files.first { owners[name] = file }
            }
            return owners
        }
    }

    private static func like(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// The load diagnostics of every manifest but `excluded`, in file order.
    func loadDiagnostics(excluding excluded: Set<String>) throws -> [Diagnostic] {
        let decoder = JSONDecoder()
        return try database.read { db in
            var found: [Diagnostic] = []
            for row in try Row.fetchAll(db, sql: "SELECT file, diagnostics FROM manifest WHERE diagnostics IS NOT NULL ORDER BY file") {
                let file: String = row["file"]
                guard !excluded.contains(file), let text: String = row["diagnostics"] else { continue }
                found += try decoder.decode([Diagnostic].self, from: Data(text.utf8))
            }
            return found
        }
    }

    /// The whole plan the baseline holds, job actions spliced in at their place.
    func plan(_ header: Header, revision: String?, diagnostics: [Diagnostic]) throws -> Plan {
        let decoder = JSONDecoder()
        let jobs = try database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM job_action ORDER BY name").map {
                try decoder.decode(PlanAction.self, from: Data($0.utf8))
            }
        }
        let others = header.otherActions
        let actions = Array(others[..<header.jobSection]) + jobs.sorted { $0.resource.name < $1.resource.name } + Array(others[header.jobSection...])
        return Plan(revision: revision, actions: actions, diagnostics: diagnostics, unmanaged: header.unmanaged)
    }
}
