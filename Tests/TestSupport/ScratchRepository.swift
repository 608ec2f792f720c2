import Foundation

/// A real git repository in a temporary folder, made with the git CLI (tests only: product code
/// reads git through libgit2).
public final class ScratchRepository: @unchecked Sendable {
    /// The work tree's absolute path.
    public let path: String

    /// Makes an empty repository on branch `main` with a fixed identity.
    public init(function: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mlgitops-tests")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let safe = function.filter { $0.isLetter || $0.isNumber }
        path = base.appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Author")
        try git("config", "user.email", "author@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes (or overwrites) a file, making folders as needed.
    public func write(_ relativePath: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Removes a file or folder.
    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).appendingPathComponent(relativePath).path)
    }

    /// Copies a folder's contents into the repository at `relativePath`.
    public func copyTree(from source: String, to relativePath: String = "") throws {
        let destination = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(
                atPath: URL(fileURLWithPath: source).appendingPathComponent(item).path,
                toPath: destination.appendingPathComponent(item).path)
        }
    }

    /// Stages everything and commits; returns the new commit's sha.
    @discardableResult
    public func commitAll(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the repository and returns its standard output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try Self.run(["git"] + arguments, in: path)
    }

    /// Runs a command and returns its standard output; throws when it exits non-zero.
    @discardableResult
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(arguments: arguments, status: process.terminationStatus,
                                 stderr: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A command run by a test exited non-zero.
public struct CommandFailure: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32
    public var stderr: String
    public var description: String { "\(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
}

/// Where the package's own files are (for fixtures such as examples-repo/ and ../shared).
public enum PackagePaths {
    /// The package root, found from this source file's path.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared` beside the package, when present.
    public static var shared: String { URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared").path }
}
