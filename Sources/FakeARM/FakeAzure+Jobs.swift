import Foundation

extension FakeAzure {
    /// The status path of a job that nobody cancels (§5.2).
    static let jobTimeline = ["NotStarted", "Starting", "Preparing", "Queued", "Running", "Finalizing", "Completed"]

    /// `{ws}/jobs[/{id}[/cancel]]` (§5): PUT by name is idempotent; the status advances with time.
    func jobs(_ request: FakeRequest, workspaceID: String, rest: [String]) -> FakeResponse {
        let collection = "\(workspaceID)/jobs"
        switch (request.method, rest.count) {
        case ("GET", 1):
            var items = children(of: collection).map(withStatus)
            if let tag = request.parameters["tag"] {
                items = items.filter { (($0["properties"] as? [String: Any])?["tags"] as? [String: Any])?[tag] != nil }
            }
            return page(items, request)
        case ("GET", 2):
            return get("\(collection)/\(rest[1])").map { .json(200, withStatus($0)) } ?? Self.notFound("Job", rest[1])
        case ("PUT", 2):
            return putJob(request, workspaceID: workspaceID, id: "\(collection)/\(rest[1])", name: rest[1])
        case ("POST", 3) where rest[2].lowercased() == "cancel":
            let id = "\(collection)/\(rest[1])"
            guard var job = get(id) else { return Self.notFound("Job", rest[1]) }
            let status = (withStatus(job)["properties"] as? [String: Any])?["status"] as? String ?? ""
            if ["Completed", "Failed", "Canceled"].contains(status) { return FakeResponse(status: 200) }
            var properties = job["properties"] as? [String: Any] ?? [:]
            properties["_fakeStatus"] = "CancelRequested"
            job["properties"] = properties
            store(id, job)
            let location = workspaces[workspaceID.lowercased()]?.location ?? "westeurope"
            let urls = startOperation(request, workspaceID: workspaceID, location: location, resource: id, kind: .cancel)
            return FakeResponse(status: 202, headers: [("Location", urls.result), ("Retry-After", String(configuration.retryAfterSeconds))])
        case ("DELETE", 2):
            let id = "\(collection)/\(rest[1])"
            guard get(id) != nil else { return FakeResponse(status: 204) }
            remove(id)
            return FakeResponse(status: 200)
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) on jobs is not emulated at this depth")
        }
    }

    /// The stored job with its current `status`.
    func withStatus(_ job: [String: Any]) -> [String: Any] {
        var copy = job
        var properties = job["properties"] as? [String: Any] ?? [:]
        if let fixed = properties["_fakeStatus"] as? String {
            properties["status"] = fixed
        } else {
            let submitted = properties["_fakeSubmitted"] as? Double ?? Date().timeIntervalSince1970
            let steps = Int((Date().timeIntervalSince1970 - submitted) / max(configuration.jobStateSeconds, 0.001))
            properties["status"] = Self.jobTimeline[min(max(steps, 0), Self.jobTimeline.count - 1)]
        }
        copy["properties"] = properties
        return Self.visible(copy)
    }

    private func putJob(_ request: FakeRequest, workspaceID: String, id: String, name: String) -> FakeResponse {
        guard Self.validAssetName(name) else {
            return .error(400, "UserError", "The job name '\(name)' is invalid: letters, digits, '-' and '_', up to 255 characters.")
        }
        guard let body = Self.body(request), let properties = body["properties"] as? [String: Any] else {
            return .error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        guard let type = properties["jobType"] as? String, ["Command", "Pipeline", "Sweep", "AutoML", "Spark"].contains(type) else {
            return .error(400, "UserError", "jobType is required: Command, Pipeline, Sweep, AutoML or Spark.")
        }
        if var existing = get(id) {
            // A re-PUT changes only the mutable fields (§5.1); everything else is kept as first sent.
            var stored = existing["properties"] as? [String: Any] ?? [:]
            for field in ["tags", "description", "properties", "isArchived"] where properties[field] != nil {
                stored[field] = properties[field]
            }
            existing["properties"] = stored
            store(id, existing)
            return .json(200, withStatus(existing))
        }
        for computeID in Self.computeIDs(properties) where computeID.lowercased().hasPrefix(workspaceID.lowercased() + "/computes/") {
            guard get(computeID) != nil else {
                return .error(400, "UserError", "The compute '\(computeID.split(separator: "/").last ?? "")' referenced by the job does not exist.")
            }
        }
        if let refused = jobQuotaRefusal(properties) { return refused }
        var stored = properties
        stored["_fakeSubmitted"] = Date().timeIntervalSince1970
        stored["experimentName"] = properties["experimentName"] ?? "Default"
        stored["services"] = ["Studio": ["jobServiceType": "Studio", "endpoint": "https://ml.azure.com/runs/\(name)", "status": NSNull()]]
        let now = Self.timestamp()
        let resource: [String: Any] = [
            "id": id, "name": name, "type": "Microsoft.MachineLearningServices/workspaces/jobs", "properties": stored,
            "systemData": Self.systemData(created: now, modified: now),
        ]
        store(id, resource)
        return .json(201, withStatus(resource))
    }

    /// 400 `JobNodeCountExceedsCoreQuota` when a job (or a step) asks for more nodes of its
    /// cluster's size than the family's vCPU limit holds (reference §8.3).
    func jobQuotaRefusal(_ properties: [String: Any]) -> FakeResponse? {
        var demands: [(compute: String?, nodes: Int)] = []
        let defaultCompute = (properties["settings"] as? [String: Any])?["default_compute"] as? String ?? properties["computeId"] as? String
        if properties["jobType"] as? String == "Command" {
            demands.append((properties["computeId"] as? String, (properties["resources"] as? [String: Any])?["instanceCount"] as? Int ?? 1))
        }
        for case let step as [String: Any] in (properties["jobs"] as? [String: Any] ?? [:]).values {
            let nodes = (step["resources"] as? [String: Any])?["instance_count"] as? Int ?? 1
            demands.append((step["computeId"] as? String ?? defaultCompute, nodes))
        }
        for demand in demands {
            guard let compute = demand.compute.flatMap({ get($0) }),
                let inner = (compute["properties"] as? [String: Any])?["properties"] as? [String: Any],
                let size = FakeVMSizes.find(inner["vmSize"] as? String ?? "")
            else { continue }
            let wanted = demand.nodes * size.cores
            if wanted > limit(size.family) {
                let family = FakeVMSizes.spaced(size.family)
                return .error(
                    400, "JobNodeCountExceedsCoreQuota",
                    "The specified subscription has a \(family) vCPU quota of \(limit(size.family)) and is less than the requested job node count of \(demand.nodes) which maps to \(wanted) vCPUs. Talk to your Subscription Admin or refer to https://docs.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-increases to increase the \(family) vCPU quota")
            }
        }
        return nil
    }

    /// Every `computeId` of a job and its steps, and the pipeline's default compute.
    static func computeIDs(_ properties: [String: Any]) -> [String] {
        var ids: [String] = []
        if let id = properties["computeId"] as? String { ids.append(id) }
        if let id = (properties["settings"] as? [String: Any])?["default_compute"] as? String { ids.append(id) }
        for case let step as [String: Any] in (properties["jobs"] as? [String: Any] ?? [:]).values {
            if let id = step["computeId"] as? String { ids.append(id) }
        }
        return ids
    }

    /// `{ws}/schedules[/{name}]`: create/update (sync here), enable/disable, delete only when disabled.
    func schedules(_ request: FakeRequest, workspaceID: String, rest: [String]) -> FakeResponse {
        let collection = "\(workspaceID)/schedules"
        switch (request.method, rest.count) {
        case ("GET", 1): return page(children(of: collection).map(Self.visible), request)
        case ("GET", 2): return get("\(collection)/\(rest[1])").map { .json(200, Self.visible($0)) } ?? Self.notFound("Schedule", rest[1])
        case ("PUT", 2):
            guard let body = Self.body(request), var properties = body["properties"] as? [String: Any],
                properties["trigger"] is [String: Any], properties["action"] is [String: Any]
            else { return .error(400, "UserError", "A schedule needs properties.trigger and properties.action.") }
            let id = "\(collection)/\(rest[1])"
            let existed = get(id) != nil
            properties["isEnabled"] = properties["isEnabled"] ?? true
            properties["provisioningState"] = "Succeeded"
            let now = Self.timestamp()
            store(id, ["id": id, "name": rest[1], "type": "Microsoft.MachineLearningServices/workspaces/schedules",
                       "properties": properties, "systemData": Self.systemData(created: now, modified: now)])
            return .json(existed ? 200 : 201, get(id)!)
        case ("DELETE", 2):
            let id = "\(collection)/\(rest[1])"
            guard let schedule = get(id) else { return FakeResponse(status: 204) }
            if (schedule["properties"] as? [String: Any])?["isEnabled"] as? Bool ?? true {
                return .error(400, "UserError", "Schedule \(rest[1]) is enabled; disable it before deleting it.")
            }
            remove(id)
            return FakeResponse(status: 200)
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) on schedules is not emulated at this depth")
        }
    }
}
