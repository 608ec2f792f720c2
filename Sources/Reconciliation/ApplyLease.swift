public import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Who holds (or asks for) the apply lease: enough for a person to find the process.
public struct LeaseHolder: Sendable, Hashable, Codable {
    /// Unique per acquisition, so a process never mistakes another's lease for its own.
    public var token: String
    public var pid: Int32
    public var hostname: String
    /// The command line, e.g. `mlgitops reconcile --repo . --path ml`.
    public var command: String
    public var startedAt: Date
    /// The last time the holder said it is alive.
    public var heartbeatAt: Date

    public init(token: String, pid: Int32, hostname: String, command: String, startedAt: Date, heartbeatAt: Date) {
        self.token = token
        self.pid = pid
        self.hostname = hostname
        self.command = command
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
    }

    /// This process, now.
    public static func current(command: String? = nil, at date: Date = Date()) -> LeaseHolder {
        LeaseHolder(
            token: UUID().uuidString, pid: getpid(), hostname: ProcessInfo.processInfo.hostName,
            command: command ?? commandLine,
            startedAt: date, heartbeatAt: date)
    }

    /// This process's command line, the executable without its folder.
    static var commandLine: String {
        var words = CommandLine.arguments
        if let first = words.first { words[0] = URL(fileURLWithPath: first).lastPathComponent }
        // Others read the holder: a remote URL's credentials never go into the lease.
        return words.map { word in
            guard let scheme = word.range(of: "://"), let at = word[scheme.upperBound...].firstIndex(of: "@") else { return word }
            return word.replacingCharacters(in: scheme.upperBound..<at, with: "***")
        }.joined(separator: " ")
    }

    /// `pid 4242 on build-01 (mlgitops reconcile ..., since 2026-12-04T14:00:00Z)`.
    public var description: String {
        "pid \(pid) on \(hostname) (`\(command)`, since \(ISO8601DateFormatter().string(from: startedAt)))"
    }
}

/// The apply lease could not be taken.
public enum LeaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another live process holds it, and waiting did not help.
    case held(by: LeaseHolder, waited: TimeInterval, file: String)
    /// The lease table could not be used.
    case storage(file: String, detail: String)

    public var description: String {
        switch self {
        case .held(let holder, let waited, let file):
            "another apply is in progress on this state: the lease in \(file) is held by \(holder.description), "
                + "last heartbeat \(ISO8601DateFormatter().string(from: holder.heartbeatAt))"
                + (waited > 0 ? " (waited \(Int(waited.rounded()))s)" : "")
                + "; wait for it to finish, or pass --lease-wait SECONDS to wait for it. A lease whose process is gone "
                + "is taken over at once on the same host, and after \(Int(ApplyLease.defaultTimeToLive))s without a heartbeat from another host"
        case .storage(let file, let detail):
            "the apply lease in \(file) could not be used: \(detail) (check the --state folder's permissions and free space)"
        }
    }
}

/// One writer at a time: a lease row in the state's `history.sqlite` that a `reconcile` (or
/// `sync`) holds while it plans and applies. A second process waits for it or gives up with
/// the holder's name. A holder that died leaves its row behind: the row expires when its
/// process is gone (same host) or its heartbeat is older than ``timeToLive`` (any host), and
/// the next process takes it over.
public final class ApplyLease: Sendable {
    /// How long a lease lives without a heartbeat.
    public static let defaultTimeToLive: TimeInterval = 60

    private let database: DatabasePool
    /// The SQLite file holding the lease.
    public let file: String
    public let timeToLive: TimeInterval

    /// The lease of the state whose history is `history`.
    public init(history: HistoryStore, timeToLive: TimeInterval = ApplyLease.defaultTimeToLive) {
        database = history.database
        file = history.file
        self.timeToLive = timeToLive
    }

    /// What came of one attempt.
    public enum Attempt: Sendable, Equatable {
        case acquired
        /// Taken over from a holder that is gone.
        case tookOver(from: LeaseHolder)
        case held(by: LeaseHolder)
    }

