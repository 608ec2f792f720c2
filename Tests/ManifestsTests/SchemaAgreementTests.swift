import Foundation
import Manifests
import TestSupport
import Testing

/// The JSON Schemas in schemas/ and the loader accept the same top-level keys for every kind,
/// so an editor never flags what mlgitops accepts, nor accepts what it rejects.
@Suite("Loader and JSON Schemas agree")
struct SchemaAgreementTests {
    static let kinds: [(kind: String, schema: String)] = [
        ("compute", "amlcompute"), ("environment", "environment"), ("command", "command-job"),
        ("pipeline", "pipeline-job"), ("schedule", "schedule"), ("quota_policy", "quota-policy"),
        ("resource_lock", "resource-lock"),
    ]

    @Test(arguments: kinds.map(\.kind))
    func topLevelKeysMatch(kind: String) throws {
        let schemaName = try #require(Self.kinds.first { $0.kind == kind }?.schema)
        let url = URL(fileURLWithPath: PackagePaths.root).appendingPathComponent("schemas/\(schemaName).schema.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let properties = Set((document["properties"] as? [String: Any] ?? [:]).keys)
        let loader = ManifestVocabulary.topLevelKeys(of: kind)
        #expect(!loader.isEmpty)
        #expect(properties.subtracting(loader).sorted() == [], "the schema allows keys the loader rejects")
        #expect(loader.subtracting(properties).sorted() == [], "the loader accepts keys the schema rejects")
        #expect(document["additionalProperties"] as? Bool == false, "unknown top-level keys are errors in both")
    }
}
