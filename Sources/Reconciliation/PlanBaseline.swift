import Foundation
import GRDB
public import Manifests
public import Planning
import Policies

/// The last whole plan of a state directory, kept in `<state>/plan-baseline.sqlite` with what
/// its load read, manifest by manifest, so that the next plan of a later commit reloads only
/// the manifests the commit's changes reach (``IncrementalPlan``).
///
/// A cache: deleting the file costs one whole plan. It is written whole into a new file and
/// renamed, so a crash leaves the old baseline or the new one. The actions it keeps carry no
/// ``Planning/PlanAction/operation``: a plan made from it is shown, never applied (an apply
/// always plans in whole).
public struct PlanBaseline: Sendable {
    /// The file name inside the state directory.
    public static let fileName = "plan-baseline.sqlite"
    /// Bumped whenever what is stored or how it is planned changes: an older file is ignored.
    static let format = 6

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

    /// Everything but the per-manifest rows and the actions, read whole.
    struct Header {
        var key: Key
        var index: RepositoryIndex
        var facts: ComputeFacts
        var policyDiagnostics: [Diagnostic]
        var unmanaged: [ResourceID]
    }

    /// The header's small values (JSON); the large ones are ``TabularText`` columns.
    private struct HeaderSummary: Codable {
        var key: Key
        var policyDiagnostics: [Diagnostic]
        var unmanaged: [ResourceID]
    }

    let database: DatabaseQueue

