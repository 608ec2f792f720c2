import Foundation
import Manifests
import NIOHTTP1
public import Workspaces

/// An Azure Machine Learning workspace reached through the ARM REST API.
///
/// It only answers the ``Workspace`` protocol: plans and applies are the same code as for the
/// local workspace. Idempotency comes from the service's own names: a cluster or a job is
/// looked up by name before it is created, so a retried operation finds the earlier effect.
public final class AzureMLWorkspace: Workspace {
    public let address: AzureWorkspaceAddress
    let client: ARMClient
    let versions: APIVersions
    /// Where our own kinds without an Azure home (quota policies) are kept, per workspace.
    let policyFile: String?
    /// Committed code, data and build contexts go to the workspace's blob container.
    let blobs: BlobUploads

    /// - Parameters:
    ///   - endpoint: the ARM endpoint (`https://management.azure.com`, or the fake's URL).
    ///   - stateDirectory: where quota policies of this workspace are recorded (nil: not kept).
    ///   - blobEndpoint: the blob service, `{account}` standing for the datastore's account.
    ///   - storageCredential: for blob uploads (audience `https://storage.azure.com/`); nil uses
    ///     `credential` (a ready ARM token is then reused as is).
    public init(
        address: AzureWorkspaceAddress, endpoint: String = "https://management.azure.com", credential: AzureCredential,
        tokenEndpoints: TokenEndpoints = .fromEnvironment(), versions: APIVersions = APIVersions(), retry: RetryPolicy = RetryPolicy(),
        stateDirectory: String? = nil, blobEndpoint: String = "https://{account}.blob.core.windows.net",
        storageCredential: AzureCredential? = nil
    ) {
        self.address = address
        self.client = ARMClient(endpoint: endpoint, tokens: TokenSource(credential: credential, endpoints: tokenEndpoints), policy: retry)
        var storageEndpoints = tokenEndpoints
        storageEndpoints.resource = "https://storage.azure.com/"
        self.blobs = BlobUploads(
            client: ARMClient(endpoint: endpoint, tokens: TokenSource(credential: storageCredential ?? credential, endpoints: storageEndpoints), policy: retry),
            endpoint: blobEndpoint)
        self.versions = versions
        self.policyFile = stateDirectory.map {
            URL(fileURLWithPath: $0).appendingPathComponent("azure-quota-policies-\(SHA256.hex(of: address.workspaceID.lowercased()).prefix(12)).json").path
        }
    }

    public var displayName: String { "Azure ML workspace \(address.subscription)/\(address.resourceGroup)/\(address.workspace)" }

    // MARK: Observe

    public func observe() async throws(WorkspaceError) -> CurrentState {
        let location = try await workspaceLocation()
        let computes = try await client.list(client.url("\(address.workspaceID)/computes", version: versions.computes))
        let jobs = try await observeJobs()
        var clusters = computes.compactMap { ObservedState.cluster($0, workspaceLocation: location) }
        for index in clusters.indices {
            let id = "/computes/\(clusters[index].name.lowercased())"
            clusters[index].activeJobs = jobs.filter { job in job.isActive && job.clusters.contains { $0.lowercased().hasSuffix(id) } }.count
        }
        let environments = try await observeEnvironments()
        let schedules = try await client.list(client.url("\(address.workspaceID)/schedules", version: versions.schedules))
            .compactMap(ObservedState.schedule)
        let locks = try await observeLocks()
        let usage = try await observeUsage(location: location, computes: computes)
        return CurrentState(
            location: location, clusters: clusters, environments: environments,
            jobs: jobs.map { job in
                var plain = job
                plain.clusters = job.clusters.map { String($0.split(separator: "/").last ?? "") }
                return plain
            },
            schedules: schedules, locks: locks, quotaPolicies: try loadPolicies(), quotaUsage: usage)
    }

    /// The workspace's region (and a check that it exists and we may read it).
    func workspaceLocation() async throws(WorkspaceError) -> String {
        let response = try await client.checked(.GET, client.url(address.workspaceID, version: versions.workspaces))
        return (response.json["location"] as? String ?? "").lowercased().replacingOccurrences(of: " ", with: "")
    }

