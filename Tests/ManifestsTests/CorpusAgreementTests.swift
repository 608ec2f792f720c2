import Foundation
import GitSource
import Manifests
import Testing
import TestSupport

/// Our verdicts against the Azure ML SDK's (azure-ai-ml 1.35.2) on real example files.
@Suite struct CorpusAgreementTests {
    static let corpus = PackagePaths.shared + "/corpus/azureml-examples"

    struct Expectation: Decodable {
        var path: String
        var kind: String
        var role: String
        var verdict: String
        var error: String?
    }

    /// Deliberate differences from the SDK, with the reason (docs/manifests.md lists them too).
    static let allowedDifferences: [String: String] = [:]

    @Test func verdictsAgreeWithTheSDK() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus + "/expected.jsonl") else {
            print("SKIPPED: corpus not found at \(Self.corpus)")
            return
        }
        let snapshot = try SnapshotFixture.folder(Self.corpus)
        let started = Date()
        let state = ManifestLoader.load(snapshot, path: "cli")
        let elapsed = Date().timeIntervalSince(started)
        let errorsByFile = Dictionary(grouping: state.errors.filter { !$0.message.hasPrefix("duplicate ") }, by: \.location.file)

        let lines = try String(contentsOfFile: Self.corpus + "/expected.jsonl", encoding: .utf8).split(separator: "\n")
        let expectations = try lines.map { try JSONDecoder().decode(Expectation.self, from: Data($0.utf8)) }
        var table: [String: (files: Int, agree: Int)] = [:]
        var disagreements: [String] = []
        for expectation in expectations where expectation.verdict != "SKIP" {
            let errors: [Diagnostic]
            if expectation.role == "resource" {
                let files = [expectation.path] + ManifestLoader.referencedFiles(snapshot, of: expectation.path)
                errors = files.flatMap { errorsByFile[$0] ?? [] }
            } else {
                errors = ManifestLoader.validateComponent(snapshot, file: expectation.path).filter { $0.severity == .error }
            }
            let rejected = !errors.isEmpty
            let agrees = rejected == (expectation.verdict == "ERROR") || Self.allowedDifferences[expectation.path] != nil
            let key = expectation.role == "resource" ? expectation.kind : "component (referenced)"
            table[key, default: (0, 0)].files += 1
            if agrees { table[key, default: (0, 0)].agree += 1 } else {
                let ours = errors.first.map { $0.formatted } ?? "no error"
                let theirs = expectation.error.map { String($0.prefix(160)).replacingOccurrences(of: "\n", with: " ") } ?? "OK"
                disagreements.append("\(expectation.path)\n    SDK: \(expectation.verdict) \(theirs)\n    us:  \(ours)")
            }
        }
        print("kind                     files  agree  disagree")
        for (kind, row) in table.sorted(by: { $0.key < $1.key }) {
            print("\(kind.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(row.files).leftPad(5))  \(String(row.agree).leftPad(5))  \(String(row.files - row.agree).leftPad(8))")
        }
        print("loaded \(snapshot.files.count) files in \(String(format: "%.3f", elapsed)) s; \(state.errors.count) errors, \(state.warnings.count) warnings")
        for line in disagreements { print("DISAGREE \(line)") }
        if ProcessInfo.processInfo.environment["CORPUS_DIAGNOSTICS"] != nil {
            for diagnostic in state.diagnostics { print(diagnostic.formatted) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) verdicts differ from the SDK")
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
