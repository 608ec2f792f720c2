import Manifests
import Testing

@Suite struct ClusterTests {
    @Test func defaultsAreTheSDKs() throws {
        let state = try load(["compute/c.yml": cluster("cpu")])
        #expect(state.errors.isEmpty)
        let spec = try #require(state.clusters.first?.spec)
        #expect(spec.size == "STANDARD_DS3_V2")
        #expect(spec.minInstances == 0)
        #expect(spec.maxInstances == 4)
        #expect(spec.idleTimeBeforeScaleDown == 120)
        #expect(spec.tier == .dedicated)
        #expect(state.clusters.first?.source.file == "compute/c.yml")
    }

    @Test func unknownKeyIsAnErrorAtTheKeyWithASuggestion() throws {
        let state = try load(["c.yml": cluster("cpu") + "max_nodes: 4\n"])
        let diagnostic = try #require(state.diagnostic("unknown field `max_nodes`"))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.field == "max_nodes")
        #expect(diagnostic.location.line == 4)
        #expect(diagnostic.location.column == 1)
        #expect(diagnostic.fix?.contains("max_instances") == true)
    }

    @Test func enumsAreCaseInsensitive() throws {
        let state = try load(["c.yml": cluster("cpu") + "tier: Low_Priority\n"])
        #expect(state.errors.isEmpty)
        #expect(state.clusters.first?.spec.tier == .lowPriority)
    }

    @Test func badEnumNamesTheAllowedValues() throws {
        let state = try load(["c.yml": cluster("cpu") + "tier: spot\n"])
        let diagnostic = try #require(state.diagnostics.first { $0.field == "tier" })
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains("`spot`"))
        #expect(diagnostic.message.contains("`low_priority`"))
        #expect(diagnostic.location.line == 4)
        #expect(diagnostic.location.column == 7)
    }

    @Test func wrongTypesAreErrors() throws {
        let state = try load(["c.yml": cluster("cpu") + "min_instances: true\ntags: {team: 1}\n"])
        #expect(state.diagnostics.contains { $0.field == "min_instances" && $0.message.contains("not a valid integer") })
        #expect(state.diagnostics.contains { $0.field == "tags.team" && $0.message.contains("not a valid string") })
    }

    @Test func maxBelowMinNegativeIdleAndBothIdentitiesAreErrors() throws {
        let state = try load([
            "c.yml": cluster("cpu") + """
                min_instances: 3
                max_instances: 2
                idle_time_before_scale_down: -1
                identity:
                  type: system_assigned,user_assigned
                  user_assigned_identities:
                    - resource_id: /subscriptions/x/uai
                """,
        ])
        #expect(state.diagnostics.contains { $0.severity == .error && $0.field == "max_instances" })
        #expect(state.diagnostics.contains { $0.severity == .error && $0.field == "idle_time_before_scale_down" })
        #expect(state.diagnostics.contains { $0.severity == .error && $0.field == "identity.type" && $0.message.contains("never both") })
    }

    @Test func idleNodesCostAWarning() throws {
        let state = try load(["c.yml": cluster("cpu") + "min_instances: 1\n"])
        #expect(state.errors.isEmpty)
        let warning = try #require(state.warnings.first { $0.field == "min_instances" })
        #expect(warning.message.contains("idle"))
        #expect(state.clusters.count == 1)
    }

    @Test func scaleAndReplaceOptInsComeFromTags() throws {
        let state = try load(["c.yml": cluster("cpu") + "tags:\n  mlgitops.allow-scale-updates: \"true\"\n"])
        #expect(state.clusters.first?.allowsScaleUpdates == true)
        #expect(state.clusters.first?.allowsReplace == false)
    }

    @Test func otherComputeTypesAreNotReconciled() throws {
        let state = try load(["ci.yml": "name: ci\ntype: computeinstance\nsize: STANDARD_DS3_V2\n"])
        #expect(state.clusters.isEmpty)
        #expect(state.errors.isEmpty)
        #expect(state.warnings.first?.message.contains("not reconciled by mlgitops") == true)
    }
}
