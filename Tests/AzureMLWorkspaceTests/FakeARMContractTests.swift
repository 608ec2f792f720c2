@testable import AzureMLWorkspace
import Foundation
import Manifests
import Testing
import TestSupport
import Workspaces

/// The fake behaves like the service (reference §12), and the provider reads it right: error
/// bodies, api-version checks, paging, immutability, quota, locks and tokens.
@Suite("Fake ARM contract and the provider's reading of it", .serialized)
struct FakeARMContractTests {
    static let address = AzureWorkspaceAddress(subscription: "00000000-0000-0000-0000-000000000000", resourceGroup: "my-rg", workspace: "my-ws")
    static let source = SourceLocation(file: "test.yml", line: 1, column: 1)

    func workspace(_ fake: FakeARMProcess, credential: AzureCredential = .accessToken("test-token")) -> AzureMLWorkspace {
        AzureMLWorkspace(
            address: Self.address, endpoint: fake.endpoint, credential: credential,
            tokenEndpoints: TokenEndpoints(authorityHost: fake.endpoint, imds: fake.endpoint),
            retry: RetryPolicy(deadline: .seconds(20), initialBackoff: .milliseconds(50), pollInterval: .milliseconds(100)))
    }

    @Test func armErrorBodiesForAuthAndAPIVersion() async throws {
        let fake = try await FakeARMProcess()
        let missing = try await fake.call("GET", FakeARMProcess.workspaceID + "/computes")
        #expect((missing["error"] as? [String: Any])?["code"] as? String == "MissingApiVersionParameter")
        let unknown = try await fake.call("GET", FakeARMProcess.workspaceID + "/computes?api-version=1999-01-01")
        #expect((unknown["error"] as? [String: Any])?["code"] as? String == "NoRegisteredProviderFound")
        let client = ARMClient(endpoint: fake.endpoint, tokens: TokenSource(credential: .accessToken("expired-token")), policy: RetryPolicy())
        await #expect(throws: WorkspaceError.self) {
            _ = try await client.checked(.GET, client.url(FakeARMProcess.workspaceID, version: "2024-10-01"))
        }
        let wrongGroup = AzureMLWorkspace(
            address: AzureWorkspaceAddress(subscription: Self.address.subscription, resourceGroup: "no-such-rg", workspace: "my-ws"),
            endpoint: fake.endpoint, credential: .accessToken("t"))
        do {
            _ = try await wrongGroup.observe()
            Issue.record("a missing resource group must fail")
        } catch {
            guard case .notFound = error else { Issue.record("expected notFound, got \(error)"); return }
        }
    }

    @Test func listsFollowNextLinkAcrossPages() async throws {
        let fake = try await FakeARMProcess(["--page-size", "2"])
        let azure = workspace(fake)
        for version in 1...5 {
            let environment = Environment(
                name: "paged-env", version: String(version), definition: EnvironmentDefinition(image: "python:3.1\(version)"),
                hash: EnvironmentHash(hex: String(repeating: String(version), count: 64)), source: Self.source)
            _ = try await azure.perform(.buildEnvironment(environment, version: String(version)))
        }
        let observed = try await azure.observe().environments.filter { $0.name == "paged-env" }
        #expect(observed.map(\.version).sorted() == ["1", "2", "3", "4", "5"])
        let pages = try await fake.requests().filter { ($0["path"] as? String ?? "").contains("/environments/paged-env/versions?") }
        #expect(pages.count >= 3, "five versions at two per page take three pages")
    }

    @Test func environmentVersionsAreImmutable() async throws {
        let fake = try await FakeARMProcess()
        let path = FakeARMProcess.workspaceID + "/environments/train/versions/1?api-version=2024-10-01"
        let first = try await fake.call("PUT", path, body: #"{"properties":{"image":"python:3.11"}}"#)
        #expect((first["properties"] as? [String: Any])?["environmentType"] as? String == "UserCreated")
        let same = try await fake.call("PUT", path, body: #"{"properties":{"image":"python:3.11","description":"now described"}}"#)
        #expect((same["properties"] as? [String: Any])?["description"] as? String == "now described")
        let changed = try await fake.call("PUT", path, body: #"{"properties":{"image":"python:3.12"}}"#)
        let error = changed["error"] as? [String: Any]
        #expect(error?["code"] as? String == "UserError")
        #expect(error?["message"] as? String == "Environment train with version 1 is already registered and cannot be changed.")
    }

    @Test func computeRulesDeletePatchAndQuota() async throws {
        let fake = try await FakeARMProcess()
        let azure = workspace(fake)
        let cluster = ComputeCluster(name: "small", spec: ClusterSpec(size: "Standard_DS3_v2", maxInstances: 2), source: Self.source)
        #expect(try await azure.perform(.createCluster(cluster)).status == .done)
        #expect(try await azure.perform(.createCluster(cluster)).status == .alreadyDone)
        let path = FakeARMProcess.workspaceID + "/computes/small?api-version=2024-10-01"
        let noAction = try await fake.call("DELETE", path)
        #expect((noAction["error"] as? [String: Any])?["code"] as? String == "BadRequest")
        let patchSize = try await fake.call("PATCH", path, body: #"{"properties":{"properties":{"vmSize":"Standard_DS4_v2"}}}"#)
        #expect((patchSize["error"] as? [String: Any])?["code"] as? String == "BadRequest")

        var scaled = cluster.spec
        scaled.maxInstances = 3
        #expect(try await azure.perform(.updateClusterScale(name: "small", spec: scaled)).status == .done)
        #expect(try await azure.observe().clusters.first { $0.name == "small" }?.spec.maxInstances == 3)

        // 30 always-on NC24 nodes need 720 vCPUs of a family limited to 100.
        let greedy = ComputeCluster(
            name: "greedy", spec: ClusterSpec(size: "Standard_NC24s_v3", minInstances: 30, maxInstances: 30), source: Self.source)
        do {
            _ = try await azure.perform(.createCluster(greedy))
            Issue.record("a min-node count over quota must fail")
        } catch {
            guard case .quotaExceeded(let detail) = error else { Issue.record("expected quotaExceeded, got \(error)"); return }
            #expect(detail.contains("ClusterMinNodesExceedCoreQuota"))
        }
        // 30 nodes of 4 vCPUs exceed the family's 100: refused at submission as quota.
        let path20 = FakeARMProcess.workspaceID + "/jobs/too-big?api-version=2024-10-01"
        let tooBig = try await fake.call(
            "PUT", path20,
            body: #"{"properties":{"jobType":"Command","command":"train","environmentId":"azureml:env@latest","computeId":"\#(FakeARMProcess.workspaceID)/computes/small","resources":{"instanceCount":30}}}"#)
        let quotaError = tooBig["error"] as? [String: Any]
        #expect(quotaError?["code"] as? String == "JobNodeCountExceedsCoreQuota")
        if case .quotaExceeded = ARMErrorMapping.error(status: 400, code: quotaError?["code"] as? String ?? "", message: "", resource: "job") {} else {
            Issue.record("JobNodeCountExceedsCoreQuota must map to quotaExceeded")
        }
        #expect(try await azure.perform(.deleteCluster(name: "small")).status == .done)
        #expect(try await azure.perform(.deleteCluster(name: "small")).status == .alreadyDone)
    }

    @Test func scopeLockedMapsToLockedAndLocksAreObservedAtEveryScope() async throws {
        let fake = try await FakeARMProcess()
        let azure = workspace(fake)
        let cpu = ComputeCluster(name: "cpu", spec: ClusterSpec(size: "Standard_DS3_v2"), source: Self.source)
        _ = try await azure.perform(.createCluster(cpu))
        let missing = try await fake.call(
            "PUT", FakeARMProcess.workspaceID + "/computes/nothere/providers/Microsoft.Authorization/locks/l?api-version=2020-05-01",
            body: #"{"properties":{"level":"CanNotDelete"}}"#)
        #expect((missing["error"] as? [String: Any])?["code"] as? String == "ResourceNotFound")
        try await fake.call(
            "PUT", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg/providers/Microsoft.Authorization/locks/rg-lock?api-version=2020-05-01",
            body: #"{"properties":{"level":"CanNotDelete"}}"#)
        try await fake.call(
            "PUT", FakeARMProcess.workspaceID + "/providers/Microsoft.Authorization/locks/ws-lock?api-version=2016-09-01",
            body: #"{"properties":{"level":"ReadOnly","notes":"freeze"}}"#)
        try await fake.call(
            "PUT", FakeARMProcess.workspaceID + "/computes/cpu/providers/Microsoft.Authorization/locks/cpu-lock?api-version=2020-05-01",
            body: #"{"properties":{"level":"CanNotDelete"}}"#)
        let locks = try await azure.observe().locks.sorted { $0.name < $1.name }
        #expect(locks.map(\.name) == ["cpu-lock", "rg-lock", "ws-lock"])
        #expect(locks.map(\.scope) == [.resource(ResourceID(.compute, "cpu")), .resourceGroup, .workspace])
        let cluster = ComputeCluster(name: "cpu2", spec: ClusterSpec(size: "Standard_DS3_v2"), source: Self.source)
        do {
            _ = try await azure.perform(.createCluster(cluster))
            Issue.record("a ReadOnly workspace lock must refuse a create")
        } catch {
            guard case .locked(let lock, _, let detail) = error else { Issue.record("expected locked, got \(error)"); return }
            #expect(lock.hasSuffix("/workspaces/my-ws"))
            #expect(detail.contains("ScopeLocked"))
        }
        do {
            _ = try await azure.cancelJob(named: "no-such-job")
            Issue.record("cancelling a missing job must fail")
        } catch {
            guard case .notFound = error else { Issue.record("expected notFound, got \(error)"); return }
        }
    }

    @Test func jobsAreCancelledThroughTheLocationOperation() async throws {
        let fake = try await FakeARMProcess()
        let azure = workspace(fake)
        try await fake.call(
            "PUT", FakeARMProcess.workspaceID + "/jobs/long-run?api-version=2024-10-01",
            body: #"{"properties":{"jobType":"Command","command":"sleep 600","environmentId":"azureml:env@latest"}}"#)
        #expect(try await azure.cancelJob(named: "long-run").status == .done)
        let job = try await fake.call("GET", FakeARMProcess.workspaceID + "/jobs/long-run?api-version=2024-10-01")
        #expect((job["properties"] as? [String: Any])?["status"] as? String == "Canceled")
        #expect(try await azure.cancelJob(named: "long-run").status == .alreadyDone)
    }

    @Test func tokensFromTheIdentityPlatformAndIMDSAreCachedAndSecretsStayOut() async throws {
        let fake = try await FakeARMProcess()
        let endpoints = TokenEndpoints(authorityHost: fake.endpoint, imds: fake.endpoint)
        let secret = TokenSource(credential: .clientSecret(tenant: "tenant", clientID: "app", secret: "s3cr3t-value"), endpoints: endpoints)
        let first = try await secret.token()
        #expect(first.hasPrefix("fake-token-"))
        #expect(try await secret.token() == first, "a valid token is reused")
        let scratch = try ScratchDirectory()
        let file = scratch.appending("federated")
        try "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.federated-signature".write(toFile: file, atomically: true, encoding: .utf8)
        let federated = TokenSource(credential: .federatedToken(tenant: "tenant", clientID: "app", tokenFile: file), endpoints: endpoints)
        #expect(try await federated.token() != first)
        let managed = TokenSource(credential: .managedIdentity(clientID: nil), endpoints: endpoints)
        #expect(try await managed.token().hasPrefix("fake-token-"))
        let log = try await fake.requests()
        let text = String(decoding: try JSONSerialization.data(withJSONObject: log), as: UTF8.self)
        #expect(!text.contains("s3cr3t-value") && !text.contains("federated-signature"), "the fake records forms without secrets")
        #expect(log.contains { ($0["path"] as? String ?? "").hasPrefix("/metadata/identity/oauth2/token?") })

        let refused = TokenSource(
            credential: .clientSecret(tenant: "t", clientID: "app", secret: "s3cr3t-value"),
            endpoints: TokenEndpoints(authorityHost: fake.endpoint + "/not-the-identity-platform"))
        do {
            _ = try await refused.token()
            Issue.record("a refusing identity platform must fail")
        } catch {
            #expect(!"\(error)".contains("s3cr3t-value"), "no secret in an error: \(error)")
        }
    }

    @Test func schedulesAreDisabledBeforeTheyAreDeleted() async throws {
        let fake = try await FakeARMProcess()
        let azure = workspace(fake)
        let schedule = Schedule(
            name: "nightly", trigger: .cron(expression: "30 1 * * *", timeZone: "UTC", startTime: nil, endTime: nil), job: nil,
            sourceJob: "azureml:earlier-job", hash: JobDefinitionHash(hex: String(repeating: "a", count: 64)), source: Self.source)
        #expect(try await azure.perform(.putSchedule(schedule)).status == .done)
        #expect(try await azure.perform(.putSchedule(schedule)).status == .alreadyDone)
        #expect(try await azure.observe().schedules.map(\.name) == ["nightly"])
        // The fake refuses to delete an enabled schedule: success means it was disabled first.
        #expect(try await azure.perform(.deleteSchedule(name: "nightly")).status == .done)
        let writes = try await fake.requests().filter { ($0["path"] as? String ?? "").contains("/schedules/nightly?") && $0["method"] as? String != "GET" }
        #expect(writes.map { $0["method"] as? String ?? "" } == ["PUT", "PUT", "DELETE"])
        let disabling = (writes[1]["body"] as? [String: Any])?["properties"] as? [String: Any]
        #expect(disabling?["isEnabled"] as? Bool == false)
        #expect(try await azure.observe().schedules.isEmpty)
    }

    @Test func aRequestBudgetThrottlesAndTheClientWaitsItOut() async throws {
        let fake = try await FakeARMProcess(["--request-budget", "3", "--budget-window", "1"])
        let client = ARMClient(endpoint: fake.endpoint, tokens: TokenSource(credential: .accessToken("t")), policy: RetryPolicy(deadline: .seconds(20)))
        for _ in 0..<6 {
            let response = try await client.checked(.GET, client.url(FakeARMProcess.workspaceID, version: "2024-10-01"))
            #expect(response.status == 200)
        }
        let throttled = try await fake.requests().filter { $0["fault"] as? String == "budget" }
        #expect(!throttled.isEmpty, "the fourth request of a window is throttled")
        #expect(throttled.allSatisfy { $0["status"] as? Int == 429 })
    }

    @Test func aClusterReadAsMissingRightAfterItsCreateIsWaitedFor() async throws {
        let fake = try await FakeARMProcess(["--stale-reads", "2"])
        let azure = workspace(fake)
        let cluster = ComputeCluster(name: "eventual", spec: ClusterSpec(size: "Standard_DS3_v2"), source: Self.source)
        #expect(try await azure.perform(.createCluster(cluster)).status == .done)
        let reads = try await fake.requests().filter {
            $0["method"] as? String == "GET" && ($0["path"] as? String ?? "").contains("/computes/eventual?")
        }
        #expect(reads.contains { $0["status"] as? Int == 404 } && reads.last?["status"] as? Int == 200)
    }

    @Test func createOnlyComputeFieldsAcceptedAndIgnoredOrRefused() async throws {
        let body = #"{"location":"westeurope","properties":{"computeType":"AmlCompute","properties":{"vmSize":"SIZE","scaleSettings":{"maxNodeCount":2}}}}"#
        let path = FakeARMProcess.workspaceID + "/computes/fixed?api-version=2024-10-01"
        let lenient = try await FakeARMProcess()
        try await lenient.call("PUT", path, body: body.replacingOccurrences(of: "SIZE", with: "Standard_DS3_v2"))
        let ignored = try await lenient.call("PUT", path, body: body.replacingOccurrences(of: "SIZE", with: "Standard_DS4_v2"))
        #expect(((ignored["properties"] as? [String: Any])?["properties"] as? [String: Any])?["vmSize"] as? String == "Standard_DS3_v2")
        let strict = try await FakeARMProcess(["--reject-immutable-compute-changes"])
        try await strict.call("PUT", path, body: body.replacingOccurrences(of: "SIZE", with: "Standard_DS3_v2"))
        let refused = try await strict.call("PUT", path, body: body.replacingOccurrences(of: "SIZE", with: "Standard_DS4_v2"))
        #expect((refused["error"] as? [String: Any])?["code"] as? String == "UserError")
    }

    @Test func apiVersionsArePinnedPerTypeAndOverridable() throws {
        let versions = try APIVersions(overrides: "computes=2025-06-01, locks=2016-09-01")
        #expect(versions.computes == "2025-06-01" && versions.locks == "2016-09-01" && versions.jobs == APIVersions().jobs)
        #expect(throws: APIVersions.InvalidOverride.self) { try APIVersions(overrides: "clusters=2025-06-01") }
    }

    @Test func credentialChainFromTheEnvironment() {
        if case .accessToken = AzureCredential.fromEnvironment(["AZURE_ACCESS_TOKEN": "x", "AZURE_CLIENT_SECRET": "y"]) {} else {
            Issue.record("AZURE_ACCESS_TOKEN comes first")
        }
        let secret = AzureCredential.fromEnvironment(["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "zz-secret-zz"])
        if case .clientSecret = secret {} else { Issue.record("client secret expected") }
        #expect(!secret.summary.contains("zz-secret-zz"))
        if case .federatedToken = AzureCredential.fromEnvironment(["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_FEDERATED_TOKEN_FILE": "/f"]) {} else {
            Issue.record("federated token expected")
        }
        if case .azureCLI = AzureCredential.fromEnvironment([:]) {} else { Issue.record("the CLI is the last resort") }
        #expect(ISODuration.format(seconds: 120) == "PT2M")
        #expect(ISODuration.format(seconds: 5400) == "PT1H30M")
        #expect(ISODuration.seconds("PT5M") == 300)
        #expect(ISODuration.seconds("PT1H0M30S") == 3630)
    }
}
