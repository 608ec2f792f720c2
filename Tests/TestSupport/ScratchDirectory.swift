import Foundation

/// An empty temporary folder, removed with everything in it when the value goes away.
public final class ScratchDirectory: @unchecked Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Makes a fresh folder named after the test.
    public init(function: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mlgitops-tests")
        let safe = function.filter { $0.isLetter || $0.isNumber }
        path = base.appendingPathComponent("\(safe)-dir-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `relativePath` inside the folder (not created).
    public func appending(_ relativePath: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(relativePath).path
    }
}

extension ScratchRepository {
    /// Makes a bare clone of this repository at `path` with the git CLI, to serve as a remote.
    @discardableResult
    public func bareClone(at path: String) throws -> String {
        try Self.run(["git", "clone", "-q", "--bare", self.path, path], in: self.path)
        return path
    }

    /// Pushes `branch` to the repository at `remotePath`, forcing it.
    public func push(_ branch: String = "main", to remotePath: String) throws {
        try git("push", "-q", "--force", remotePath, "\(branch):\(branch)")
    }
}
