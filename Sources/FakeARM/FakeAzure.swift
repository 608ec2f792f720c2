import Foundation

/// The emulated service: every resource, lock and operation, and the log of requests.
///
/// One actor so that requests are handled one at a time, like a consistent single region.
/// Order of checks on every ARM request (reference §12.16): fault -> auth -> api-version ->
/// lock -> handler.
public actor FakeAzure {
    let configuration: FakeARMConfiguration
    var generator: SeededGenerator
    var log: [RecordedRequest] = []
    var sequence = 0
    /// Resources by lowercased ARM id; values are the stored JSON bodies (server fields included).
    var resources: [String: [String: Any]] = [:]
    /// Insertion order of `resources`, for stable lists.
    var order: [String: Int] = [:]
    var nextOrder = 0
    var workspaces: [String: FakeWorkspace] = [:]
    var operations: [String: FakeOperation] = [:]
    /// Requests left to throttle on demand (`POST /_fake/throttle`).
    var throttleNext = 0
    var faultRate: Double
    var remainingReads = 11999
    var remainingWrites = 1199
    var tokenCounter = 0
    /// The current budget window: when it started and the requests counted in it.
    var windowStart = Date()
    var windowCount = 0
    /// GETs still to answer 404 per new resource (``FakeARMConfiguration/staleReads``).
    var staleRemaining: [String: Int] = [:]
    /// Blobs uploaded through `/_blob/…`: name -> size.
    var blobs: [String: Int] = [:]

    public init(configuration: FakeARMConfiguration) {
        self.configuration = configuration
        generator = SeededGenerator(seed: configuration.faultSeed)
        faultRate = configuration.faultRate
        for workspace in configuration.workspaces { workspaces[Self.workspaceKey(workspace)] = workspace }
        if let path = configuration.statePath { Self.load(path, into: &resources, order: &order, workspaces: &workspaces) }
        nextOrder = (order.values.max() ?? -1) + 1
    }

    static func workspaceKey(_ w: FakeWorkspace) -> String {
        "/subscriptions/\(w.subscription)/resourcegroups/\(w.resourceGroup)/providers/microsoft.machinelearningservices/workspaces/\(w.name)".lowercased()
    }

    /// Handles one request: decides a fault, then answers it.
    public func handle(_ request: FakeRequest) -> FakeResponse {
        settle()
        if request.path.hasPrefix("/_fake/") { return control(request) }
        sequence += 1
        let recordedPath = request.query.isEmpty ? request.path : "\(request.path)?\(request.query)"
        var entry = RecordedRequest(
            sequence: sequence, method: request.method, path: recordedPath, body: Self.recordedBody(request), status: 0, fault: nil,
            clientRequestID: request.headers["x-ms-client-request-id"])
        var response = FakeResponse(status: 0)
        var fault: String?
        if throttleNext > 0 {
            throttleNext -= 1
            fault = "throttle"
        } else if let wait = overBudget() {
            fault = "budget"
            let kind = request.method == "GET" ? "read" : "write"
            response = .error(
                429, "SubscriptionRequestsThrottled",
                "Number of '\(kind)' requests for subscription '\(Self.subscription(of: request.path) ?? "")' actor 'fake' exceeded. Please try again after '\(wait)' seconds.",
                headers: [("Retry-After", String(wait))])
        } else if faultRate > 0, Double.random(in: 0..<1, using: &generator) < faultRate {
            fault = ["throttle", "error", "reset-before", "reset-after", "slow"].randomElement(using: &generator)
        }
        switch fault {
        case "throttle":
            let kind = request.method == "GET" ? "read" : "write"
            response = .error(
                429, "SubscriptionRequestsThrottled",
                "Number of '\(kind)' requests for subscription '\(Self.subscription(of: request.path) ?? "")' actor 'fake' exceeded. Please try again after '\(configuration.retryAfterSeconds)' seconds.",
                headers: [("Retry-After", String(configuration.retryAfterSeconds))])
        case "error":
            response = .error(500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '\(Self.timestamp())'.")
        case "reset-before":
            response = FakeResponse(status: 0, delivery: .reset)
        case "budget":
            break
        default:
            response = answer(request)
            if fault == "reset-after" { response.delivery = .reset }
            if fault == "slow" { response.delivery = .slow(configuration.slowMilliseconds) }
        }
        entry.status = response.delivery == .reset ? 0 : response.status
        entry.fault = fault
        log.append(entry)
        response.headers += standardHeaders(request)
        return response
    }

    /// Seconds to wait when this request exceeds the request budget of the current window.
    private func overBudget() -> Int? {
        guard let budget = configuration.requestBudget else { return nil }
        let elapsed = Date().timeIntervalSince(windowStart)
        if elapsed >= configuration.budgetWindowSeconds {
            windowStart = Date()
            windowCount = 0
        }
        windowCount += 1
        guard windowCount > budget else { return nil }
        return max(1, Int((configuration.budgetWindowSeconds - Date().timeIntervalSince(windowStart)).rounded(.up)))
    }

    /// The headers ARM puts on every answer.
    private func standardHeaders(_ request: FakeRequest) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("x-ms-request-id", UUID().uuidString.lowercased()),
            ("x-ms-correlation-request-id", request.headers["x-ms-correlation-request-id"] ?? UUID().uuidString.lowercased()),
        ]
        if let client = request.headers["x-ms-client-request-id"] { headers.append(("x-ms-client-request-id", client)) }
        if request.method == "GET" {
            remainingReads = max(0, remainingReads - 1)
            headers.append(("x-ms-ratelimit-remaining-subscription-reads", String(remainingReads)))
        } else {
            remainingWrites = max(0, remainingWrites - 1)
            headers.append(("x-ms-ratelimit-remaining-subscription-writes", String(remainingWrites)))
        }
        return headers
    }

    /// Auth, api-version, locks, then the resource's handler.
    private func answer(_ request: FakeRequest) -> FakeResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        let lower = segments.map { $0.lowercased() }
        // Token endpoints of the identity platform and IMDS: no bearer, no ARM api-version.
        if lower.count == 4, lower[1] == "oauth2", lower[2] == "v2.0", lower[3] == "token", request.method == "POST" {
            return issueToken(request, form: true)
        }
        if lower == ["metadata", "identity", "oauth2", "token"] {
            guard request.headers["metadata"]?.lowercased() == "true" else {
                return .json(400, ["error": "invalid_request", "error_description": "Required metadata header not specified"])
            }
            return issueToken(request, form: false)
        }
        if let refused = authenticate(request) { return refused }
        if lower.first == "_blob" { return blob(request, segments: segments) }
        let isLock = lower.contains("microsoft.authorization")
        guard let version = request.parameters["api-version"] else {
            return .error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        }
        let accepted = isLock ? configuration.lockVersions : lower.contains("microsoft.machinelearningservices")
            ? configuration.machineLearningVersions : ["2021-04-01", "2022-09-01", "2024-03-01"]
        guard accepted.contains(version) else {
            let type = isLock ? "locks" : "workspaces"
            return .error(
                400, "NoRegisteredProviderFound",
                "No registered resource provider found for location 'westeurope' and API version '\(version)' for type '\(type)'. The supported api-versions are '\(accepted.sorted().joined(separator: ", "))'. The supported locations are 'westeurope, eastus, eastus2'.")
        }
        if isLock { return locks(request, segments: segments) }
        if let refused = lockRefusal(request) { return refused }
        if request.method == "GET", let left = staleRemaining[request.path.lowercased()], left > 0 {
            staleRemaining[request.path.lowercased()] = left - 1
            return .error(404, "ResourceNotFound", "The Resource '\(request.path)' was not found (a stale read).")
        }
        return route(request, segments: segments)
    }

    private func authenticate(_ request: FakeRequest) -> FakeResponse? {
        let challenge = ("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/fake-tenant\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"")
        guard let header = request.headers["authorization"], header.lowercased().hasPrefix("bearer ") else {
            return .error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", headers: [challenge])
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if token == configuration.expiredToken {
            return .error(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.", headers: [challenge])
        }
        if token.isEmpty || (!configuration.allowedTokens.isEmpty && !configuration.allowedTokens.contains(token)) {
            return .error(401, "InvalidAuthenticationToken", "The access token is invalid.", headers: [challenge])
        }
        return nil
    }

    /// A token of the identity platform (form POST) or of IMDS (GET): a fresh opaque value.
    private func issueToken(_ request: FakeRequest, form: Bool) -> FakeResponse {
        tokenCounter += 1
        let token = "fake-token-\(tokenCounter)"
        if form {
            let fields = Self.formFields(request.body)
            guard fields["grant_type"] == "client_credentials", fields["client_id"] != nil,
                fields["client_secret"] != nil || fields["client_assertion"] != nil
            else {
                return .json(400, ["error": "invalid_request", "error_description": "AADSTS900144: The request body must contain the parameters 'grant_type', 'client_id' and a credential."])
            }
            if let assertion = fields["client_assertion"], assertion.split(separator: ".").count != 3 {
                return .json(401, ["error": "invalid_client", "error_description": "AADSTS50027: JWT token is invalid or malformed."])
            }
            return .json(200, ["token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token])
        }
        let expiresOn = Int(Date().timeIntervalSince1970) + 3599
        return .json(200, [
            "access_token": token, "client_id": request.parameters["client_id"] ?? "fake-client", "expires_in": "3599",
            "expires_on": String(expiresOn), "ext_expires_in": "3599", "not_before": String(expiresOn - 3599),
            "resource": request.parameters["resource"] ?? "https://management.azure.com/", "token_type": "Bearer",
        ])
    }

    /// `PUT|GET /_blob/{account}/{container}/{name}`: a minimal blob service (block blobs),
    /// standing for `https://{account}.blob.core.windows.net`; sizes are kept, not bytes.
    private func blob(_ request: FakeRequest, segments: [String]) -> FakeResponse {
        guard segments.count >= 4 else { return .error(400, "InvalidUri", "expected /_blob/{account}/{container}/{blob}") }
        let key = segments[1...].joined(separator: "/")
        switch request.method {
        case "PUT":
            guard request.headers["x-ms-blob-type"] == "BlockBlob" else {
                return .error(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type.")
            }
            blobs[key] = request.body.count
            return FakeResponse(status: 201, headers: [("ETag", "\"0x\(String(request.body.count, radix: 16))\"")])
        case "GET", "HEAD":
            guard let size = blobs[key] else { return .error(404, "BlobNotFound", "The specified blob does not exist.") }
            return FakeResponse(status: 200, headers: [("x-ms-blob-size", String(size))])
        default:
            return .error(405, "UnsupportedHttpVerb", "The resource doesn't support the specified HTTP verb.")
        }
    }

    // MARK: Control endpoints

    /// `/_fake/...`: the request log, seeding and faults; never logged, never faulted.
    private func control(_ request: FakeRequest) -> FakeResponse {
        let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] ?? [:]
        switch (request.method, request.path) {
        case ("GET", "/_fake/requests"):
            return .json(200, ["value": log.map(\.json)])
        case ("DELETE", "/_fake/requests"):
            log.removeAll()
            return FakeResponse(status: 204)
        case ("POST", "/_fake/faults"):
            faultRate = body["rate"] as? Double ?? 0
            if let seed = body["seed"] as? Int { generator = SeededGenerator(seed: UInt64(seed)) }
            return .json(200, ["rate": faultRate])
        case ("POST", "/_fake/throttle"):
            throttleNext = body["count"] as? Int ?? 1
            return .json(200, ["count": throttleNext])
        case ("POST", "/_fake/workspaces"):
            guard let sub = body["subscription"] as? String, let rg = body["resourceGroup"] as? String,
                let name = body["name"] as? String
            else { return .error(400, "InvalidRequestContent", "subscription, resourceGroup and name are required") }
            let workspace = FakeWorkspace(subscription: sub, resourceGroup: rg, name: name, location: body["location"] as? String ?? "westeurope")
            workspaces[Self.workspaceKey(workspace)] = workspace
            persist()
            return .json(201, ["id": Self.workspaceKey(workspace)])
        case ("POST", "/_fake/locks"):
            guard let scope = body["scope"] as? String, let name = body["name"] as? String, let level = body["level"] as? String else {
                return .error(400, "InvalidRequestContent", "scope (an ARM id), name and level are required")
            }
            let id = "\(scope)/providers/Microsoft.Authorization/locks/\(name)"
            store(id, [
                "id": id, "name": name, "type": "Microsoft.Authorization/locks",
                "properties": ["level": level, "notes": body["notes"] as? String ?? ""] as [String: Any],
            ])
            return .json(201, resources[id.lowercased()]!)
        case ("GET", "/_fake/blobs"):
            return .json(200, ["value": blobs.keys.sorted().map { ["name": $0, "size": blobs[$0]!] }])
        case ("GET", "/_fake/state"):
            return .json(200, ["resources": Array(resources.keys).sorted()])
        default:
            return .error(404, "NotFound", "no fake control endpoint \(request.method) \(request.path)")
        }
    }

    // MARK: Storage

    func store(_ id: String, _ body: [String: Any]) {
        let key = id.lowercased()
        if order[key] == nil {
            order[key] = nextOrder
            nextOrder += 1
            if configuration.staleReads > 0 { staleRemaining[key] = configuration.staleReads }
        }
        resources[key] = body
        persist()
    }

    func remove(_ id: String) {
        resources[id.lowercased()] = nil
        order[id.lowercased()] = nil
        persist()
    }

    func get(_ id: String) -> [String: Any]? { resources[id.lowercased()] }

    /// Direct children of `collection` (an id), in insertion order.
    func children(of collection: String) -> [[String: Any]] {
        let prefix = collection.lowercased() + "/"
        return resources.keys
            .filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .sorted { order[$0, default: 0] < order[$1, default: 0] }
            .compactMap { resources[$0] }
    }

    /// One page of `items` with an absolute `nextLink` carrying `$skip` and the same api-version.
    func page(_ items: [[String: Any]], _ request: FakeRequest) -> FakeResponse {
        let skip = Int(request.parameters["$skip"] ?? "") ?? 0
        let size = max(1, configuration.pageSize)
        let slice = Array(items.dropFirst(skip).prefix(size))
        var object: [String: Any] = ["value": slice]
        if skip + size < items.count {
            var pairs = request.query.split(separator: "&").filter { !$0.hasPrefix("$skip=") && !$0.hasPrefix("%24skip=") }.map(String.init)
            pairs.append("$skip=\(skip + size)")
            object["nextLink"] = "\(request.base)\(request.path)?\(pairs.joined(separator: "&"))"
        }
        return .json(200, object)
    }

    private func persist() {
        guard let path = configuration.statePath else { return }
        let document: [String: Any] = [
            "resources": resources.map { ["key": $0.key, "order": order[$0.key] ?? 0, "body": $0.value] as [String: Any] },
            "workspaces": workspaces.values.map {
                ["subscription": $0.subscription, "resourceGroup": $0.resourceGroup, "name": $0.name, "location": $0.location]
            },
        ]
        if let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) {
            try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    private static func load(_ path: String, into resources: inout [String: [String: Any]], order: inout [String: Int], workspaces: inout [String: FakeWorkspace]) {
        guard let data = FileManager.default.contents(atPath: path),
            let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return }
        for item in document["resources"] as? [[String: Any]] ?? [] {
            guard let key = item["key"] as? String, let body = item["body"] as? [String: Any] else { continue }
            resources[key] = body
            order[key] = item["order"] as? Int ?? 0
        }
        for item in document["workspaces"] as? [[String: String]] ?? [] {
            guard let s = item["subscription"], let rg = item["resourceGroup"], let n = item["name"] else { continue }
            let workspace = FakeWorkspace(subscription: s, resourceGroup: rg, name: n, location: item["location"] ?? "westeurope")
            workspaces[workspaceKey(workspace)] = workspace
        }
    }

    // MARK: Helpers

    static func subscription(of path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count > 1, parts[0].lowercased() == "subscriptions" else { return nil }
        return String(parts[1])
    }

    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func formFields(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    /// The JSON body for the log; a token request's form is recorded without its secrets.
    static func recordedBody(_ request: FakeRequest) -> Any? {
        guard !request.body.isEmpty else { return nil }
        if let json = try? JSONSerialization.jsonObject(with: request.body) { return json }
        guard request.headers["content-type"]?.contains("x-www-form-urlencoded") == true else { return nil }
        var fields = formFields(request.body)
        for secret in ["client_secret", "client_assertion"] where fields[secret] != nil { fields[secret] = "<redacted>" }
        return fields
    }
}
