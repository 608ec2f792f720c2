import Foundation

extension FakeAzure {
    /// Fields of an environment version that are fixed at creation (§4.2).
    static let immutableEnvironmentFields = ["image", "condaFile", "build", "osType", "autoRebuild", "inferenceConfig", "isAnonymous"]

    /// `{ws}/environments[/{name}[/versions[/{version}]]]` (§4): synchronous, versions immutable.
    func environments(_ request: FakeRequest, workspaceID: String, rest: [String]) -> FakeResponse {
        let collection = "\(workspaceID)/environments"
        let view = request.parameters["listViewType"] ?? "ActiveOnly"
        func listed(_ items: [[String: Any]]) -> [[String: Any]] {
            items.filter {
                let archived = ($0["properties"] as? [String: Any])?["isArchived"] as? Bool ?? false
                return view == "All" || (view == "ArchivedOnly" ? archived : !archived)
            }.map(Self.visible)
        }
        switch (request.method, rest.count) {
        case ("GET", 1):
            return page(listed(children(of: collection)), request)
        case ("GET", 2):
            return get("\(collection)/\(rest[1])").map { .json(200, Self.visible($0)) } ?? Self.notFound("Environment", rest[1])
        case ("GET", 3):
            return page(listed(children(of: "\(collection)/\(rest[1])/versions")), request)
        case ("GET", 4):
            return get("\(collection)/\(rest[1])/versions/\(rest[3])").map { .json(200, Self.visible($0)) }
                ?? Self.notFound("Environment version", "\(rest[1]):\(rest[3])")
        case ("PUT", 4):
            return putEnvironmentVersion(request, collection: collection, name: rest[1], version: rest[3])
        case ("DELETE", 4):
            let id = "\(collection)/\(rest[1])/versions/\(rest[3])"
            guard get(id) != nil else { return FakeResponse(status: 204) }
            remove(id)
            refreshContainer(collection: collection, name: rest[1])
            return FakeResponse(status: 200)
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) on environments is not emulated at this depth")
        }
    }

    static func notFound(_ what: String, _ name: String) -> FakeResponse {
        .error(404, "UserError", "\(what) \(name) was not found.", details: [["code": "NotFound", "message": "\(what) not found"]])
    }

    private func putEnvironmentVersion(_ request: FakeRequest, collection: String, name: String, version: String) -> FakeResponse {
        guard Self.validAssetName(name) else {
            return .error(400, "UserError", "The name '\(name)' is invalid: letters, digits, '-' and '_', starting with a letter or digit, up to 255 characters.")
        }
        guard let body = Self.body(request), let properties = body["properties"] as? [String: Any] else {
            return .error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        let hasImage = properties["image"] is String, hasBuild = properties["build"] is [String: Any]
        guard hasImage != hasBuild else {
            return .error(400, "UserError", "Exactly one of 'image' and 'build' must be given.")
        }
        if hasBuild, ((properties["build"] as? [String: Any])?["contextUri"] as? String ?? "").isEmpty {
            return .error(400, "UserError", "build.contextUri is required.")
        }
        let id = "\(collection)/\(name)/versions/\(version)"
        let now = Self.timestamp()
        if var existing = get(id) {
            var stored = existing["properties"] as? [String: Any] ?? [:]
            for field in Self.immutableEnvironmentFields where !Self.same(stored[field], properties[field], field: field) {
                return .error(409, "UserError", "Environment \(name) with version \(version) is already registered and cannot be changed.")
            }
            for field in ["description", "tags", "properties", "isArchived", "stage"] where properties[field] != nil {
                stored[field] = properties[field]
            }
            existing["properties"] = stored
            existing["systemData"] = Self.systemData(
                created: (existing["systemData"] as? [String: Any])?["createdAt"] as? String ?? now, modified: now)
            store(id, existing)
            refreshContainer(collection: collection, name: name)
            return .json(200, Self.visible(existing))
        }
        var stored = properties
        stored["osType"] = properties["osType"] ?? "Linux"
        stored["autoRebuild"] = properties["autoRebuild"] ?? "Disabled"
        stored["isAnonymous"] = properties["isAnonymous"] ?? false
        stored["isArchived"] = properties["isArchived"] ?? false
        stored["environmentType"] = "UserCreated"
        stored["provisioningState"] = "Succeeded"
        stored["tags"] = properties["tags"] ?? [String: Any]()
        let resource: [String: Any] = [
            "id": id, "name": version, "type": "Microsoft.MachineLearningServices/workspaces/environments/versions",
            "properties": stored, "systemData": Self.systemData(created: now, modified: now),
        ]
        store(id, resource)
        refreshContainer(collection: collection, name: name)
        return .json(201, resource)
    }

    /// Equality of an immutable field; `osType` and the others default as the service does.
    static func same(_ a: Any?, _ b: Any?, field: String) -> Bool {
        let defaults: [String: Any] = ["osType": "Linux", "autoRebuild": "Disabled", "isAnonymous": false]
        let left = a ?? defaults[field], right = b ?? defaults[field]
        switch (left, right) {
        case (nil, nil): return true
        case (let l?, let r?):
            return NSDictionary(dictionary: ["v": l]).isEqual(to: ["v": r])
        default: return false
        }
    }

    /// The container is created with the first version; `latestVersion`/`nextVersion` follow.
    private func refreshContainer(collection: String, name: String) {
        let id = "\(collection)/\(name)"
        let versions = children(of: "\(id)/versions").compactMap { $0["name"] as? String }
        let numeric = versions.compactMap { Int($0) }
        let now = Self.timestamp()
        var container = get(id) ?? [
            "id": id, "name": name, "type": "Microsoft.MachineLearningServices/workspaces/environments",
            "systemData": Self.systemData(created: now, modified: now),
        ]
        container["properties"] = [
            "latestVersion": versions.last.map { $0 as Any } ?? NSNull(),
            "nextVersion": String((numeric.max() ?? 0) + 1), "isArchived": false, "provisioningState": "Succeeded",
            "tags": [String: Any](), "properties": [String: Any](),
        ] as [String: Any]
        store(id, container)
    }

    /// `{ws}/components|codes|data|models/{name}/versions/{version}`: stored as sent (the SDK's
    /// anonymous components and code assets), 201 then 200.
    func assets(_ request: FakeRequest, workspaceID: String, rest: [String]) -> FakeResponse {
        guard rest.count == 4, rest[2].lowercased() == "versions" else {
            if request.method == "GET" { return page(children(of: "\(workspaceID)/\(rest.joined(separator: "/"))").map(Self.visible), request) }
            return .error(405, "MethodNotAllowed", "\(request.method) on \(rest.joined(separator: "/"))")
        }
        let id = "\(workspaceID)/\(rest.joined(separator: "/"))"
        switch request.method {
        case "GET": return get(id).map { .json(200, Self.visible($0)) } ?? Self.notFound(rest[0], "\(rest[1]):\(rest[3])")
        case "PUT":
            guard let body = Self.body(request), var properties = body["properties"] as? [String: Any] else {
                return .error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
            }
            let existed = get(id) != nil
            properties["provisioningState"] = "Succeeded"
            let now = Self.timestamp()
            store(id, ["id": id, "name": rest[3], "type": "Microsoft.MachineLearningServices/workspaces/\(rest[0])/versions",
                       "properties": properties, "systemData": Self.systemData(created: now, modified: now)])
            return .json(existed ? 200 : 201, get(id)!)
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) on \(rest[0])")
        }
    }
}
