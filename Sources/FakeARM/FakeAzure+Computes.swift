import Foundation

extension FakeAzure {
    /// `{ws}/computes[/{name}[/listNodes|listKeys]]`: the AmlCompute state machine (§3, §7.3).
    func computes(_ request: FakeRequest, workspace: FakeWorkspace, workspaceID: String, rest: [String]) -> FakeResponse {
        let collection = "\(workspaceID)/computes"
        guard rest.count >= 2 else {
            guard request.method == "GET" else { return .error(405, "MethodNotAllowed", "\(request.method) on computes") }
            return page(children(of: collection).map(Self.visible), request)
        }
        let name = rest[1]
        let id = "\(collection)/\(name)"
        if rest.count == 3 {
            guard request.method == "POST" else { return .error(405, "MethodNotAllowed", "\(request.method) on \(rest[2])") }
            guard get(id) != nil else { return Self.computeNotFound(name) }
            switch rest[2].lowercased() {
            case "listnodes": return .json(200, ["nodes": [] as [Any]])
            case "listkeys": return .json(200, ["computeType": "AmlCompute"])
            default: return .error(404, "NotFound", "no compute action \(rest[2])")
            }
        }
        switch request.method {
        case "GET":
            guard let compute = get(id) else { return Self.computeNotFound(name) }
            return .json(200, Self.visible(compute))
        case "PUT": return putCompute(request, workspace: workspace, workspaceID: workspaceID, id: id, name: name)
        case "PATCH": return patchCompute(request, workspace: workspace, workspaceID: workspaceID, id: id, name: name)
        case "DELETE":
            guard let action = request.parameters["underlyingResourceAction"], ["Delete", "Detach"].contains(action) else {
                return .error(400, "BadRequest", "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.")
            }
            guard var compute = get(id) else { return FakeResponse(status: 204) }
            var properties = compute["properties"] as? [String: Any] ?? [:]
            properties["provisioningState"] = "Deleting"
            compute["properties"] = properties
            store(id, compute)
            let urls = startOperation(request, workspaceID: workspaceID, location: workspace.location, resource: id, kind: .delete)
            return FakeResponse(status: 202, headers: [
                ("Azure-AsyncOperation", urls.status), ("Location", urls.result), ("Retry-After", String(configuration.retryAfterSeconds)),
            ])
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) on a compute")
        }
    }

    static func computeNotFound(_ name: String) -> FakeResponse {
        .error(404, "UserError", "The compute '\(name)' was not found in the workspace.", details: [["code": "NotFound", "message": "Compute not found"]])
    }

    private func putCompute(_ request: FakeRequest, workspace: FakeWorkspace, workspaceID: String, id: String, name: String) -> FakeResponse {
        guard Self.validClusterName(name) else {
            return .error(400, "BadRequest", "Compute name '\(name)' is invalid: it must be 3 to 32 letters, digits and hyphens, starting with a letter and not ending with a hyphen.")
        }
        guard let body = Self.body(request), let properties = body["properties"] as? [String: Any] else {
            return .error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        guard let computeType = properties["computeType"] as? String else {
            return .error(400, "BadRequest", "The property 'computeType' is required.")
        }
        guard computeType == "AmlCompute" else {
            return .error(400, "BadRequest", "The fake emulates only computeType 'AmlCompute', not '\(computeType)'.")
        }
        let inner = properties["properties"] as? [String: Any] ?? [:]
        let scale = inner["scaleSettings"] as? [String: Any] ?? [:]
        guard let maximum = scale["maxNodeCount"] as? Int else {
            return .error(400, "BadRequest", "The property 'scaleSettings.maxNodeCount' is required.")
        }
        let minimum = scale["minNodeCount"] as? Int ?? 0
        guard minimum >= 0, minimum <= maximum else {
            return .error(400, "BadRequest", "minNodeCount (\(minimum)) must be between 0 and maxNodeCount (\(maximum)).")
        }
        let priority = inner["vmPriority"] as? String ?? "Dedicated"
        guard ["Dedicated", "LowPriority"].contains(priority) else {
            return .error(400, "BadRequest", "The value '\(priority)' of vmPriority is not valid: Dedicated or LowPriority.")
        }
        let sizeName = inner["vmSize"] as? String ?? ""
        guard let size = FakeVMSizes.find(sizeName) else {
            return .error(
                400, "InvalidPropertyValue",
                "The specified value \(sizeName) for property Cluster.Properties.VMSize is not a supported VM size. See additional details for supported VM sizes.",
                details: [["code": "SupportedVMSizes", "message": FakeVMSizes.catalogue.map { $0.name.uppercased() }.joined(separator: ",")]])
        }
        if inner["enableNodePublicIp"] as? Bool == false, inner["subnet"] == nil {
            return .error(400, "BadRequest", "A subnet is required when enableNodePublicIp is false.")
        }
        let existing = get(id)
        // Min-node quota: the nodes a cluster always holds must fit the family's headroom.
        let used = coresInUse(subscription: workspace.subscription)[size.family] ?? (0, 0)
        let held = ((existing?["properties"] as? [String: Any])?["properties"] as? [String: Any])?["currentNodeCount"] as? Int ?? 0
        if priority == "Dedicated", minimum > 0 {
            let headroom = limit(size.family) - used.dedicated + held * size.cores
            if minimum * size.cores > headroom {
                return .error(
                    400, "ClusterMinNodesExceedCoreQuota",
                    "The specified subscription has a \(FakeVMSizes.spaced(size.family)) vCPU quota of \(limit(size.family)) and cannot accomodate for at least \(minimum) requested managed compute nodes which maps to \(minimum * size.cores) vCPUs. Talk to your Subscription Admin or refer to https://docs.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-increases to increase the family quota")
            }
        }
        let now = Self.timestamp()
        var stored: [String: Any]
        var storedProperties: [String: Any]
        if let existing, configuration.rejectImmutableComputeChanges {
            let before = (existing["properties"] as? [String: Any])?["properties"] as? [String: Any] ?? [:]
            for field in ["vmSize", "vmPriority", "osType", "enableNodePublicIp"] where inner[field] != nil {
                let old = "\(before[field] ?? "")".lowercased(), new = "\(inner[field]!)".lowercased()
                if old != new {
                    return .error(400, "UserError", "Property '\(field)' cannot be updated for an existing AmlCompute.")
                }
            }
        }
        if let existing {
            // Only scale settings, tags and description change in place; the rest is accepted and ignored.
            stored = existing
            storedProperties = existing["properties"] as? [String: Any] ?? [:]
            var storedInner = storedProperties["properties"] as? [String: Any] ?? [:]
            storedInner["scaleSettings"] = scale
            storedProperties["properties"] = storedInner
            if let description = properties["description"] { storedProperties["description"] = description }
            if let tags = body["tags"] { stored["tags"] = tags }
            storedProperties["provisioningState"] = "Updating"
        } else {
            stored = [
                "id": id, "name": name, "type": "Microsoft.MachineLearningServices/workspaces/computes",
                "location": body["location"] as? String ?? workspace.location,
            ]
            if let tags = body["tags"] { stored["tags"] = tags }
            if let sku = body["sku"] { stored["sku"] = sku }
            if var identity = body["identity"] as? [String: Any] {
                let type = identity["type"] as? String ?? "None"
                if type.contains("SystemAssigned") {
                    identity["principalId"] = UUID().uuidString.lowercased()
                    identity["tenantId"] = "00000000-0000-0000-0000-0000000000aa"
                }
                if var users = identity["userAssignedIdentities"] as? [String: Any] {
                    for key in users.keys { users[key] = ["principalId": UUID().uuidString.lowercased(), "clientId": UUID().uuidString.lowercased()] }
                    identity["userAssignedIdentities"] = users
                }
                stored["identity"] = identity
            }
            var storedInner = inner
            // Secrets are never returned.
            if var credentials = storedInner["userAccountCredentials"] as? [String: Any] {
                credentials["adminUserPassword"] = nil
                credentials["adminUserSshPublicKey"] = nil
                storedInner["userAccountCredentials"] = credentials
            }
            storedInner["vmPriority"] = priority
            storedInner["osType"] = inner["osType"] ?? "Linux"
            storedInner["remoteLoginPortPublicAccess"] = inner["remoteLoginPortPublicAccess"] ?? "NotSpecified"
            storedInner["enableNodePublicIp"] = inner["enableNodePublicIp"] ?? true
            storedInner["isolatedNetwork"] = inner["isolatedNetwork"] ?? false
            storedInner["scaleSettings"] = ["minNodeCount": minimum, "maxNodeCount": maximum,
                                            "nodeIdleTimeBeforeScaleDown": scale["nodeIdleTimeBeforeScaleDown"] ?? "PT2M"]
            storedInner["allocationState"] = minimum > 0 ? "Resizing" : "Steady"
            storedInner["allocationStateTransitionTime"] = now
            storedInner["currentNodeCount"] = 0
            storedInner["targetNodeCount"] = minimum
            storedInner["nodeStateCounts"] = Self.nodeCounts(idle: 0)
            storedInner["errors"] = NSNull()
            storedProperties = [
                "computeType": "AmlCompute", "provisioningState": "Creating", "createdOn": now, "modifiedOn": now,
                "computeLocation": properties["computeLocation"] ?? body["location"] ?? workspace.location,
                "disableLocalAuth": properties["disableLocalAuth"] ?? false, "isAttachedCompute": false,
                "properties": storedInner, "provisioningErrors": NSNull(),
            ]
            if let description = properties["description"] { storedProperties["description"] = description }
        }
        stored["properties"] = storedProperties
        store(id, stored)
        let urls = startOperation(
            request, workspaceID: workspaceID, location: workspace.location, resource: id, kind: existing == nil ? .create : .update)
        return .json(existing == nil ? 201 : 200, Self.visible(stored), headers: [
            ("Azure-AsyncOperation", urls.status), ("Retry-After", String(configuration.retryAfterSeconds)),
        ])
    }

    /// PATCH accepts `properties.properties.scaleSettings` only (reference §3.4).
    private func patchCompute(_ request: FakeRequest, workspace: FakeWorkspace, workspaceID: String, id: String, name: String) -> FakeResponse {
        guard var compute = get(id) else { return Self.computeNotFound(name) }
        guard let body = Self.body(request), body.keys.sorted() == ["properties"],
            let outer = body["properties"] as? [String: Any], outer.keys.sorted() == ["properties"],
            let inner = outer["properties"] as? [String: Any], inner.keys.sorted() == ["scaleSettings"],
            let scale = inner["scaleSettings"] as? [String: Any], let maximum = scale["maxNodeCount"] as? Int
        else {
            return .error(400, "BadRequest", "Only properties.properties.scaleSettings (with maxNodeCount) can be updated with PATCH.")
        }
        let minimum = scale["minNodeCount"] as? Int ?? 0
        guard minimum >= 0, minimum <= maximum else {
            return .error(400, "BadRequest", "minNodeCount (\(minimum)) must be between 0 and maxNodeCount (\(maximum)).")
        }
        var properties = compute["properties"] as? [String: Any] ?? [:]
        var storedInner = properties["properties"] as? [String: Any] ?? [:]
        var merged = storedInner["scaleSettings"] as? [String: Any] ?? [:]
        for (key, value) in scale { merged[key] = value }
        storedInner["scaleSettings"] = merged
        properties["properties"] = storedInner
        properties["provisioningState"] = "Updating"
        compute["properties"] = properties
        store(id, compute)
        let urls = startOperation(request, workspaceID: workspaceID, location: workspace.location, resource: id, kind: .update)
        return .json(200, Self.visible(compute), headers: [
            ("Azure-AsyncOperation", urls.status), ("Retry-After", String(configuration.retryAfterSeconds)),
        ])
    }
}
