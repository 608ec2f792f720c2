import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A child process left running while a test talks to it (a `sync --listen`, a git HTTP
/// server), with its output in files and its end awaited without blocking the pool.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL
    private let ended: Task<Int32, Never>

    init(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let temporary = FileManager.default.temporaryDirectory
        stdoutFile = temporary.appendingPathComponent("mlgitops-bg-out-\(UUID().uuidString)")
        stderrFile = temporary.appendingPathComponent("mlgitops-bg-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        let box = StatusBox()
        process.terminationHandler = { finished in box.settle(finished.terminationStatus) }
        ended = Task { await box.value() }
        try process.run()
    }

    deinit {
        if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the exit status.
    func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return await ended.value
    }

    /// The exit status once the process has ended by itself.
    func exitStatus() async -> Int32 { await ended.value }
}

/// The exit status, handed from the termination handler to whoever awaits it.
private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiting: CheckedContinuation<Int32, Never>?

    func settle(_ value: Int32) {
        let resumed: CheckedContinuation<Int32, Never>? = lock.withLock {
            status = value
            defer { waiting = nil }
            return waiting
        }
        resumed?.resume(returning: value)
    }

    func value() async -> Int32 {
        await withCheckedContinuation { continuation in
            let ready: Int32? = lock.withLock {
                if let status { return status }
                waiting = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// A free TCP port on 127.0.0.1 (bound, read, released: a small race a test accepts).
enum FreePort {
    static func pick() throws -> Int {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Plain HTTP requests to 127.0.0.1 through curl (a real client, off the cooperative pool).
enum LocalHTTP {
    struct Answer {
        var status: Int
        var body: String
    }

    static func request(
        _ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil
    ) async throws -> Answer {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--max-time", "20"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append(url)
        let result = try await TestSupportBridge.run("/usr/bin/curl", arguments)
        var lines = result.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return Answer(status: status, body: lines.joined(separator: "\n"))
    }

    /// Waits until `url` answers 200, up to `seconds`.
    static func waitUntilUp(_ url: String, seconds: Double = 60) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let answer = try? await request("GET", url), answer.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
