import Manifests
import Planning
import Testing
import Workspaces

@Suite("Locks and quota block actions before they run")
struct PolicyPlanningTests {
    @Test func readOnlyLockBlocksCreateWithinScope() {
        let current = CurrentState(locks: [Fixture.lock("freeze", .readOnly, .workspace)])
        let plan = Planner.plan(desired: DesiredState(clusters: [Fixture.cluster("cpu")]), current: current)
        #expect(plan.actions[0].verb == .blocked)
        #expect(plan.actions[0].intended == .create)
        #expect(plan.actions[0].blockedBy?.rule == "lock")
        #expect(plan.actions[0].blockedBy?.message.contains("freeze") == true)
    }

    @Test func canNotDeleteAllowsCreate() {
        let current = CurrentState(locks: [Fixture.lock("keep", .canNotDelete, .workspace)])
        let plan = Planner.plan(desired: DesiredState(clusters: [Fixture.cluster("cpu")]), current: current)
        #expect(plan.actions[0].verb == .create)
    }

    @Test func resourceGroupLockBlocksClusterCreate() {
        let current = CurrentState(locks: [Fixture.lock("rg", .canNotDelete, .resourceGroup)])
        let plan = Planner.plan(desired: DesiredState(clusters: [Fixture.cluster("cpu")]), current: current)
        #expect(plan.actions[0].blockedBy?.rule == "resource-group-lock")
        #expect(plan.actions[0].blockedBy?.fix?.contains("individual resources") == true)
    }

    @Test func readOnlyLockBlocksJobSubmission() {
        let current = CurrentState(locks: [Fixture.lock("freeze", .readOnly, .resourceGroup)])
        let plan = Planner.plan(desired: DesiredState(jobs: [Fixture.job("train", hash: "a")]), current: current)
        #expect(plan.actions[0].verb == .blocked)
        #expect(plan.actions[0].intended == .submit)
    }

    @Test func quotaBlocksClusterWithLargestFittingCount() {
        let policy = QuotaPolicy(
            name: "we", location: "westeurope",
            families: [FamilyQuota(family: "standardNCSv3Family", dedicatedCores: 48, lowPriorityCores: nil)], source: Fixture.here)
        let desired = DesiredState(
            clusters: [Fixture.cluster("gpu", size: "Standard_NC24s_v3", max: 4)], quotaPolicies: [policy])
        let plan = Planner.plan(desired: desired, current: CurrentState(location: "westeurope"))
        let cluster = plan.actions.first { $0.resource.kind == .compute }!
        #expect(cluster.verb == .blocked)
        #expect(cluster.blockedBy?.rule == "quota")
        #expect(cluster.blockedBy?.message == "needs 96 dedicated cores of standardNCSv3Family in westeurope; 48 are left; max_instances 2 fits (workspace quota policy 'we' allows 48; nothing else holds any)")
    }

    @Test func quotaCountsEarlierClustersOfTheSameFamily() {
        let policy = QuotaPolicy(
            name: "we", location: "local",
            families: [FamilyQuota(family: "standardDSv2Family", dedicatedCores: 20, lowPriorityCores: nil)], source: Fixture.here)
        let desired = DesiredState(
            clusters: [Fixture.cluster("a", max: 4), Fixture.cluster("b", max: 2)], quotaPolicies: [policy])
        let plan = Planner.plan(desired: desired, current: CurrentState())
        let verbs = plan.actions.filter { $0.resource.kind == .compute }.map(\.verb)
        // a: 16 of 20 cores; b needs 8 with 4 left: 1 node fits.
        #expect(verbs == [.create, .blocked])
        #expect(plan.actions.last?.blockedBy?.message.contains("max_instances 1 fits") == true)
    }

    @Test func jobWaitsOnBlockedMissingCluster() {
        let current = CurrentState(locks: [Fixture.lock("rg", .canNotDelete, .resourceGroup)])
        let desired = DesiredState(clusters: [Fixture.cluster("cpu")], jobs: [Fixture.job("train", hash: "a", clusters: ["cpu"])])
        let plan = Planner.plan(desired: desired, current: current)
        let job = plan.actions.first { $0.resource.kind == .job }!
        #expect(job.verb == .blocked)
        #expect(job.blockedBy?.rule == "dependency")
    }

    @Test func declaredLocksComeLastAndDoNotBlockTheirOwnPlan() {
        let desired = DesiredState(
            clusters: [Fixture.cluster("gpu")],
            locks: [Fixture.lock("protect", .readOnly, .resource(ResourceID(.compute, "gpu")))])
        let plan = Planner.plan(desired: desired, current: CurrentState())
        #expect(plan.actions.map(\.resource.kind) == [.compute, .resourceLock])
        #expect(plan.actions.map(\.verb) == [.create, .create])
        // The lock needs its resource: the applier skips it when the resource's action fails.
        #expect(plan.actions.last?.dependsOn == [ResourceID(.compute, "gpu")])
    }

    @Test func aLockOnABlockedResourceDependsOnIt() {
        let current = CurrentState(locks: [Fixture.lock("freeze", .readOnly, .workspace)])
        let desired = DesiredState(
            clusters: [Fixture.cluster("gpu")], locks: [Fixture.lock("protect", .canNotDelete, .resource(ResourceID(.compute, "gpu")))])
        let plan = Planner.plan(desired: desired, current: current)
        #expect(plan.actions.first?.verb == .blocked)
        #expect(plan.actions.last?.verb == .create)
        #expect(plan.actions.last?.dependsOn == [ResourceID(.compute, "gpu")])
    }
}
