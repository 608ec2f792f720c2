import Manifests
import Testing
import Workspaces

@testable import EmbeddedWorkspace

@Suite struct EnvironmentOperationTests {
    @Test func aBuildRegistersTheVersionAndQueuesOneBuildForTheRunner() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let environment = Fixture.environment()
        let outcome = try await workspace.perform(.buildEnvironment(environment, version: "1"))
        #expect(outcome.status == .done)
        #expect(outcome.message == "registered train-env:1; build build-aaaaaaaaaaaa queued for the runner")
        #expect(
            try await workspace.observe().environments == [
                ObservedEnvironment(
                    name: "train-env", version: "1", hash: environment.hash, buildID: "build-aaaaaaaaaaaa",
                    buildState: "Queued")
            ])
        #expect(try await workspace.queuedBuilds() == [environment.hash])
        // The runner takes it with the definition it needs, once.
        guard case .claimed(let claimed, let buildID, _) = try await workspace.claimBuild(of: environment.hash, runner: "r1")
        else {
            Issue.record("the queued build was not claimable")
            return
        }
        #expect(claimed == environment)
        #expect(buildID == "build-aaaaaaaaaaaa")
        guard case .building = try await workspace.claimBuild(of: environment.hash, runner: "r2") else {
            Issue.record("a build being built was claimed twice")
            return
        }
    }

    @Test func buildingTwiceQueuesOnce() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let counts = try await workspace.rowCounts()
        #expect(
            try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1")).status == .alreadyDone)
        #expect(try await workspace.rowCounts() == counts)
        #expect(counts["environment_builds"] == 1)
    }

    @Test func reuseRegistersAVersionOverTheExistingBuildWithoutBuilding() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let built = try #require(try await workspace.observe().environments.first)

        let outcome = try await workspace.perform(
            .reuseEnvironment(Fixture.environment("serve-env"), version: "3", buildOf: built))
        #expect(outcome.status == .done)
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
        let workspace = try state.open()
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        let outcome = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "2"))
        #expect(outcome.message.contains("existing build"))
        #expect(try await workspace.rowCounts()["environment_builds"] == 1)
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

    @Test func aFailedBuildKeepsItsLogAndIsNotRetriedForTheSameHash() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        let environment = Fixture.environment()
        _ = try await workspace.perform(.buildEnvironment(environment, version: "1"))
        guard case .claimed = try await workspace.claimBuild(of: environment.hash, runner: "r1") else {
            Issue.record("not claimable")
            return
        }
        try await workspace.finishBuild("build-aaaaaaaaaaaa", succeeded: false, log: "step 1\nERROR: No matching distribution")

        let reopened = try state.open()
        #expect(try await reopened.observe().environments.map(\.buildState) == ["Failed"])
        #expect(try await reopened.buildLog(of: environment.hash)?.contains("No matching distribution") == true)
        guard case .failed(_, let log) = try await reopened.claimBuild(of: environment.hash, runner: "r2") else {
            Issue.record("a failed build was offered for a rebuild of the same hash")
            return
        }
        #expect(log.hasSuffix("No matching distribution"))
        // Another version of the same definition points at the same failed build: no rebuild.
        _ = try await reopened.perform(.buildEnvironment(environment, version: "2"))
        #expect(try await reopened.queuedBuilds().isEmpty)
        // A changed definition is a new hash, hence a new build.
        _ = try await reopened.perform(.buildEnvironment(Fixture.environment(hash: "b"), version: "3"))
        #expect(try await reopened.queuedBuilds() == [Fixture.environment(hash: "b").hash])
    }

    @Test func deletingAVersionKeepsTheBuildForReuse() async throws {
        let state = ScratchState()
        let workspace = try state.open()
        _ = try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1"))
        #expect(try await workspace.perform(.deleteEnvironment(name: "train-env", version: "1")).status == .done)
        #expect(try await workspace.observe().environments.isEmpty)
        #expect(try await workspace.perform(.deleteEnvironment(name: "train-env", version: "1")).status == .alreadyDone)

        // Declared again after the delete: registered anew, over the kept build.
        #expect(try await workspace.perform(.buildEnvironment(Fixture.environment(), version: "1")).status == .done)
        #expect(try await workspace.observe().environments.count == 1)
        #expect(try await workspace.rowCounts()["environment_builds"] == 1)
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
