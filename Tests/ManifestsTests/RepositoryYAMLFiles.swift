import Foundation
import TestSupport

/// Every YAML file of the package's examples repository (and of other folders asked for) and of
/// the shared corpus when it is present: real inputs for tests that compare two implementations.
enum RepositoryYAMLFiles {
    static let corpus = PackagePaths.shared + "/corpus/azureml-examples"

    /// How many files a run should at least have compared: the examples repository's alone in
    /// a bare clone, hundreds more with the shared corpus beside it.
    static var expectedAtLeast: Int { FileManager.default.fileExists(atPath: corpus) ? 100 : 5 }

    /// Calls `body` with each file's path (relative to its folder) and bytes; returns how many.
    @discardableResult
    static func forEach(including folders: [String] = [], _ body: (String, [UInt8]) throws -> Void) throws -> Int {
        var roots = [PackagePaths.root + "/examples-repo"] + folders.map { PackagePaths.root + "/" + $0 }
        if FileManager.default.fileExists(atPath: corpus) { roots.append(corpus) }
        var count = 0
        for root in roots {
            guard let files = FileManager.default.enumerator(atPath: root) else { continue }
            for case let file as String in files where file.hasSuffix(".yml") || file.hasSuffix(".yaml") {
                try body(file, try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + file))))
                count += 1
            }
        }
        return count
    }
}
