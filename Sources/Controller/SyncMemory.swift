import Foundation

/// What the controller remembers across restarts, in `<state>/sync.json`: the last commit it
/// applied (of which source, branch and path) and when it last checked for drift. A restart
/// thus neither re-applies a commit nor forgets that a drift check is due.
struct SyncMemory: Codable, Sendable, Equatable {
    /// Identifies what was followed: `source branch path`.
    var followed: String
    /// The last commit applied in full (every chosen action done).
    var lastApplied: String?
    /// When the last full drift check ran (seconds since 1970).
    var lastDriftCheck: Double?

    static func file(in stateDirectory: String) -> String {
        URL(fileURLWithPath: stateDirectory).appendingPathComponent("sync.json").path
    }

    /// The memory for `followed`, or an empty one when the file is missing, unreadable or about
    /// something else (a changed source starts afresh).
    static func load(from stateDirectory: String, followed: String) -> SyncMemory {
        let empty = SyncMemory(followed: followed)
        guard let data = FileManager.default.contents(atPath: file(in: stateDirectory)),
            let memory = try? JSONDecoder().decode(SyncMemory.self, from: data), memory.followed == followed
        else { return empty }
        return memory
    }

    /// Writes the memory atomically (a crash leaves the old file or the new one).
    func save(to stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.file(in: stateDirectory)), options: .atomic)
    }
}