    private func observeEnvironments() async throws(WorkspaceError) -> [ObservedEnvironment] {
        var result: [ObservedEnvironment] = []
        let containers = try await client.list(client.url("\(address.workspaceID)/environments", version: versions.environments))
        for container in containers {
            guard let name = container["name"] as? String, name != "CliV2AnonymousEnvironment" else { continue }
            let versionsURL = client.url("\(address.workspaceID)/environments/\(name)/versions", version: versions.environments)
            for version in try await client.list(versionsURL) {
                if let observed = ObservedState.environment(version, name: name) { result.append(observed) }
            }
        }
        return result
    }

    /// Jobs with their compute ids (full ids: trimmed to names after counting active jobs).
    private func observeJobs() async throws(WorkspaceError) -> [ObservedJob] {
        try await client.list(client.url("\(address.workspaceID)/jobs", version: versions.jobs)).compactMap(ObservedState.job)
    }

    /// Locks at the resource group, the workspace and the resources in it (reference §9.1).
    private func observeLocks() async throws(WorkspaceError) -> [ResourceLock] {
        let url = client.url("\(address.resourceGroupID)/providers/Microsoft.Authorization/locks", version: versions.locks)
        return try await client.list(url).compactMap { ObservedState.lock($0, address: address) }
    }

    /// Cores in use outside clusters: the family rows minus what the clusters' nodes hold.
    private func observeUsage(location: String, computes: [[String: Any]]) async throws(WorkspaceError) -> [QuotaUsage] {
        let base = address.locationID(location)
        let rows = try await client.list(client.url("\(base)/usages", version: versions.usages))
        let sizes = try await client.checked(.GET, client.url("\(base)/vmSizes", version: versions.usages)).json["value"] as? [[String: Any]] ?? []
        return ObservedState.usage(rows: rows, sizes: sizes, computes: computes, location: location)
    }

    // MARK: Perform

    public func perform(_ operation: WorkspaceOperation) async throws(WorkspaceError) -> OperationOutcome {
        switch operation {
        case .createCluster(let cluster): return try await createCluster(cluster)
        case .updateClusterScale(let name, let spec): return try await scaleCluster(name, spec)
        case .replaceCluster(let cluster):
            _ = try await deleteCluster(cluster.name)
            let created = try await createCluster(cluster)
            return OperationOutcome(.done, "replaced compute/\(cluster.name): \(created.message)")
        case .deleteCluster(let name): return try await deleteCluster(name)
        case .buildEnvironment(let environment, let version), .reuseEnvironment(let environment, let version, _):
            return try await putEnvironment(environment, version: version)
        case .deleteEnvironment(let name, let version):
            let url = client.url("\(address.workspaceID)/environments/\(name)/versions/\(version)", version: versions.environments)
            let response = try await client.checked(.DELETE, url)
            return OperationOutcome(response.status == 204 ? .alreadyDone : .done, "deleted environment/\(name):\(version)")
        case .submitJob(let job): return try await submit(job)
        case .putSchedule(let schedule): return try await putSchedule(schedule)
        case .deleteSchedule(let name): return try await deleteSchedule(name)
        case .putLock(let lock): return try await putLock(lock)
        case .deleteLock(let name): return try await deleteLock(name)
        case .putQuotaPolicy(let policy):
            var policies = try loadPolicies().filter { $0.name != policy.name }
            policies.append(policy)
            try savePolicies(policies)
            return OperationOutcome(.done, "recorded quota policy \(policy.name) (kept in the state folder: Azure has no place for it)")
        case .deleteQuotaPolicy(let name):
            try savePolicies(try loadPolicies().filter { $0.name != name })
            return OperationOutcome(.done, "deleted quota policy \(name)")
        }
    }

    /// Uploads what the operation references from the commit (code, local data, a build
    /// context) unless its effect exists already, then performs it.
    public func perform(_ operation: WorkspaceOperation, reading commit: any CommitReader) async throws(WorkspaceError) -> OperationOutcome {
        let bodies = try await bodies()
        var uploads: [CommittedUpload] = []
        switch operation {
        case .submitJob(let job):
            let url = client.url("\(address.workspaceID)/jobs/\(job.submissionName)", version: versions.jobs)
            if try await client.checked(.GET, url, accepting: [404]).status == 404 { uploads = bodies.uploads(of: job) }
        case .putSchedule(let schedule):
            uploads = schedule.job.map { bodies.uploads(of: $0) } ?? []
        case .buildEnvironment(let environment, let version), .reuseEnvironment(let environment, let version, _):
            let url = client.url("\(address.workspaceID)/environments/\(environment.name)/versions/\(version)", version: versions.environments)
            if try await client.checked(.GET, url, accepting: [404]).status == 404 { uploads = bodies.uploads(of: environment) }
        default:
            break
        }
        if !uploads.isEmpty {
            _ = try await blobs.upload(uploads, account: bodies.storageAccount, container: bodies.container, from: commit)
        }
        return try await perform(operation)
    }

