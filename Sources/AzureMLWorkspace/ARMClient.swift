import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Workspaces

/// How hard the client tries: retries with backoff and jitter within a deadline, and polling.
public struct RetryPolicy: Sendable {
    /// The time one call (with its retries) may take.
    public var deadline: Duration
    /// The first backoff without `Retry-After`; doubled per attempt up to ``maximumBackoff``.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// The timeout of one HTTP exchange.
    public var requestTimeout: Duration
    /// The wait between polls when the service gives no `Retry-After`.
    public var pollInterval: Duration
    /// The time a long-running operation may take.
    public var operationDeadline: Duration

    public init(
        deadline: Duration = .seconds(120), initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(60), pollInterval: Duration = .seconds(5), operationDeadline: Duration = .seconds(1800)
    ) {
        self.deadline = deadline
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.requestTimeout = requestTimeout
        self.pollInterval = pollInterval
        self.operationDeadline = operationDeadline
    }
}

/// One ARM answer.
struct ARMResponse: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }

    /// `Retry-After` in seconds (ARM sends integers).
    var retryAfter: Duration? { headers["retry-after"].flatMap(Int.init).map { .seconds(max(0, $0)) } }
}

/// ARM over HTTP: bearer tokens, `x-ms-client-request-id` on every call, retries on 429, 5xx
/// and dropped connections (honouring `Retry-After`), nextLink paging and LRO polling.
final class ARMClient: Sendable {
    let endpoint: String
    let tokens: TokenSource
    let policy: RetryPolicy

    init(endpoint: String, tokens: TokenSource, policy: RetryPolicy) {
        self.endpoint = endpoint.trimmingTrailingSlash
        self.tokens = tokens
        self.policy = policy
    }

