import Foundation

extension FakeAzure {
    /// Every stored lock with its scope (the id before `/providers/Microsoft.Authorization/locks/`).
    func allLocks() -> [(scope: String, body: [String: Any])] {
        resources.values.compactMap { body in
            guard let id = body["id"] as? String, let range = id.range(of: "/providers/Microsoft.Authorization/locks/", options: .caseInsensitive)
            else { return nil }
            return (String(id[..<range.lowerBound]), body)
        }
        .sorted { ($0.body["id"] as? String ?? "") < ($1.body["id"] as? String ?? "") }
    }

    /// 409 `ScopeLocked` when a lock at the target's scope or above forbids this write
    /// (ReadOnly: PUT/PATCH/POST/DELETE; CanNotDelete: DELETE). GETs pass.
    func lockRefusal(_ request: FakeRequest) -> FakeResponse? {
        guard request.method != "GET" else { return nil }
        let target = request.path.lowercased()
        for (scope, body) in allLocks() {
            let lowered = scope.lowercased()
            guard target == lowered || target.hasPrefix(lowered + "/") else { continue }
            let level = (body["properties"] as? [String: Any])?["level"] as? String ?? ""
            let forbids = request.method == "DELETE" ? (level == "ReadOnly" || level == "CanNotDelete") : level == "ReadOnly"
            guard forbids else { continue }
            let operation = request.method == "DELETE" ? "delete" : "write"
            return .error(
                409, "ScopeLocked",
                "The scope '\(request.path)' cannot perform \(operation) operation because following scope(s) are locked: '\(scope)'. Please remove the lock and try again.")
        }
        return nil
    }

    /// `/{scope}/providers/Microsoft.Authorization/locks[/{name}]`: PUT, GET, DELETE, list.
    func locks(_ request: FakeRequest, segments: [String]) -> FakeResponse {
        guard let index = segments.firstIndex(where: { $0.lowercased() == "microsoft.authorization" }), index >= 1,
            segments.count > index + 1, segments[index + 1].lowercased() == "locks"
        else { return .error(400, "InvalidResourceType", "The resource type could not be found in the namespace 'Microsoft.Authorization'.") }
        let scope = "/" + segments[..<(index - 1)].joined(separator: "/")
        if let missing = missingResourceGroup(segments) { return missing }
        let name = segments.count > index + 2 ? segments[index + 2] : nil
        let id = name.map { "\(scope)/providers/Microsoft.Authorization/locks/\($0)" }
        switch (request.method, id) {
        case ("GET", nil):
            let lowered = scope.lowercased()
            let visible = allLocks().filter {
                let s = $0.scope.lowercased()
                return lowered == s || lowered.hasPrefix(s + "/") || s.hasPrefix(lowered + "/")
            }
            return page(visible.map(\.body), request)
        case ("GET", let id?):
            guard let lock = get(id) else { return .error(404, "LockNotFound", "The lock '\(name!)' could not be found.") }
            return .json(200, lock)
        case ("PUT", let id?):
            // ARM refuses a lock on a resource that does not exist (a workspace's child here).
            if let missing = missingLockTarget(scope) { return missing }
            guard let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                let properties = body["properties"] as? [String: Any], let level = properties["level"] as? String,
                ["CanNotDelete", "ReadOnly", "NotSpecified"].contains(level)
            else { return .error(400, "InvalidLockLevel", "The lock level must be 'CanNotDelete' or 'ReadOnly'.") }
            if let notes = properties["notes"] as? String, notes.count > 512 {
                return .error(400, "LockNotesTooLong", "The lock notes exceed the maximum length of 512 characters.")
            }
            let existed = get(id) != nil
            var stored: [String: Any] = ["level": level]
            if let notes = properties["notes"] { stored["notes"] = notes }
            if let owners = properties["owners"] { stored["owners"] = owners }
            store(id, ["id": id, "name": name!, "type": "Microsoft.Authorization/locks", "properties": stored])
            return .json(existed ? 200 : 201, get(id)!)
        case ("DELETE", let id?):
            guard get(id) != nil else { return FakeResponse(status: 204) }
            remove(id)
            return FakeResponse(status: 200)
        default:
            return .error(405, "MethodNotAllowed", "\(request.method) is not supported on locks.")
        }
    }

    /// 404 `ResourceNotFound` when the scope is a resource under a known workspace that is not there.
    func missingLockTarget(_ scope: String) -> FakeResponse? {
        let lowered = scope.lowercased()
        for key in workspaces.keys where lowered.hasPrefix(key + "/") {
            let parts = lowered.dropFirst(key.count + 1).split(separator: "/")
            guard parts.count == 2 else { return nil }
            if get(scope) == nil {
                return .error(404, "ResourceNotFound", "The Resource '\(scope)' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
            }
        }
        return nil
    }

    /// 404 `ResourceGroupNotFound` when the path names a resource group no workspace lives in.
    func missingResourceGroup(_ segments: [String]) -> FakeResponse? {
        guard segments.count >= 4, segments[0].lowercased() == "subscriptions", segments[2].lowercased() == "resourcegroups" else {
            return nil
        }
        let sub = segments[1].lowercased(), rg = segments[3].lowercased()
        if workspaces.values.contains(where: { $0.subscription.lowercased() == sub && $0.resourceGroup.lowercased() == rg }) { return nil }
        return .error(404, "ResourceGroupNotFound", "Resource group '\(segments[3])' could not be found.")
    }
}
