import Foundation
import Manifests
import Testing

/// A research aid, skipped unless `MANIFESTS_PROBE=<folder>` is set: loads the folder and prints
/// one JSON line per YAML file with our verdict, to compare with the SDK oracle on the same files
/// (docs/manifests.md, "Agreement with the SDK").
@Suite struct ProbeTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MANIFESTS_PROBE"] != nil))
    func probe() throws {
        let folder = try #require(ProcessInfo.processInfo.environment["MANIFESTS_PROBE"])
        let snapshot = try SnapshotFixture.folder(folder)
        let state = ManifestLoader.load(snapshot, path: ProcessInfo.processInfo.environment["MANIFESTS_PROBE_PATH"] ?? "")
        let errors = Dictionary(grouping: state.errors.filter { !$0.message.hasPrefix("duplicate ") }, by: \.location.file)
        var printed = 0
        for path in snapshot.sortedPaths where path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
            printed += 1
            let files = [path] + ManifestLoader.referencedFiles(snapshot, of: path)
            let found = files.flatMap { errors[$0] ?? [] }
            let line: [String: String] = ["path": path, "verdict": found.isEmpty ? "OK" : "ERROR", "error": found.first?.formatted ?? ""]
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
            print("PROBE " + String(decoding: data, as: UTF8.self))
        }
        #expect(printed > 0, "no YAML file under \(folder)")
    }
}