    private func bodies() async throws(WorkspaceError) -> ARMBodies {
        let location = try await workspaceLocation()
        let datastore = try await client.checked(
            .GET, client.url("\(address.workspaceID)/datastores/workspaceblobstore", version: versions.datastores), accepting: [404])
        let properties = datastore.json["properties"] as? [String: Any] ?? [:]
        return ARMBodies(
            address: address, location: location, storageAccount: properties["accountName"] as? String ?? "<storage-account>",
            container: properties["containerName"] as? String ?? "<workspace-blob-container>")
    }

    static func data(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    private func createCluster(_ cluster: ComputeCluster) async throws(WorkspaceError) -> OperationOutcome {
        let id = "compute/\(cluster.name)"
        let url = client.url("\(address.workspaceID)/computes/\(cluster.name)", version: versions.computes)
        let bodies = try await bodies()
        let existing = try await client.checked(.GET, url, accepting: [404])
        if existing.status == 200 {
            let state = try await settled(existing.json, url: url)
            guard let observed = ObservedState.cluster(state, workspaceLocation: bodies.location) else {
                throw .conflict(resource: id, detail: "exists and is not an AmlCompute cluster")
            }
            let changes = cluster.spec.changes(from: observed.spec)
            guard changes.isEmpty else {
                throw .conflict(
                    resource: id,
                    detail: "exists with a different spec (\(changes.map { "\($0.name): \($0.from) -> \($0.to)" }.joined(separator: ", "))); clusters are create-only")
            }
            return OperationOutcome(.alreadyDone, "\(id) already exists with this spec (\(observed.provisioningState))")
        }
        let response = try await client.checked(.PUT, url, body: Self.data(bodies.cluster(cluster)), probe: url)
        if response.headers["azure-asyncoperation"] != nil || response.headers["location"] != nil {
            try await client.waitForOperation(response)
        }
        // Final state via the original URI; Succeeded is "ready" (allocation may still resize).
        guard let final = try await client.waitForState(url) else { throw .notFound(resource: id) }
        let properties = final["properties"] as? [String: Any] ?? [:]
        guard properties["provisioningState"] as? String == "Succeeded" else {
            let errors = (properties["provisioningErrors"] as? [[String: Any]])?.compactMap { ($0["error"] as? [String: Any])?["message"] as? String }
            throw .invalid(detail: "\(id) ended \(properties["provisioningState"] ?? "Failed"): \(errors?.joined(separator: "; ") ?? "no error given"); delete it before creating it again")
        }
        let size = (properties["properties"] as? [String: Any])?["vmSize"] as? String ?? cluster.spec.size
        // The service has been seen to re-create a deleted name with its old size: verify.
        guard size.lowercased() == cluster.spec.size.lowercased() else {
            throw .conflict(
                resource: id,
                detail: "was created with vmSize \(size), not \(cluster.spec.size) (a known service anomaly after a delete and re-create of a name); delete it and create it again")
        }
        return OperationOutcome(.done, "created \(id) (\(size), \(cluster.spec.tier.rawValue), \(cluster.spec.minInstances)-\(cluster.spec.maxInstances) nodes)")
    }

    /// Waits out a cluster still Creating/Updating from an earlier attempt.
    private func settled(_ json: [String: Any], url: String) async throws(WorkspaceError) -> [String: Any] {
        let state = (json["properties"] as? [String: Any])?["provisioningState"] as? String ?? "Succeeded"
        if ["Succeeded", "Failed", "Canceled"].contains(state) { return json }
        return try await client.waitForState(url) ?? json
    }

    private func scaleCluster(_ name: String, _ spec: ClusterSpec) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/computes/\(name)", version: versions.computes)
        let bodies = try await bodies()
        let response = try await client.checked(.PATCH, url, body: Self.data(bodies.clusterScale(spec)))
        try await client.waitForOperation(response)
        _ = try await client.waitForState(url)
        return OperationOutcome(.done, "scaled compute/\(name) to \(spec.minInstances)-\(spec.maxInstances) nodes, idle \(spec.idleTimeBeforeScaleDown)s")
    }

