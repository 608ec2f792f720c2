import Foundation
import TestSupport

/// Runs a tool through TestSupport's ChildProcess and returns its standard output.
enum TestSupportBridge {
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.path
        return try await ChildProcess.run(executable, arguments, in: directory).stdout
    }
}
