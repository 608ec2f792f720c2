import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct EnvironmentOperationTests {
    @Test func aBuildRecordsTheBuildWithWhatItWouldBuildAndTheVersion() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let environment = Fixture.environment()
        let outcome = try await workspace.perform(.buildEnvironment(environment, version: "1"))
        #expect(outcome.status == .done)
        #expect(outcome.message == "built train-env:1 (build build-aaaaaaaaaaaa)")

        #expect(
            try await workspace.observe().environments == [
                ObservedEnvironment(
                    name: "train-env", version: "1", hash: environment.hash, buildID: "build-aaaaaaaaaaaa",
                    buildState: "Succeeded")
            ])
        let log = try #require(try await workspace.buildLog(of: environment.hash))
        #expect(log.contains("image mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04"))
        #expect(log.contains("conda python=3.11 pip:torch==2.3.0 from conda-forge"))
    }

    @Test func buildingTwiceBuildsOnce() async throws {
        let state = ScratchState()
        let builder = CountingBuilder()
        let workspace = try state.open(builder: builder)
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let counts = try await workspace.rowCounts()
        #expect(
            try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1")).status == .alreadyDone)
        #expect(try await workspace.rowCounts() == counts)
        #expect(await builder.builds.count == 1)
    }

    @Test func reuseRegistersAVersionOverTheExistingBuildWithoutBuilding() async throws {
        let state = ScratchState()
        let builder = CountingBuilder()
        let workspace = try state.open(builder: builder)
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let built = try #require(try await workspace.observe().environments.first)

        let outcome = try await workspace.perform(
            .reuseEnvironment(Fixture.environment("serve-env"), version: "3", buildOf: built))
        #expect(outcome.status == .done)
        #expect(await builder.builds.count == 1)
        #expect(try await workspace.rowCounts()["environment_builds"] == 1)
        let environments = try await workspace.observe().environments
        #expect(environments.map { "\($0.name):\($0.version)" } == ["serve-env:3", "train-env:1"])
        #expect(Set(environments.map(\.buildID)) == [built.buildID])
    }

    @Test func reuseWithoutABuildOfThatHashIsNotFound() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let phantom = ObservedEnvironment(name: "train-env", version: "1", hash: Fixture.environment().hash)
        let error = await refusal(
            of: .reuseEnvironment(Fixture.environment(), version: "2", buildOf: phantom), by: workspace)
        guard case .notFound = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(try await workspace.observe().environments.isEmpty)
    }

    @Test func aBuildOfAnAlreadyBuiltHashReusesTheBuild() async throws {
        let state = ScratchState()
        let builder = CountingBuilder()
        let workspace = try state.open(builder: builder)
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let outcome = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "2"))
        #expect(outcome.message.contains("existing build"))
        #expect(await builder.builds.count == 1)
        #expect(try await workspace.observe().environments.map(\.version) == ["1", "2"])
    }

    @Test func aVersionIsImmutable() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(hash: "a"), version: "1"))
        let error = await refusal(of: .buildEnvironment(Fixture.environment(hash: "e"), version: "1"), by: workspace)
        guard case .conflict(let resource, let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(resource == "environment/train-env:1")
        #expect(detail.contains("versions are immutable"))
        #expect(try await workspace.observe().environments.map(\.hash.hex) == [Fixture.hex("a")])
        #expect(try await workspace.rowCounts()["environment_builds"] == 1)
    }

    @Test func aFailedBuildRegistersNoVersionKeepsItsLogAndIsRetried() async throws {
        let state = ScratchState()
        let failing = CountingBuilder(fails: true)
        let environment = Fixture.environment()
        let error = await refusal(
            of: .buildEnvironment(environment, version: "1"), by: try state.open(builder: failing))
        guard case .invalid(let detail) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(detail.contains("conda: package not found"))

        let working = CountingBuilder()
        let workspace = try state.open(builder: working)
        #expect(try await workspace.observe().environments.isEmpty)
        #expect(try await workspace.buildLog(of: environment.hash)?.contains("package not found") == true)
        #expect(try await workspace.perform(.buildEnvironment(environment, version: "1")).status == .done)
        #expect(await working.builds.count == 1)
        #expect(try await workspace.observe().environments.map(\.buildState) == ["Succeeded"])
    }

    @Test func deletingAVersionKeepsTheBuildForReuse() async throws {
        let state = ScratchState()
        let builder = CountingBuilder()
        let workspace = try state.open(builder: builder)
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        #expect(try await workspace.perform(.deleteEnvironment(name: "train-env", version: "1")).status == .done)
        #expect(try await workspace.observe().environments.isEmpty)
        #expect(try await workspace.perform(.deleteEnvironment(name: "train-env", version: "1")).status == .alreadyDone)

        // Declared again after the delete: registered anew, over the kept build.
        #expect(try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1")).status == .done)
        #expect(try await workspace.observe().environments.count == 1)
        #expect(await builder.builds.count == 1)
    }

    @Test func versionsAreObservedInNumericOrder() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        for version in ["10", "2", "1"] {
            _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: version))
        }
        #expect(try await workspace.observe().environments.map(\.version) == ["1", "2", "10"])
    }
}
