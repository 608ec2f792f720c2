import Manifests
import Planning
import Testing
import Workspaces

@Suite("Environments are content-hashed; jobs are submitted once")
struct EnvironmentAndJobPlanningTests {
    @Test func newHashBuildsNextVersion() {
        let current = CurrentState(environments: [ObservedEnvironment(name: "train", version: "3", hash: Fixture.hash("a"))])
        let plan = Planner.plan(desired: DesiredState(environments: [Fixture.environment("train", hash: "b")]), current: current)
        #expect(plan.actions[0].verb == .build)
        #expect(plan.actions[0].operation == .buildEnvironment(Fixture.environment("train", hash: "b"), version: "4"))
    }

    @Test func equalHashIsNoop() {
        let current = CurrentState(environments: [ObservedEnvironment(name: "train", version: "3", hash: Fixture.hash("a"))])
        let plan = Planner.plan(desired: DesiredState(environments: [Fixture.environment("train", hash: "a")]), current: current)
        #expect(plan.actions[0].verb == .noop)
    }

    @Test func hashBuiltUnderAnotherNameIsReused() {
        let other = ObservedEnvironment(name: "base", version: "1", hash: Fixture.hash("a"), buildID: "b1")
        let plan = Planner.plan(
            desired: DesiredState(environments: [Fixture.environment("train", hash: "a")]), current: CurrentState(environments: [other]))
        #expect(plan.actions[0].verb == .reuse)
        #expect(plan.actions[0].operation == .reuseEnvironment(Fixture.environment("train", hash: "a"), version: "1", buildOf: other))
    }

    @Test func pinnedVersionWithNewDefinitionIsBlocked() {
        let current = CurrentState(environments: [ObservedEnvironment(name: "train", version: "7", hash: Fixture.hash("a"))])
        let plan = Planner.plan(
            desired: DesiredState(environments: [Fixture.environment("train", hash: "b", version: "7")]), current: current)
        #expect(plan.actions[0].verb == .blocked)
        #expect(plan.actions[0].blockedBy?.rule == "immutable-version")
        #expect(plan.actions[0].blockedBy?.fix?.contains("bump") == true)
    }

    @Test func jobSubmittedOnceByDefinition() {
        let job = Fixture.job("nightly", hash: "c")
        let first = Planner.plan(desired: DesiredState(jobs: [job]), current: CurrentState())
        #expect(first.actions[0].verb == .submit)
        // The fixture's job names no compute: it runs serverless, on the size the plan shows.
        #expect(first.actions[0].detail == "as \(job.submissionName); serverless Standard_D1_v2 x1 dedicated (chosen by quota)")
        let submitted = CurrentState(jobs: [ObservedJob(name: job.submissionName, logicalName: "nightly", hash: job.hash, state: "Completed")])
        let second = Planner.plan(desired: DesiredState(jobs: [job]), current: submitted)
        #expect(second.actions[0].verb == .noop)
        let changed = Planner.plan(desired: DesiredState(jobs: [Fixture.job("nightly", hash: "d")]), current: submitted)
        #expect(changed.actions[0].verb == .submit)
    }

    @Test func planIsDeterministicAndOrderedByKind() {
        let desired = DesiredState(
            clusters: [Fixture.cluster("z"), Fixture.cluster("a")], environments: [Fixture.environment("e", hash: "a")],
            jobs: [Fixture.job("j", hash: "b")],
            quotaPolicies: [QuotaPolicy(name: "q", location: "local", source: Fixture.here)])
        let one = Planner.plan(desired: desired, current: CurrentState())
        let two = Planner.plan(desired: desired, current: CurrentState())
        #expect(one.actions == two.actions)
        #expect(one.actions.map(\.resource.description) == ["quota_policy/q", "compute/a", "compute/z", "environment/e", "job/j"])
    }

    @Test func errorsMeanNoActions() {
        let bad = Diagnostic(.error, at: Fixture.here, field: "size", message: "bad")
        let plan = Planner.plan(desired: DesiredState(clusters: [Fixture.cluster("a")], diagnostics: [bad]), current: CurrentState())
        #expect(plan.actions.isEmpty)
        #expect(plan.hasErrors)
    }
}