    /// One attempt, in one immediate transaction, at `now`: takes the lease if it is free,
    /// ours, or its holder is gone.
    public func tryAcquire(_ holder: LeaseHolder, now: Date = Date()) throws(LeaseError) -> Attempt {
        let timeToLive = timeToLive
        return try write { db in
            let existing = try Self.holder(db)
            var attempt = Attempt.acquired
            if let existing, existing.token != holder.token {
                if Self.isGone(existing, now: now, timeToLive: timeToLive) {
                    attempt = .tookOver(from: existing)
                } else {
                    return .held(by: existing)
                }
            }
            var fresh = holder
            fresh.heartbeatAt = now
            try db.execute(sql: "DELETE FROM apply_lease")
            try db.execute(
                sql: "INSERT INTO apply_lease (id, token, pid, hostname, command, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    fresh.token, Int(fresh.pid), fresh.hostname, fresh.command, fresh.startedAt.timeIntervalSince1970,
                    now.timeIntervalSince1970,
                ])
            return attempt
        }
    }

    /// Takes the lease for `holder`, waiting up to `wait` seconds for a live holder to let go;
    /// `onWait` is called once with the holder being waited for. The returned lease keeps its
    /// heartbeat until ``HeldLease/release()``.
    public func acquire(
        _ holder: LeaseHolder = .current(), wait: TimeInterval = 0, onWait: (@Sendable (LeaseHolder) -> Void)? = nil
    ) async throws(LeaseError) -> HeldLease {
        let start = Date()
        var told = false
        while true {
            switch try tryAcquire(holder) {
            case .acquired, .tookOver:
                return HeldLease(lease: self, holder: holder)
            case .held(let other):
                let waited = Date().timeIntervalSince(start)
                if waited >= wait { throw .held(by: other, waited: waited, file: file) }
                if !told {
                    told = true
                    onWait?(other)
                }
                // Polling is fine here: a lease changes hands once per apply.
                try? await Task.sleep(nanoseconds: 200_000_000)
            }
        }
    }

    /// Takes the apply lease of the state in `stateDirectory` for this process, telling
    /// standard error once whom it waits for; the way `reconcile` and `sync` take it.
    public static func acquireForApply(
        stateDirectory: String, wait: TimeInterval, command: String? = nil
    ) async throws -> HeldLease {
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: stateDirectory))
        return try await lease.acquire(.current(command: command), wait: wait) { holder in
            FileHandle.standardError.write(Data(
                "waiting up to \(Int(wait.rounded()))s for the apply lease held by \(holder.description)\n".utf8))
        }
    }

    /// The current holder, if any (expired or not).
    public func holder() throws(LeaseError) -> LeaseHolder? {
        try write { db in try Self.holder(db) }
    }

    /// Renews `holder`'s heartbeat; false when the lease is no longer theirs.
    @discardableResult
    public func heartbeat(_ holder: LeaseHolder, now: Date = Date()) throws(LeaseError) -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE apply_lease SET heartbeat_at = ? WHERE token = ?", arguments: [now.timeIntervalSince1970, holder.token])
            return db.changesCount > 0
        }
    }

    /// Lets go of `holder`'s lease (nothing if it is not theirs any more).
    public func release(_ holder: LeaseHolder) throws(LeaseError) {
        try write { db in try db.execute(sql: "DELETE FROM apply_lease WHERE token = ?", arguments: [holder.token]) }
    }

    /// Whether `holder` is gone: its heartbeat is older than the time to live, or it ran on this
    /// host and its process no longer exists.
    static func isGone(_ holder: LeaseHolder, now: Date, timeToLive: TimeInterval) -> Bool {
        if now.timeIntervalSince(holder.heartbeatAt) > timeToLive { return true }
        guard holder.hostname == ProcessInfo.processInfo.hostName else { return false }
        // kill(pid, 0) probes without signalling; ESRCH means no such process. EPERM means it
        // exists under another user: alive.
        return kill(holder.pid, 0) != 0 && errno == ESRCH
    }

    private static func holder(_ db: Database) throws -> LeaseHolder? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM apply_lease WHERE id = 1") else { return nil }
        let pid: Int = row["pid"]
        return LeaseHolder(
            token: row["token"], pid: Int32(pid), hostname: row["hostname"], command: row["command"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]), heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]))
    }

    private func write<T>(_ body: (Database) throws -> T) throws(LeaseError) -> T {
        do {
            // Immediate: the read of the holder and the write of ours are one decision.
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw .storage(file: file, detail: "\(error)")
        }
    }
}

/// A lease this process holds: a heartbeat keeps it alive until it is released.
///
/// The heartbeat runs on its own thread, not the cooperative pool: a pool kept busy by the
/// apply must not make a live holder look dead.
public final class HeldLease: Sendable {
    public let lease: ApplyLease
    public let holder: LeaseHolder
    /// Signalled on release: ends the heartbeat's wait at once.
    private let stop = DispatchSemaphore(value: 0)
    private let releases = ReleaseCount()

    init(lease: ApplyLease, holder: LeaseHolder) {
        self.lease = lease
        self.holder = holder
        let interval = max(0.5, lease.timeToLive / 4)
        let stop = stop
        let thread = Thread {
            while stop.wait(timeout: .now() + interval) == .timedOut {
                if (try? lease.heartbeat(holder)) == false {
                    FileHandle.standardError.write(Data(
                        "warning: the apply lease was taken over by another process (this one was silent for more than \(Int(lease.timeToLive))s)\n".utf8))
                    return
                }
            }
        }
        thread.name = "mlgitops.lease-heartbeat"
        thread.start()
    }

    /// Stops the heartbeat and frees the lease for the next process. Idempotent.
    public func release() {
        guard releases.isFirst() else { return }
        stop.signal()
        try? lease.release(holder)
    }

    deinit { release() }
}

/// Tells the first release from later ones (a lock and a flag: a Mutex needs macOS 15, and
/// libdispatch traps on a semaphore freed below its start value).
private final class ReleaseCount: @unchecked Sendable {
    private let lock = NSLock()
    private var released = false

    func isFirst() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if released { return false }
        released = true
        return true
    }
}
