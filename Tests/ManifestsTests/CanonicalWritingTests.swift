import Foundation
import Testing
import TestSupport

@testable import Manifests

/// Job hashes are written straight from the YAML nodes; they must be the bytes the value tree
/// (`CanonicalJSON(node).substituting(...)`) gives, or every job would be submitted again.
@Suite struct CanonicalWritingTests {
    static func direct(_ node: YAMLNode, _ prefix: String, _ replacements: [String: CanonicalJSON], _ excluded: Set<String>) -> [UInt8] {
        var out: [UInt8] = []
        CanonicalJSON.write(node, under: prefix, replacing: replacements, excluding: excluded, into: &out)
        return out
    }

    static func parse(_ text: String) throws -> YAMLNode {
        guard case .parsed(let root?) = YAMLDocument.parse(Array(text.utf8)) else { throw CocoaError(.fileReadCorruptFile) }
        return root
    }

    /// Every member path of mappings reachable through mappings (what resolutions name).
    static func memberPaths(_ node: YAMLNode, _ path: String) -> [String] {
        guard let entries = node.entries else { return [] }
        return entries.flatMap { entry -> [String] in
            let child = path.isEmpty ? entry.key : path + "." + entry.key
            return [child] + memberPaths(entry.value, child)
        }
    }

    @Test func edgeCasesWriteAsTheTreeDoes() throws {
        let documents = [
            "b: 1\na: 2\nc: [x, {z: 1, y: 2}]\n",
            "dup: 1\ndup: 2\nother: {k: v, k: w}\n",
            "\"dotted.key\": {code: ./src}\ncode: ./src\ninputs: {data: {path: ./d, type: uri_folder}}\n",
            "\"\": empty key\nn: ~\nf: 1.50\ni: 0x1F\nb: yes\ns: \"quote \\\" and \\\\ and \\t\"\nd: 2024-01-01\n",
            "jobs:\n  train:\n    component: ./train.yml\n    inputs: {x: 1}\n  score: {code: ./score}\nname: n\ndescription: d\n",
            "- a\n- {b: 1}\n",
            "plain",
        ]
        for text in documents {
            let root = try Self.parse(text)
            let paths = Self.memberPaths(root, "")
            var replacements: [String: CanonicalJSON] = [:]
            for (index, path) in paths.enumerated() where index % 2 == 0 {
                replacements[path] = .object(["digest": .string("sha256:\(index)"), "n": .number("\(index)")])
            }
            replacements["not.there"] = .string("never written")
            replacements["c.0"] = .string("lists are not followed")
            for excluded in [Set<String>(), ["name", "description", "dup", "jobs"]] {
                for subset in [[:], replacements] {
                    let tree = CanonicalJSON(root).substituting(subset, under: "", excluding: excluded).utf8
                    #expect(Self.direct(root, "", subset, excluded) == tree, "\(text.debugDescription) excluding \(excluded)")
                }
            }
            // A node found below a field, and a replacement of the node itself.
            let nested = CanonicalJSON(root).substituting(replacements, under: "outer.field").utf8
            #expect(Self.direct(root, "outer.field", replacements, []) == nested)
            #expect(Self.direct(root, "whole", ["whole": .string("replaced")], []) == Array(#""replaced""#.utf8))
        }
    }

    /// Every manifest of the examples repository and of the corpus, with substitutions at
    /// every other member path.
    @Test func everyRepositoryFileWritesAsTheTreeDoes() throws {
        let count = try RepositoryYAMLFiles.forEach { file, bytes in
            guard case .parsed(let root?) = YAMLDocument.parse(bytes) else { return }
            var replacements: [String: CanonicalJSON] = [:]
            for (index, path) in Self.memberPaths(root, "").enumerated() where index % 3 == 1 {
                replacements[path] = .string("resolved-\(index)")
            }
            let tree = CanonicalJSON(root).substituting(replacements, under: "", excluding: JobHasher.descriptiveKeys).utf8
            #expect(Self.direct(root, "", replacements, JobHasher.descriptiveKeys) == tree, "\(file)")
        }
        #expect(count >= RepositoryYAMLFiles.expectedAtLeast, "found only \(count) YAML files to compare")
    }
}
