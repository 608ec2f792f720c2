import Foundation

/// An asynchronous operation (`Azure-AsyncOperation` status resource).
struct FakeOperation {
    enum Kind { case create, update, delete, cancel }
    var id: String
    var subscription: String
    var location: String
    /// The resource it acts on (original casing).
    var resource: String
    var kind: Kind
    var polls = 0
    var started = Date()
    var status = "InProgress"
    var error: [String: Any]?
}

extension FakeAzure {
    /// Dispatches an authenticated, versioned, lock-checked request.
    func route(_ request: FakeRequest, segments: [String]) -> FakeResponse {
        let lower = segments.map { $0.lowercased() }
        // /subscriptions/{s}/providers/Microsoft.MachineLearningServices/locations/{loc}/...
        if lower.count >= 7, lower[0] == "subscriptions", lower[2] == "providers", lower[4] == "locations" {
            return locationScoped(request, subscription: segments[1], location: segments[5], rest: Array(segments.dropFirst(6)))
        }
        if let missing = missingResourceGroup(segments) { return missing }
        guard lower.count >= 8, lower[4] == "providers", lower[5] == "microsoft.machinelearningservices", lower[6] == "workspaces" else {
            if lower.count == 4, request.method == "GET" {
                return .json(200, ["id": request.path, "name": segments[3], "location": "westeurope", "properties": ["provisioningState": "Succeeded"]])
            }
            return .error(404, "InvalidResourceType", "The resource type could not be found for \(request.path).")
        }
        let workspaceID = "/" + segments[..<8].joined(separator: "/")
        guard let workspace = workspaces[workspaceID.lowercased()] else {
            return .error(
                404, "ResourceNotFound",
                "The Resource 'Microsoft.MachineLearningServices/workspaces/\(segments[7])' under resource group '\(segments[3])' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
        }
        let rest = Array(segments.dropFirst(8))
        let restLower = rest.map { $0.lowercased() }
        if rest.isEmpty {
            guard request.method == "GET" else { return .error(405, "MethodNotAllowed", "only GET of a workspace is emulated") }
            return .json(200, [
                "id": workspaceID, "name": workspace.name, "type": "Microsoft.MachineLearningServices/workspaces",
                "location": workspace.location, "sku": ["name": "Basic", "tier": "Basic"],
                "properties": ["provisioningState": "Succeeded", "friendlyName": workspace.name] as [String: Any],
            ])
        }
        switch restLower[0] {
        case "computes": return computes(request, workspace: workspace, workspaceID: workspaceID, rest: rest)
        case "environments": return environments(request, workspaceID: workspaceID, rest: rest)
        case "jobs": return jobs(request, workspaceID: workspaceID, rest: rest)
        case "schedules": return schedules(request, workspaceID: workspaceID, rest: rest)
        case "components", "codes", "data", "models": return assets(request, workspaceID: workspaceID, rest: rest)
        case "datastores":
            guard request.method == "GET", rest.count == 2 else { return .error(405, "MethodNotAllowed", "only GET of a datastore is emulated") }
            guard rest[1].lowercased() == "workspaceblobstore" else { return Self.notFound("Datastore", rest[1]) }
            return .json(200, [
                "id": "\(workspaceID)/datastores/workspaceblobstore", "name": "workspaceblobstore",
                "properties": ["datastoreType": "AzureBlob", "accountName": "fakestorage\(workspace.name.filter(\.isLetter).lowercased())",
                               "containerName": "azureml-blobstore-fake", "isDefault": true] as [String: Any],
            ])
        default:
            return .error(404, "NoRegisteredProviderFound", "The resource type '\(rest[0])' is not emulated.")
        }
    }

    /// Name rules of §1 (environments, jobs and assets: the swagger's pattern).
    static func validAssetName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$", options: .regularExpression) != nil
    }

    static func validClusterName(_ name: String) -> Bool {
        name.range(of: "^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$", options: .regularExpression) != nil
    }

