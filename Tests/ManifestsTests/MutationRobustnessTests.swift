import Foundation
import GitSource
import Manifests
import TestSupport
import Testing

/// Whatever bytes a commit holds, loading never crashes: broken input is a diagnostic.
@Suite("Loader robustness")
struct MutationRobustnessTests {
    /// A small deterministic generator, so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        guard !bytes.isEmpty else { return [0x3A] }
        var result = bytes
        let lines = result.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        switch rng.next() % 7 {
        case 0: result = Array(result.prefix(Int(rng.next() % UInt64(result.count))))  // truncated
        case 1: result[Int(rng.next() % UInt64(result.count))] = UInt8(truncatingIfNeeded: rng.next())  // a byte flipped
        case 2: result.insert(contentsOf: Array("\n  - [{".utf8), at: Int(rng.next() % UInt64(result.count)))
        case 3: result = Array(lines.shuffled(using: &rng).joined(separator: [0x0A]))  // lines reordered
        case 4: result = Array(lines.map { Array("  ".utf8) + $0 }.joined(separator: [0x0A]))  // re-indented
        case 5: result = Array(result.map { $0 == 0x3A ? 0x20 : $0 })  // every colon gone
        default: result += Array("\n\(String(repeating: "x: ", count: 40))&anchor *alias\n".utf8)
        }
        return result
    }

    @Test func mutatedCorpusFilesNeverCrashTheLoader() async throws {
        let corpus = PackagePaths.shared + "/corpus/azureml-examples"
        guard FileManager.default.fileExists(atPath: corpus + "/cli") else {
            print("skipped: \(corpus) is not present")
            return
        }
        let base = try SnapshotFixture.folder(corpus)
        let yamlPaths = base.sortedPaths.filter { Snapshot.isYAMLPath($0) && $0.hasPrefix("cli/jobs/") }
        #expect(yamlPaths.count > 50)
        // Thirty full loads: off the cooperative pool (see offThePool).
        let rounds = try await offThePool { () -> [(jobs: Int, located: Bool)] in
            var rng = SplitMix(state: 2026)
            return (0..<30).map { _ in
                var files = Array(base.files.values)
                for index in files.indices where files[index].content != nil && rng.next() % 3 == 0 {
                    files[index].content = Self.mutate(files[index].content!, &rng)
                }
                let state = ManifestLoader.load(Snapshot(commit: base.commit, files: files), path: "cli/jobs")
                return (state.jobs.count, state.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
            }
        }
        for (round, result) in rounds.enumerated() { #expect(result.located, "round \(round)") }
        let loaded = rounds.reduce(0) { $0 + $1.jobs }
        #expect(loaded > 0, "mutations leave some files valid: the loader kept going past the broken ones")
    }
}