    private func deleteCluster(_ name: String) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/computes/\(name)", version: versions.computes, query: "underlyingResourceAction=Delete")
        let response = try await client.checked(.DELETE, url)
        if response.status == 204 { return OperationOutcome(.alreadyDone, "compute/\(name) does not exist") }
        try await client.waitForOperation(response)
        _ = try await client.waitForState(client.url("\(address.workspaceID)/computes/\(name)", version: versions.computes), untilGone: true)
        return OperationOutcome(.done, "deleted compute/\(name)")
    }

    private func putEnvironment(_ environment: Environment, version: String) async throws(WorkspaceError) -> OperationOutcome {
        let label = "\(environment.name):\(version)"
        let url = client.url("\(address.workspaceID)/environments/\(environment.name)/versions/\(version)", version: versions.environments)
        let existing = try await client.checked(.GET, url, accepting: [404])
        if existing.status == 200 {
            let hash = ((existing.json["properties"] as? [String: Any])?["tags"] as? [String: Any])?[ARMBodies.hashTag] as? String
            guard hash == environment.hash.hex else {
                throw .conflict(resource: "environment/\(label)", detail: "this version exists with another definition; versions are immutable: give the changed definition a new version")
            }
            return OperationOutcome(.alreadyDone, "\(label) already exists with this definition")
        }
        let bodies = try await bodies()
        _ = try await client.checked(.PUT, url, body: Self.data(bodies.environment(environment)), probe: url)
        return OperationOutcome(.done, "registered \(label) (the service builds its image on first use; an equal definition reuses the cached image)")
    }

    private func submit(_ job: Job) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/jobs/\(job.submissionName)", version: versions.jobs)
        let existing = try await client.checked(.GET, url, accepting: [404])
        if existing.status == 200 {
            let status = (existing.json["properties"] as? [String: Any])?["status"] as? String ?? "unknown"
            return OperationOutcome(.alreadyDone, "job \(job.submissionName) was submitted before (\(status))")
        }
        let requests = try await bodies().job(job)
        try await registerPrerequisites(requests)
        let response = try await client.checked(.PUT, url, body: Self.data(["properties": requests.properties]), probe: url)
        let status = (response.json["properties"] as? [String: Any])?["status"] as? String ?? "NotStarted"
        return OperationOutcome(.done, "submitted job \(job.submissionName) (\(status))")
    }

    /// PUTs code assets, anonymous environments and components (each idempotent by its name).
    private func registerPrerequisites(_ requests: JobRequests) async throws(WorkspaceError) {
        for (id, body) in requests.prerequisites {
            let version = id.contains("/codes/") ? versions.codes : id.contains("/components/") ? versions.components : versions.environments
            let url = client.url(id, version: version)
            let existing = try await client.checked(.GET, url, accepting: [404])
            if existing.status == 200 { continue }
            _ = try await client.checked(.PUT, url, body: Self.data(body), probe: url)
        }
    }

    private func putSchedule(_ schedule: Schedule) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/schedules/\(schedule.name)", version: versions.schedules)
        let existing = try await client.checked(.GET, url, accepting: [404])
        if existing.status == 200, ObservedState.schedule(existing.json)?.hash == schedule.hash {
            return OperationOutcome(.alreadyDone, "schedule/\(schedule.name) already has this definition")
        }
        let requests = try await bodies().schedule(schedule)
        try await registerPrerequisites(requests)
        let response = try await client.checked(.PUT, url, body: Self.data(["properties": requests.properties]))
        if response.headers["azure-asyncoperation"] != nil { try await client.waitForOperation(response) }
        return OperationOutcome(.done, "\(existing.status == 200 ? "updated" : "created") schedule/\(schedule.name)")
    }

    /// Disables the schedule (a PUT of its own body with `isEnabled: false`), then deletes it.
    private func deleteSchedule(_ name: String) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/schedules/\(name)", version: versions.schedules)
        let existing = try await client.checked(.GET, url, accepting: [404])
        guard existing.status == 200 else { return OperationOutcome(.alreadyDone, "schedule/\(name) does not exist") }
        var properties = existing.json["properties"] as? [String: Any] ?? [:]
        if properties["isEnabled"] as? Bool ?? true {
            properties["isEnabled"] = false
            for field in ["provisioningState", "status"] { properties[field] = nil }
            let disabled = try await client.checked(.PUT, url, body: Self.data(["properties": properties]))
            if disabled.headers["azure-asyncoperation"] != nil { try await client.waitForOperation(disabled) }
        }
        let response = try await client.checked(.DELETE, url)
        if response.status == 202 { try await client.waitForOperation(response) }
        return OperationOutcome(.done, "disabled and deleted schedule/\(name)")
    }

    /// The ARM scope of one of our lock scopes.
    func scopeID(_ scope: LockScope) -> String {
        switch scope {
        case .resourceGroup: address.resourceGroupID
        case .workspace: address.workspaceID
        case .resource(let id):
            switch id.kind {
            case .compute: "\(address.workspaceID)/computes/\(id.name)"
            case .environment: "\(address.workspaceID)/environments/\(id.name)"
            case .schedule: "\(address.workspaceID)/schedules/\(id.name)"
            case .job: "\(address.workspaceID)/jobs/\(id.name)"
            default: address.workspaceID
            }
        }
    }

    private func putLock(_ lock: ResourceLock) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(scopeID(lock.scope))/providers/Microsoft.Authorization/locks/\(lock.name)", version: versions.locks)
        var properties: [String: Any] = ["level": lock.level.rawValue]
        if let notes = lock.notes { properties["notes"] = String(notes.prefix(512)) }
        let response = try await client.checked(.PUT, url, body: Self.data(["properties": properties]))
        return OperationOutcome(.done, "\(response.status == 201 ? "created" : "updated") lock \(lock.name) (\(lock.level.rawValue) on \(lock.scope))")
    }

    private func deleteLock(_ name: String) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.resourceGroupID)/providers/Microsoft.Authorization/locks", version: versions.locks)
        let found = try await client.list(url).filter { ($0["name"] as? String) == name }
        guard !found.isEmpty else { return OperationOutcome(.alreadyDone, "lock \(name) does not exist") }
        for lock in found {
            guard let id = lock["id"] as? String else { continue }
            _ = try await client.checked(.DELETE, client.url(id, version: versions.locks))
        }
        return OperationOutcome(.done, "deleted lock \(name)")
    }

    // MARK: Jobs

    /// Cancels a job: POST `cancel`, then follows the `Location` operation until it ends. A job
    /// already finished is `alreadyDone`.
    public func cancelJob(named name: String) async throws(WorkspaceError) -> OperationOutcome {
        let url = client.url("\(address.workspaceID)/jobs/\(name)", version: versions.jobs)
        let job = try await client.checked(.GET, url)
        let status = (job.json["properties"] as? [String: Any])?["status"] as? String ?? ""
        if ["Completed", "Failed", "Canceled"].contains(status) {
            return OperationOutcome(.alreadyDone, "job \(name) had already ended (\(status))")
        }
        let response = try await client.checked(
            .POST, client.url("\(address.workspaceID)/jobs/\(name)/cancel", version: versions.jobs))
        if response.status == 202 { try await client.waitForOperation(response) }
        return OperationOutcome(.done, "canceled job \(name)")
    }

    // MARK: Quota policies (kept locally)

    func loadPolicies() throws(WorkspaceError) -> [QuotaPolicy] {
        guard let policyFile, let data = FileManager.default.contents(atPath: policyFile) else { return [] }
        do { return try JSONDecoder().decode([QuotaPolicy].self, from: data) } catch {
            throw .storage(detail: "cannot read \(policyFile): \(error.localizedDescription); delete it to record the policies again")
        }
    }

    func savePolicies(_ policies: [QuotaPolicy]) throws(WorkspaceError) {
        guard let policyFile else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: policyFile).deletingLastPathComponent().path, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(policies.sorted { $0.name < $1.name }).write(to: URL(fileURLWithPath: policyFile), options: .atomic)
        } catch {
            throw .storage(detail: "cannot write \(policyFile): \(error.localizedDescription)")
        }
    }
}
