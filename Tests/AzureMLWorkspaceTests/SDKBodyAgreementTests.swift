import AzureMLWorkspace
import Foundation
import GitSource
import Manifests
import Testing
import TestSupport

/// Our request bodies against the official SDK's (azure-ai-ml 1.35.2, the corpus's
/// expected.jsonl) for every file of our kinds that the SDK accepts. Differences that remain are
/// listed and explained in docs/azure.md; this test prints the table and fails if the agreement
/// falls below what was reached.
@Suite struct SDKBodyAgreementTests {
    /// `../shared` beside the clone (CI), or `MLGITOPS_SHARED`.
    static var corpus: String {
        let shared = ProcessInfo.processInfo.environment["MLGITOPS_SHARED"] ?? PackagePaths.shared
        return shared + "/corpus/azureml-examples"
    }

    struct Expectation: Decodable {
        struct Request: Decodable {
            var method: String
            var url: String
        }
        var path: String
        var kind: String
        var role: String
        var verdict: String
        var requests: [Request]
    }

    /// Agreement reached (per-leaf share over all files, and files whose final body matches
    /// exactly); the test fails if a change lowers either.
    static let leafFloor = 0.76
    static let exactFloor = 46

    @Test func requestBodiesAgreeWithTheSDK() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus + "/expected.jsonl") else {
            print("SKIPPED: the shared corpus is not at \(Self.corpus) (set MLGITOPS_SHARED to the folder holding corpus/)")
            return
        }
        let snapshot = try Self.folder(Self.corpus)
        let state = ManifestLoader.load(snapshot, path: "cli")
        let bodies = ARMBodies(
            address: AzureWorkspaceAddress(subscription: "00000000-0000-0000-0000-000000000000", resourceGroup: "my-rg", workspace: "my-ws"),
            location: "<workspace-location>")
        let raw = try String(contentsOfFile: Self.corpus + "/expected.jsonl", encoding: .utf8).split(separator: "\n")
        var rows: [String: (files: Int, exact: Int, matched: Int, leaves: Int)] = [:]
        var differences: [String: Int] = [:]
        for line in raw {
            let data = Data(line.utf8)
            let expectation = try JSONDecoder().decode(Expectation.self, from: data)
            guard expectation.role == "resource", expectation.verdict == "OK",
                ["compute", "environment", "command_job", "pipeline_job", "schedule"].contains(expectation.kind),
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let requests = object["requests"] as? [[String: Any]], let last = requests.last,
                let expected = last["body"] as? [String: Any]
            else { continue }
            let ours: [String: Any]?
            switch expectation.kind {
            case "compute": ours = state.clusters.first { $0.source.file == expectation.path }.map { bodies.cluster($0) }
            case "environment": ours = state.environments.first { $0.source.file == expectation.path }.map { bodies.environment($0) }
            case "schedule": ours = state.schedules.first { $0.source.file == expectation.path }.map { ["properties": bodies.schedule($0).properties] }
            default: ours = state.jobs.first { $0.source.file == expectation.path }.map { ["properties": bodies.job($0).properties] }
            }
            var row = rows[expectation.kind, default: (0, 0, 0, 0)]
            row.files += 1
            let want = Self.leaves(Self.normalised(expected, expected: true))
            let have = ours.map { Self.leaves(Self.normalised($0, expected: false)) } ?? [:]
            let matched = want.filter { have[$0.key] == $0.value }.count
            let extra = have.keys.filter { want[$0] == nil }
            row.matched += matched
            row.leaves += want.count + extra.count
            if matched == want.count && extra.isEmpty { row.exact += 1 }
            for key in want.keys where have[key] != want[key] { differences["\(expectation.kind) \(key): \(have[key] == nil ? "missing" : "differs")", default: 0] += 1 }
            for key in extra { differences["\(expectation.kind) \(key): extra", default: 0] += 1 }
            rows[expectation.kind] = row
        }
        print("kind            files  exact  leaves agreeing")
        var matched = 0, leaves = 0, exact = 0
        for (kind, row) in rows.sorted(by: { $0.key < $1.key }) {
            let share = row.leaves == 0 ? 1 : Double(row.matched) / Double(row.leaves)
            print("\(kind.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%5d  %5d  %6.1f%%", row.files, row.exact, share * 100))")
            matched += row.matched
            leaves += row.leaves
            exact += row.exact
        }
        let overall = leaves == 0 ? 1 : Double(matched) / Double(leaves)
        print(String(format: "overall: %.1f%% of leaves agree, %d files exactly", overall * 100, exact))
        for (difference, count) in differences.sorted(by: { $0.value > $1.value }) { print("DIFF \(count)x \(difference)") }
        #expect(!rows.isEmpty)
        #expect(overall >= Self.leafFloor, "leaf agreement fell to \(overall)")
        #expect(exact >= Self.exactFloor, "exact matches fell to \(exact)")
    }

    /// Placeholders of the oracle and values that cannot agree by construction, made equal:
    /// content hashes of stubbed uploads, SDK-random names, the oracle's working directory, and
    /// our own tags (docs/azure.md lists them).
    static func normalised(_ value: Any, expected: Bool, key: String = "") -> Any {
        switch value {
        case let object as [String: Any]:
            var result: [String: Any] = [:]
            for (k, v) in object {
                if k.hasPrefix("mlgitops.") { continue }
                if k == "displayName" || k == "experimentName" { continue }
                result[k] = normalised(v, expected: expected, key: k)
            }
            // Our own tags removed; an empty tags object says nothing on either side.
            if let tags = result["tags"] as? [String: Any], tags.isEmpty { result["tags"] = nil }
            return result
        case let array as [Any]:
            return array.map { normalised($0, expected: expected) }
        case let text as String:
            var t = text
            for (pattern, replacement) in [
                ("LocalUpload/[0-9a-f]{64}", "LocalUpload/<hash>"), ("/codes/[0-9a-f]{64}/", "/codes/<hash>/"),
                ("CliV2AnonymousEnvironment/versions/[0-9a-f]{64}", "CliV2AnonymousEnvironment/versions/<hash>"),
                ("azureml_anonymous/versions/[0-9a-f-]{36}", "azureml_anonymous/versions/<uuid>"),
                ("\"hash_sha256\"", "\"hash_sha256\""),
            ] {
                t = t.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            if key == "hash_sha256" { return "<hash>" }
            return t
        default:
            return value
        }
    }

    /// Every leaf as `a.b.c` -> its JSON text (arrays compared whole).
    static func leaves(_ value: Any, prefix: String = "") -> [String: String] {
        if let object = value as? [String: Any] {
            if object.isEmpty { return [prefix: "{}"] }
            var result: [String: String] = [:]
            for (key, child) in object { result.merge(leaves(child, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { a, _ in a } }
            return result
        }
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])) ?? Data()
        return [prefix: String(decoding: data, as: UTF8.self)]
    }

    /// A folder on disk as a snapshot (blob ids are SHA-256 of the content).
    static func folder(_ root: String) throws -> Snapshot {
        let base = URL(fileURLWithPath: root)
        var files: [TreeFile] = []
        let prefix = base.standardizedFileURL.path + "/"
        let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
            let data = try Data(contentsOf: url)
            var hash = SHA256()
            hash.update(Array(data))
            let yaml = Snapshot.isYAMLPath(path)
            files.append(TreeFile(path: path, blobID: hash.hexDigest(), mode: .file, content: yaml ? Array(data) : nil))
        }
        let commit = CommitInfo(
            sha: String(repeating: "0", count: 40), authorName: "Test", authorEmail: "test@example.com", time: Date(timeIntervalSince1970: 0),
            message: "corpus")
        return Snapshot(commit: commit, files: files)
    }
}
