import Foundation

/// The built `mlgitops` executable, run as a child process the way a user runs it.
public enum MLGitOpsBinary {
    /// What one run printed and how it exited.
    public typealias Result = ChildProcess.Result

    /// The executable beside the test bundle (`swift build --build-tests` builds both).
    public static let path: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mlgitops").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: PackagePaths.root).appendingPathComponent(".build/debug/mlgitops").path
        return fallback
    }()

    /// Runs `mlgitops arguments...` in `directory` with colors off.
    @discardableResult
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> Result {
        var env = environment
        env["NO_COLOR"] = "1"
        return try await ChildProcess.run(path, arguments, in: directory, environment: env)
    }

    /// Runs with `--output json` appended and decodes standard output.
    public static func json(_ arguments: [String], in directory: String) async throws -> (Result, [String: Any]) {
        let result = try await run(arguments + ["--output", "json"], in: directory)
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }
}
