import Manifests
import Testing

/// Scalars are typed as PyYAML (YAML 1.1) types them, which decides what the SDK accepts.
@Suite struct YAMLTypingTests {
    @Test func syntaxErrorIsLocatedWhereTheParserFailed() throws {
        let state = try load(["a.yml": "name: x\ntype: amlcompute\nsize: [unclosed\n"])
        let diagnostic = try #require(state.diagnostic("invalid YAML"))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location.file == "a.yml")
        #expect(diagnostic.location.line == 4)
        #expect(diagnostic.fix != nil)
    }

    @Test func nonMappingDocumentIsReported() throws {
        let state = try load(["list.yml": "- a\n- b\n"])
        let diagnostic = try #require(state.diagnostic("not a mapping"))
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.location.file == "list.yml")
    }

    @Test func yaml11WordsAreBooleansAndNumbersNeedTheirYAMLForm() throws {
        // `yes` is a boolean in YAML 1.1: a string field rejects it; `"1e5"`-like text stays a string.
        let state = try load([
            "c.yml": cluster("c1") + "description: yes\nlocation: 1e5\nmin_instances: 0x0\nmax_instances: \"3\"\n",
        ])
        let description = try #require(state.diagnostics.first { $0.field == "description" })
        #expect(description.message.contains("not a valid string"))
        #expect(!state.diagnostics.contains { $0.field == "location" })
        let spec = try #require(state.clusters.first?.spec)
        #expect(spec.location == "1e5")
        #expect(spec.minInstances == 0)
        #expect(spec.maxInstances == 3)
    }

    @Test func quotedScalarsAreStrings() throws {
        let state = try load(["c.yml": cluster("c1") + "description: \"yes\"\ntags: {n: '1'}\n"])
        #expect(state.errors.isEmpty)
        #expect(state.clusters.first?.description == "yes")
        #expect(state.clusters.first?.tags["n"] == "1")
    }
}