    /// `path?api-version=v` on the endpoint (absolute URLs, e.g. a nextLink, are kept).
    func url(_ path: String, version: String, query: String = "") -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        return "\(endpoint)\(path.pathEncoded)?api-version=\(version)" + (query.isEmpty ? "" : "&\(query)")
    }

    /// Sends one call, retrying what is worth retrying until the deadline. When `probe` is
    /// given, a retry after an ambiguous failure (dropped connection, 5xx) first GETs the
    /// probe URL: if the resource exists, the earlier attempt took effect and its state is
    /// returned instead of sending the write again (so a retried create never creates twice).
    func send(
        _ method: HTTPMethod, _ url: String, body: Data? = nil, probe: String? = nil, headers extra: [(String, String)] = []
    ) async throws(WorkspaceError) -> ARMResponse {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.deadline
        var attempt = 0
        var ambiguous = false
        var lastProblem = ""
        while true {
            attempt += 1
            if ambiguous, let probe {
                if let found = try? await exchange(.GET, probe, body: nil), found.status == 200 { return found }
            }
            var wait: Duration
            do {
                let response = try await exchange(method, url, body: body, headers: extra)
                let retryable = response.status == 429 || [500, 502, 503, 504].contains(response.status)
                if response.status == 401, attempt == 1 {
                    await tokens.invalidate()
                    continue
                }
                guard retryable else { return response }
                ambiguous = response.status != 429
                lastProblem = ARMErrorMapping.summary(response)
                wait = response.retryAfter ?? backoff(attempt)
            } catch let error as WorkspaceError {
                throw error
            } catch {
                ambiguous = true
                lastProblem = "\(method.rawValue) \(Self.redacted(url)): \(error)"
                wait = backoff(attempt)
            }
            guard clock.now + wait < deadline else {
                throw .transient(detail: "gave up after \(attempt) attempt(s) within \(policy.deadline): \(lastProblem)")
            }
            try? await Task.sleep(for: wait)
        }
    }

    /// Sends and maps any non-2xx answer (except those in `accepting`) to a ``WorkspaceError``.
    func checked(_ method: HTTPMethod, _ url: String, body: Data? = nil, probe: String? = nil, accepting: Set<Int> = []) async throws(WorkspaceError) -> ARMResponse {
        let response = try await send(method, url, body: body, probe: probe)
        if (200..<300).contains(response.status) || accepting.contains(response.status) { return response }
        throw ARMErrorMapping.error(response, resource: Self.resourceName(url))
    }

    /// Every item of a list, following `nextLink` verbatim.
    func list(_ url: String) async throws(WorkspaceError) -> [[String: Any]] {
        var items: [[String: Any]] = []
        var next: String? = url
        var pages = 0
        while let current = next, pages < 1000 {
            pages += 1
            let response = try await checked(.GET, current)
            let object = response.json
            items += object["value"] as? [[String: Any]] ?? []
            next = (object["nextLink"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        }
        return items
    }

    /// Waits for a long-running operation started by `response`: polls `Azure-AsyncOperation`
    /// (preferred) or `Location` with `Retry-After`, until a terminal status. A failed or
    /// canceled operation throws with the service's error; a failing status URL is retried.
    func waitForOperation(_ response: ARMResponse) async throws(WorkspaceError) {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.operationDeadline
        var wait = response.retryAfter ?? policy.pollInterval
        if let status = response.headers["azure-asyncoperation"] {
            while clock.now < deadline {
                try? await Task.sleep(for: wait)
                let poll = try await send(.GET, status)
                wait = poll.retryAfter ?? policy.pollInterval
                guard poll.status == 200 else { continue }
                let object = poll.json
                switch object["status"] as? String ?? "" {
                case "Succeeded": return
                case "Failed", "Canceled":
                    let error = object["error"] as? [String: Any] ?? [:]
                    throw ARMErrorMapping.error(
                        status: 400, code: error["code"] as? String ?? (object["status"] as? String ?? "Failed"),
                        message: error["message"] as? String ?? "the operation \(object["status"] ?? "failed")", resource: "operation")
                default: continue
                }
            }
            throw .transient(detail: "the operation did not finish within \(policy.operationDeadline)")
        }
        if let location = response.headers["location"] {
            while clock.now < deadline {
                try? await Task.sleep(for: wait)
                let poll = try await send(.GET, location)
                wait = poll.retryAfter ?? policy.pollInterval
                if poll.status == 202 { continue }
                if (200..<300).contains(poll.status) { return }
                throw ARMErrorMapping.error(poll, resource: "operation")
            }
            throw .transient(detail: "the operation did not finish within \(policy.operationDeadline)")
        }
    }

    /// Polls a resource's GET until `provisioningState` is terminal (or the resource is gone when
    /// `untilGone`), for when the operation URL was lost with a dropped connection.
    func waitForState(_ url: String, untilGone: Bool = false) async throws(WorkspaceError) -> [String: Any]? {
        let clock = ContinuousClock()
        let deadline = clock.now + policy.operationDeadline
        // ARM reads can lag a write: a resource just made may read as missing for a moment.
        var missing = 0
        while clock.now < deadline {
            let response = try await checked(.GET, url, accepting: [404])
            if response.status == 404 {
                missing += 1
                if untilGone || missing > Self.staleReadTolerance { return nil }
                try? await Task.sleep(for: policy.pollInterval)
                continue
            }
            missing = 0
            let state = (response.json["properties"] as? [String: Any])?["provisioningState"] as? String ?? "Succeeded"
            if !untilGone, ["Succeeded", "Failed", "Canceled"].contains(state) { return response.json }
            try? await Task.sleep(for: response.retryAfter ?? policy.pollInterval)
        }
        throw .transient(detail: "\(Self.resourceName(url)) did not settle within \(policy.operationDeadline)")
    }

    /// Consecutive 404s taken for a stale read (not yet a missing resource) after a write.
    static let staleReadTolerance = 5

    /// One HTTP exchange with a fresh `x-ms-client-request-id` and the bearer token.
    private func exchange(_ method: HTTPMethod, _ url: String, body: Data?, headers extra: [(String, String)] = []) async throws -> ARMResponse {
        let token = try await tokens.token()
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "x-ms-client-request-id", value: UUID().uuidString.lowercased())
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            if !extra.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(data: body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(policy.requestTimeout.components.seconds) * 1_000_000_000)
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return ARMResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: bytes))
    }

    /// Jittered exponential backoff for attempt `n` (1-based).
    private func backoff(_ attempt: Int) -> Duration {
        let base = policy.initialBackoff * (1 << min(attempt - 1, 10))
        let capped = min(base, policy.maximumBackoff)
        return capped * Double.random(in: 0.5...1.0)
    }

    /// The URL without its query (api-versions and tokens of polling URLs say nothing to people).
    static func redacted(_ url: String) -> String { String(url.split(separator: "?").first ?? "") }

    /// `compute/cpu-cluster`-style name of the resource a URL addresses.
    static func resourceName(_ url: String) -> String {
        let parts = redacted(url).split(separator: "/").map(String.init)
        guard let index = parts.lastIndex(where: { $0.lowercased() == "workspaces" }), parts.count > index + 2 else {
            return parts.suffix(2).joined(separator: "/")
        }
        return parts[(index + 2)...].joined(separator: "/")
    }
}

extension String {
    /// Percent-encodes what a path segment may not hold (names are mostly safe already).
    var pathEncoded: String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