    static func body(_ request: FakeRequest) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
    }

    /// Server-filled `systemData`.
    static func systemData(created: String, modified: String) -> [String: Any] {
        ["createdAt": created, "createdBy": "fake-user", "createdByType": "User", "lastModifiedAt": modified,
         "lastModifiedBy": "fake-user", "lastModifiedByType": "User"]
    }

    /// Removes the fake's private bookkeeping (keys starting `_fake`) from an answer.
    static func visible(_ body: [String: Any]) -> [String: Any] {
        var copy = body.filter { !$0.key.hasPrefix("_fake") }
        if var properties = copy["properties"] as? [String: Any] {
            properties = properties.filter { !$0.key.hasPrefix("_fake") }
            copy["properties"] = properties
        }
        return copy
    }

    // MARK: Operations

    /// Starts an operation and returns its status URL.
    func startOperation(_ request: FakeRequest, workspaceID: String, location: String, resource: String, kind: FakeOperation.Kind) -> (status: String, result: String) {
        let id = UUID().uuidString.lowercased()
        let subscription = Self.subscription(of: workspaceID) ?? ""
        operations[id] = FakeOperation(id: id, subscription: subscription, location: location, resource: resource, kind: kind)
        let version = request.parameters["api-version"] ?? "2024-10-01"
        let base = "\(request.base)/subscriptions/\(subscription)/providers/Microsoft.MachineLearningServices/locations/\(location)"
        return ("\(base)/computeOperationsStatus/\(id)?api-version=\(version)&service=new",
                "\(base)/computeOperationsResults/\(id)?api-version=\(version)")
    }

    /// Finishes operations whose time is up (also run before every request).
    func settle() {
        for (id, operation) in operations where operation.status == "InProgress"
            && Date().timeIntervalSince(operation.started) >= configuration.operationSeconds
        {
            finish(id)
        }
    }

    func finish(_ id: String) {
        guard var operation = operations[id], operation.status == "InProgress" else { return }
        operation.status = "Succeeded"
        let now = Self.timestamp()
        switch operation.kind {
        case .create, .update:
            if var compute = get(operation.resource), var properties = compute["properties"] as? [String: Any] {
                properties["provisioningState"] = "Succeeded"
                properties["modifiedOn"] = now
                if var inner = properties["properties"] as? [String: Any] {
                    if inner["remoteLoginPortPublicAccess"] as? String == "NotSpecified" {
                        // The service reports Enabled or Disabled once created (reference §3.1).
                        inner["remoteLoginPortPublicAccess"] = "Enabled"
                    }
                    let scale = inner["scaleSettings"] as? [String: Any] ?? [:]
                    let minimum = scale["minNodeCount"] as? Int ?? 0, maximum = scale["maxNodeCount"] as? Int ?? 0
                    let current = min(max(inner["currentNodeCount"] as? Int ?? 0, minimum), maximum)
                    inner["currentNodeCount"] = current
                    inner["targetNodeCount"] = current
                    inner["allocationState"] = "Steady"
                    inner["allocationStateTransitionTime"] = now
                    inner["nodeStateCounts"] = Self.nodeCounts(idle: current)
                    properties["properties"] = inner
                }
                compute["properties"] = properties
                store(operation.resource, compute)
            }
        case .delete:
            remove(operation.resource)
        case .cancel:
            if var job = get(operation.resource), var properties = job["properties"] as? [String: Any] {
                properties["_fakeStatus"] = "Canceled"
                job["properties"] = properties
                store(operation.resource, job)
            }
        }
        operation.status = "Succeeded"
        operations[id] = operation
    }

    static func nodeCounts(idle: Int) -> [String: Any] {
        ["preparingNodeCount": 0, "runningNodeCount": 0, "idleNodeCount": idle, "unusableNodeCount": 0, "leavingNodeCount": 0,
         "preemptedNodeCount": 0]
    }

    /// `{loc}/usages|vmSizes|quotas|computeOperationsStatus/{id}|computeOperationsResults/{id}`.
    func locationScoped(_ request: FakeRequest, subscription: String, location: String, rest: [String]) -> FakeResponse {
        let kind = rest.first?.lowercased() ?? ""
        switch (kind, rest.count) {
        case ("computeoperationsstatus", 2), ("computeoperationsresults", 2):
            guard var operation = operations[rest[1].lowercased()], operation.subscription.lowercased() == subscription.lowercased() else {
                return .error(404, "ResourceNotFound", "The operation '\(rest[1])' was not found.")
            }
            operation.polls += 1
            operations[operation.id] = operation
            if operation.polls >= configuration.operationPolls { finish(operation.id) }
            let current = operations[operation.id]!
            let retry = ("Retry-After", String(configuration.retryAfterSeconds))
            if kind == "computeoperationsresults" {
                if current.status == "InProgress" { return FakeResponse(status: 202, headers: [retry]) }
                if current.kind == .delete { return FakeResponse(status: 204) }
                return get(current.resource).map { .json(200, Self.visible($0)) } ?? FakeResponse(status: 204)
            }
            var status: [String: Any] = [
                "id": request.path, "name": current.id, "status": current.status,
                "startTime": Self.timestamp(current.started),
            ]
            if current.status != "InProgress" { status["endTime"] = Self.timestamp() }
            if let error = current.error { status["error"] = error }
            return .json(200, status, headers: current.status == "InProgress" ? [retry] : [])
        case ("vmsizes", 1):
            return .json(200, ["value": FakeVMSizes.catalogue.map(\.json)])
        case ("usages", 1):
            return page(usages(subscription: subscription, location: location), request)
        case ("quotas", 1):
            let rows: [[String: Any]] = FakeVMSizes.families.map { family in
                let usageName = FakeVMSizes.usageName(family, dedicated: true)
                return [
                    "id": "/subscriptions/\(subscription)/quotas/\(usageName)", "type": "Microsoft.MachineLearningServices/vmFamily/quotas",
                    "name": ["value": family, "localizedValue": family], "limit": limit(family), "unit": "Count",
                    "amlWorkspaceLocation": location,
                ]
            }
            return page(rows, request)
        default:
            return .error(404, "InvalidResourceType", "The location resource '\(rest.joined(separator: "/"))' is not emulated.")
        }
    }

    func limit(_ family: String) -> Int { configuration.familyLimits[family] ?? configuration.defaultFamilyLimit }

    /// vCPUs in use by family and tier, from the clusters' current node counts.
    func coresInUse(subscription: String) -> [String: (dedicated: Int, lowPriority: Int)] {
        var used: [String: (dedicated: Int, lowPriority: Int)] = [:]
        for (key, body) in resources where key.hasPrefix("/subscriptions/\(subscription.lowercased())/") && key.contains("/computes/") {
            guard let inner = (body["properties"] as? [String: Any])?["properties"] as? [String: Any],
                let size = FakeVMSizes.find(inner["vmSize"] as? String ?? "")
            else { continue }
            let cores = (inner["currentNodeCount"] as? Int ?? 0) * size.cores
            if inner["vmPriority"] as? String == "LowPriority" {
                used[size.family, default: (0, 0)].lowPriority += cores
            } else {
                used[size.family, default: (0, 0)].dedicated += cores
            }
        }
        return used
    }

    /// The flat usages list of §6.1: regional totals and one row per family and tier.
    func usages(subscription: String, location: String) -> [[String: Any]] {
        let used = coresInUse(subscription: subscription)
        let base = "/subscriptions/\(subscription)/providers/Microsoft.MachineLearningServices/locations/\(location)/usages"
        func row(_ id: String, _ type: String, _ name: String, _ current: Int, _ limit: Int) -> [String: Any] {
            ["id": id, "type": "Microsoft.MachineLearningServices/\(type)", "currentValue": current, "limit": limit, "unit": "Count",
             "amlWorkspaceLocation": location, "name": ["value": name, "localizedValue": name]]
        }
        var rows: [[String: Any]] = [
            row(base, "dedicatedCores/usages", "Total Cluster Dedicated Regional vCPUs", used.values.reduce(0) { $0 + $1.dedicated }, configuration.totalDedicatedLimit),
            row(base, "lowPriorityCores/usages", "Total Cluster LowPriority Regional vCPUs", used.values.reduce(0) { $0 + $1.lowPriority }, configuration.totalLowPriorityLimit),
        ]
        for family in FakeVMSizes.families {
            let dedicatedName = FakeVMSizes.usageName(family, dedicated: true), lowName = FakeVMSizes.usageName(family, dedicated: false)
            rows.append(row("\(base)/\(dedicatedName)", "vmFamily/usages", dedicatedName.replacingOccurrences(of: "_", with: " "), used[family]?.dedicated ?? 0, limit(family)))
            rows.append(row("\(base)/\(lowName)", "vmFamily/usages", lowName.replacingOccurrences(of: "_", with: " "), used[family]?.lowPriority ?? 0, -1))
        }
        return rows
    }
}