    /// Opens the baseline of `stateDirectory`, or nil when there is none (or it is unreadable).
    public static func open(stateDirectory: String) -> PlanBaseline? {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: file), let database = try? DatabaseQueue(path: file) else { return nil }
        return PlanBaseline(database: database)
    }

    /// A baseline being written. What the load read goes into a new file while the workspace
    /// is observed and the plan made (on another core: it is a fifth of a whole plan's time
    /// at 10,000 manifests); ``finish(_:desired:key:)`` adds the plan and puts the file in
    /// place of the old one.
    public struct Draft: Sendable {
        let file: String
        let building: String
        let database: DatabaseQueue
        let record: LoadRecord
        let recordWritten: Task<Void, any Error>

        /// Starts writing what `record` says each manifest read into a new baseline file of
        /// `stateDirectory`.
        public static func start(record: LoadRecord, stateDirectory: String) throws -> Draft {
            let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            // Written whole into a new file without a journal, then renamed over the old one: a
            // crash leaves the old baseline or the new one, and a cache needs no more. The new
            // file is this process's own: two dry runs of one state directory at once each
            // rename a whole file of their own (the last one stays), never one the other is
            // still writing.
            let building = file + ".new-\(getpid())"
            try? FileManager.default.removeItem(atPath: building)
            removeUnfinished(besides: file)
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            }
            let database = try DatabaseQueue(path: building, configuration: configuration)
            let written = Task.detached {
                try await database.write { db in try Self.writeRecord(record, db) }
            }
            return Draft(file: file, building: building, database: database, record: record, recordWritten: written)
        }

        /// Removes the new files of dry runs that died before renaming theirs (their process is
        /// gone); those of running ones stay.
        private static func removeUnfinished(besides file: String) {
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            let prefix = URL(fileURLWithPath: file).lastPathComponent + ".new-"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
                guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
            }
        }

        /// Adds `plan` of `desired` under `key` and replaces the baseline with the new file.
        public func finish(_ plan: Plan, desired: DesiredState, key: Key) async throws {
            try await recordWritten.value
            var loadCounts: [Diagnostic: Int] = [:]
            for diagnostic in desired.diagnostics { loadCounts[diagnostic, default: 0] += 1 }
            var policyDiagnostics: [Diagnostic] = []
            for diagnostic in plan.diagnostics {
                if let count = loadCounts[diagnostic], count > 0 { loadCounts[diagnostic] = count - 1 } else { policyDiagnostics.append(diagnostic) }
            }
            let summary = HeaderSummary(key: key, policyDiagnostics: policyDiagnostics, unmanaged: plan.unmanaged)
            let summaryText = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
            let index = record.index
            let environments = TabularText.encode(index.environments.values.map { [$0.name, PlanBaseline.optional($0.version), $0.hash.hex] })
            let environmentFiles = TabularText.encode(
                index.environmentFiles.map { [$0.key, $0.value.name, PlanBaseline.optional($0.value.version), $0.value.hash.hex] })
            let clusters = TabularText.encode(index.clusterNames.map { [$0] })
            let facts = ComputeFacts(desired)
            let sizes = TabularText.encode(facts.clusterSizes.map { [$0.key, $0.value] })
            let images = TabularText.encode(facts.environments.map { [$0.name, PlanBaseline.optional($0.version), PlanBaseline.optional($0.image)] })
            try await database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO header (summary, environments, environment_files, clusters, cluster_sizes, environment_images)
                            VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [summaryText, environments, environmentFiles, clusters, sizes, images])
                try Self.writeActions(plan, db)
            }
            try database.close()
            guard rename(building, file) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }

        /// Drops the new file (the plan is not one to keep) and the old baseline with it: it
        /// no longer describes the workspace's last plan.
        public func discard() async {
            _ = try? await recordWritten.value
            try? database.close()
            try? FileManager.default.removeItem(atPath: building)
            try? FileManager.default.removeItem(atPath: file)
        }

        private static func writeRecord(_ record: LoadRecord, _ db: Database) throws {
            try db.execute(sql: """
                CREATE TABLE header (
                    summary TEXT NOT NULL, environments TEXT NOT NULL, environment_files TEXT NOT NULL, clusters TEXT NOT NULL,
                    cluster_sizes TEXT NOT NULL, environment_images TEXT NOT NULL);
                CREATE TABLE component (file TEXT PRIMARY KEY NOT NULL);
                CREATE TABLE component_references (file TEXT PRIMARY KEY NOT NULL, refs TEXT NOT NULL);
                CREATE TABLE manifest (file TEXT PRIMARY KEY NOT NULL, declared TEXT NOT NULL, diagnostics TEXT);
                CREATE TABLE reads (path TEXT NOT NULL, file TEXT NOT NULL);
                CREATE TABLE plain_actions (rows TEXT NOT NULL);
                CREATE TABLE action (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
                """)
            let encoder = JSONEncoder()
            let component = try db.makeStatement(sql: "INSERT INTO component (file) VALUES (?)")
            for file in record.components { try component.execute(arguments: [file]) }
            let references = try db.makeStatement(sql: "INSERT INTO component_references (file, refs) VALUES (?, ?)")
            for (file, refs) in record.componentReferences { try references.execute(arguments: [file, TabularText.encode([refs])]) }
            let manifest = try db.makeStatement(sql: "INSERT INTO manifest (file, declared, diagnostics) VALUES (?, ?, ?)")
            let read = try db.makeStatement(sql: "INSERT INTO reads (path, file) VALUES (?, ?)")
            for (file, entry) in record.files {
                let declared = entry.declared.map { "\($0.kind.rawValue)/\($0.name)" }.joined(separator: "\n")
                let diagnostics = entry.diagnostics.isEmpty ? nil : String(decoding: try encoder.encode(entry.diagnostics), as: UTF8.self)
                try manifest.execute(arguments: [file, declared, diagnostics])
                for path in entry.reads { try read.execute(arguments: [path, file]) }
            }
            try db.execute(sql: "CREATE INDEX reads_by_path ON reads(path); CREATE INDEX reads_by_file ON reads(file)")
        }

        private static func writeActions(_ plan: Plan, _ db: Database) throws {
            // Most actions are a verb, a few facts and field changes: rows of one text (read in
            // one pass); the rest (blocked, serverless) are kept whole as JSON, by their place.
            let encoder = JSONEncoder()
            var plain = ""
            let row = try db.makeStatement(sql: "INSERT INTO action (seq, json) VALUES (?, ?)")
            for (seq, action) in plan.actions.enumerated() {
                guard PlanBaseline.isPlain(action) else {
                    // The operation (a whole job, environment or cluster) is what an apply
                    // performs; a baseline is only ever shown, and encoding thousands of jobs
                    // was most of a first plan's save.
                    var shown = action
                    shown.operation = nil
                    try row.execute(arguments: [seq, String(decoding: try encoder.encode(shown), as: UTF8.self)])
                    continue
                }
                var fields = [
                    String(seq), action.resource.kind.rawValue, action.resource.name, action.verb.rawValue, PlanBaseline.optional(action.hash),
                    PlanBaseline.optional(action.detail), PlanBaseline.optional(action.source?.file), String(action.source?.line ?? 0),
                    String(action.source?.column ?? 0), String(action.changes.count),
                ]
                for change in action.changes { fields += [change.field, PlanBaseline.optional(change.from), PlanBaseline.optional(change.to)] }
                for dependency in action.dependsOn { fields += [dependency.kind.rawValue, dependency.name] }
                TabularText.append(fields, to: &plain)
            }
            try db.execute(sql: "INSERT INTO plain_actions (rows) VALUES (?)", arguments: [plain])
        }
    }

    /// `path`, every folder above it, and the root (`""`): what a read of any of them covers.
    static func selfAndFolders(of path: String) -> [String] {
        var result = [path]
        var current = path
        while let slash = current.lastIndex(of: "/") {
            current = String(current[..<slash])
            result.append(current)
        }
        result.append("")
        return result
    }

    /// An optional text as a field: SQLite text is read up to a NUL, so an absent value is an
    /// empty field and a present one is marked with a leading `=`.
    static func optional(_ value: String?) -> String { value.map { "=" + $0 } ?? "" }

    /// Whether a text row holds `action` whole (its operation aside, which a baseline drops).
    static func isPlain(_ action: PlanAction) -> Bool {
        action.intended == nil && action.blockedBy == nil && action.serverless == nil
    }

    /// `kind/name` as a resource id.
    static func resource(_ text: Substring) -> ResourceID? {
        guard let slash = text.firstIndex(of: "/"), let kind = ResourceKind(rawValue: String(text[..<slash])) else { return nil }
        return ResourceID(kind, String(text[text.index(after: slash)...]))
    }

    /// Removes the baseline of `stateDirectory` (a plan that cannot be a baseline replaces none).
    public static func remove(stateDirectory: String) {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName).path
        try? FileManager.default.removeItem(atPath: file)
    }

    func header() throws -> Header? {
        guard let row = try database.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM header") }) else { return nil }
        let summary = try JSONDecoder().decode(HeaderSummary.self, from: Data((row["summary"] as String).utf8))
        guard summary.key.format == Self.format else { return nil }
        func version(_ text: String) -> String? { text.isEmpty ? nil : String(text.dropFirst()) }
        var index = RepositoryIndex()
        for fields in TabularText.decode(row["environments"]) where fields.count == 3 {
            index.environments[fields[0]] = IndexedEnvironment(name: fields[0], version: version(fields[1]), hash: EnvironmentHash(hex: fields[2]))
        }
        for fields in TabularText.decode(row["environment_files"]) where fields.count == 4 {
            index.environmentFiles[fields[0]] = IndexedEnvironment(name: fields[1], version: version(fields[2]), hash: EnvironmentHash(hex: fields[3]))
        }
        index.clusterNames = Set(TabularText.decode(row["clusters"]).compactMap(\.first))
        var sizes: [String: String] = [:]
        for fields in TabularText.decode(row["cluster_sizes"]) where fields.count == 2 { sizes[fields[0]] = fields[1] }
        let images = TabularText.decode(row["environment_images"]).compactMap { fields -> ComputeFacts.EnvironmentImage? in
            fields.count == 3 ? ComputeFacts.EnvironmentImage(name: fields[0], version: version(fields[1]), image: version(fields[2])) : nil
        }
        return Header(
            key: summary.key, index: index, facts: ComputeFacts(clusterSizes: sizes, environments: images), policyDiagnostics: summary.policyDiagnostics,
            unmanaged: summary.unmanaged)
    }

    /// Which of `files` pipelines use as components.
    func components(among files: Set<String>) throws -> Set<String> {
        try database.read { db in
            try Set(files.filter { try Bool.fetchOne(db, sql: "SELECT 1 FROM component WHERE file = ?", arguments: [$0]) ?? false })
        }
    }

    /// The component files each of `files` names, for those that name any.
    func componentReferences(of files: Set<String>) throws -> [String: [String]] {
        try database.read { db in
            var found: [String: [String]] = [:]
            for file in files {
                if let text = try String.fetchOne(db, sql: "SELECT refs FROM component_references WHERE file = ?", arguments: [file]) {
                    found[file] = TabularText.decode(text).first ?? []
                }
            }
            return found
        }
    }

    /// The manifest files whose load read `path` or a folder above it.
    func readers(of paths: Set<String>) throws -> Set<String> {
        var candidates: Set<String> = []
        for path in paths { candidates.formUnion(Self.selfAndFolders(of: path)) }
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
                let ids = declared.split(separator: "\n").compactMap(Self.resource)
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

    /// The whole plan the baseline holds.
    func plan(_ header: Header, revision: String?, diagnostics: [Diagnostic]) throws -> Plan {
        let decoder = JSONDecoder()
        let (rows, whole) = try database.read { db in
            (try String.fetchOne(db, sql: "SELECT rows FROM plain_actions") ?? "",
             try Row.fetchAll(db, sql: "SELECT seq, json FROM action ORDER BY seq").map { ($0[0] as Int, $0[1] as String) })
        }
        var actions: [PlanAction] = []
        actions.reserveCapacity(whole.count + rows.utf8.count / 64)
        var next = whole.makeIterator(), pending = next.next()
        let kinds = ResourceKind.allCases.map { (Array($0.rawValue.utf8), $0) }
        let verbs = PlanVerb.allCases.map { (Array($0.rawValue.utf8), $0) }
        func resourceKind(_ row: TabularRow, _ index: Int) -> ResourceKind? { kinds.first { row.equals(index, $0.0) }?.1 }
        try TabularText.forEachRow(rows) { row in
            guard row.count >= 10 else { return }
            let seq = row.int(0)
            while let (wholeSeq, json) = pending, wholeSeq < seq {
                actions.append(try decoder.decode(PlanAction.self, from: Data(json.utf8)))
                pending = next.next()
            }
            guard let kind = resourceKind(row, 1), let verb = verbs.first(where: { row.equals(3, $0.0) })?.1 else { return }
            var changes: [FieldChange] = []
            var index = 10
            for _ in 0..<row.int(9) where index + 2 < row.count {
                changes.append(FieldChange(field: row.string(index), from: row.optional(index + 1), to: row.optional(index + 2)))
                index += 3
            }
            var dependsOn: [ResourceID] = []
            while index + 1 < row.count {
                if let dependency = resourceKind(row, index) { dependsOn.append(ResourceID(dependency, row.string(index + 1))) }
                index += 2
            }
            actions.append(PlanAction(
                resource: ResourceID(kind, row.string(2)), verb: verb, changes: changes, hash: row.optional(4), detail: row.optional(5),
                dependsOn: dependsOn,
                source: row.optional(6).map { SourceLocation(file: $0, line: row.int(7), column: row.int(8)) }))
        }
        while let (_, json) = pending {
            actions.append(try decoder.decode(PlanAction.self, from: Data(json.utf8)))
            pending = next.next()
        }
        return Plan(revision: revision, actions: actions, diagnostics: diagnostics, unmanaged: header.unmanaged)
    }
}
