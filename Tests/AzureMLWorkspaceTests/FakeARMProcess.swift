import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import TestSupport

/// The built `mlgitops-fake-arm`, started as a child process on a free loopback port, the way
/// a user runs it; stopped (SIGTERM to its own pid) when the value goes away.
final class FakeARMProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let directory: ScratchDirectory

    /// The executable beside the test bundle.
    static var executable: String {
        URL(fileURLWithPath: MLGitOpsBinary.path).deletingLastPathComponent().appendingPathComponent("mlgitops-fake-arm").path
    }

    static let workspaceURI = "azureml://subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg/workspaces/my-ws"
    static let workspaceID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg/providers/Microsoft.MachineLearningServices/workspaces/my-ws"

    init(_ arguments: [String] = []) async throws {
        directory = try ScratchDirectory()
        let portFile = directory.appending("port")
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["--port", "0", "--port-file", portFile, "--retry-after", "0", "--operation-polls", "1"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let found else {
            process.terminate()
            throw NoPort()
        }
        port = found
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// `GET /_fake/requests`.
    func requests() async throws -> [[String: Any]] {
        let object = try await call("GET", "/_fake/requests")
        return object["value"] as? [[String: Any]] ?? []
    }

    /// One call to the fake with a bearer token; returns the JSON answer.
    @discardableResult
    func call(_ method: String, _ path: String, body: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer test-token")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
    }
}

/// The fake never wrote its port file.
struct NoPort: Error, CustomStringConvertible {
    var description: String { "the fake ARM server did not report a port" }
}
