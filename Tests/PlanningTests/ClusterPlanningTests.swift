import Manifests
import Planning
import Testing
import Workspaces

@Suite("Clusters are create-only")
struct ClusterPlanningTests {
    @Test func missingClusterIsCreated() {
        let plan = Planner.plan(desired: DesiredState(clusters: [Fixture.cluster("cpu")]), current: CurrentState())
        #expect(plan.actions.count == 1)
        #expect(plan.actions[0].verb == .create)
        #expect(plan.actions[0].operation == .createCluster(Fixture.cluster("cpu")))
        #expect(plan.actions[0].changes.contains(FieldChange(field: "size", from: nil, to: "Standard_DS3_v2")))
    }

    @Test func unchangedClusterIsNoop() {
        let cluster = Fixture.cluster("cpu")
        let plan = Planner.plan(desired: DesiredState(clusters: [cluster]), current: CurrentState(clusters: [Fixture.observed(cluster)]))
        #expect(plan.actions.map(\.verb) == [.noop])
        #expect(!plan.hasChanges)
    }

    @Test func sizeComparesCaseInsensitively() {
        let plan = Planner.plan(
            desired: DesiredState(clusters: [Fixture.cluster("cpu", size: "STANDARD_DS3_V2")]),
            current: CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu", size: "Standard_DS3_v2"))]))
        #expect(plan.actions.map(\.verb) == [.noop])
    }

    @Test func changedSizeIsBlockedCreateOnlyWithFieldDiff() {
        let plan = Planner.plan(
            desired: DesiredState(clusters: [Fixture.cluster("cpu", size: "Standard_DS4_v2")]),
            current: CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu"))]))
        let action = plan.actions[0]
        #expect(action.verb == .blocked)
        #expect(action.blockedBy?.rule == "create-only")
        #expect(action.operation == nil)
        #expect(action.changes == [FieldChange(field: "size", from: "Standard_DS3_v2", to: "Standard_DS4_v2")])
        #expect(action.blockedBy?.fix?.contains("--allow-replace") == true)
    }

    @Test func scaleChangeNeedsOptIn() {
        let desired = DesiredState(clusters: [Fixture.cluster("cpu", max: 8)])
        let current = CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu", max: 4))])
        let blocked = Planner.plan(desired: desired, current: current)
        #expect(blocked.actions[0].verb == .blocked)
        #expect(blocked.actions[0].blockedBy?.fix?.contains("--allow-scale-updates") == true)

        let allowed = Planner.plan(desired: desired, current: current, options: PlanOptions(allowScaleUpdates: true))
        #expect(allowed.actions[0].verb == .update)
        #expect(allowed.actions[0].changes == [FieldChange(field: "max_instances", from: "4", to: "8")])

        let perCluster = Planner.plan(
            desired: DesiredState(clusters: [Fixture.cluster("cpu", max: 8, scaleUpdates: true)]), current: current)
        #expect(perCluster.actions[0].verb == .update)
    }

    @Test func scaleOptInDoesNotAllowSizeChange() {
        let plan = Planner.plan(
            desired: DesiredState(clusters: [Fixture.cluster("cpu", size: "Standard_DS4_v2", max: 8)]),
            current: CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu"))]),
            options: PlanOptions(allowScaleUpdates: true))
        #expect(plan.actions[0].verb == .blocked)
        #expect(plan.actions[0].blockedBy?.rule == "create-only")
    }

    @Test func replaceNeedsOptInAndIdleCluster() {
        let desired = DesiredState(clusters: [Fixture.cluster("cpu", size: "Standard_DS4_v2")])
        let idle = CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu"))])
        let replaced = Planner.plan(desired: desired, current: idle, options: PlanOptions(allowReplace: true))
        #expect(replaced.actions[0].verb == .replace)

        let busy = CurrentState(clusters: [Fixture.observed(Fixture.cluster("cpu"), activeJobs: 2)])
        let refused = Planner.plan(desired: desired, current: busy, options: PlanOptions(allowReplace: true))
        #expect(refused.actions[0].verb == .blocked)
        #expect(refused.actions[0].blockedBy?.rule == "busy")
        #expect(refused.actions[0].intended == .replace)
    }

    @Test func deletesOnlyWithPruneAndNeverBusyOrLocked() {
        let current = CurrentState(clusters: [Fixture.observed(Fixture.cluster("old"))])
        let kept = Planner.plan(desired: DesiredState(), current: current)
        #expect(kept.actions.isEmpty)
        #expect(kept.unmanaged == [ResourceID(.compute, "old")])

        let pruned = Planner.plan(desired: DesiredState(), current: current, options: PlanOptions(prune: true))
        #expect(pruned.actions.map(\.verb) == [.delete])

        var locked = current
        locked.locks = [Fixture.lock("keep", .canNotDelete, .resource(ResourceID(.compute, "old")))]
        let refused = Planner.plan(desired: DesiredState(), current: locked, options: PlanOptions(prune: true))
        #expect(refused.actions[0].verb == .blocked)
        #expect(refused.actions[0].blockedBy?.rule == "lock")
        #expect(refused.actions[0].blockedBy?.message.contains("keep") == true)

        let busy = CurrentState(clusters: [Fixture.observed(Fixture.cluster("old"), activeJobs: 1)])
        let busyPlan = Planner.plan(desired: DesiredState(), current: busy, options: PlanOptions(prune: true))
        #expect(busyPlan.actions[0].blockedBy?.rule == "busy")
    }
}
