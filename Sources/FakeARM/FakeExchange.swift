public import Foundation

/// A request as the fake sees it, independent of the HTTP server.
public struct FakeRequest: Sendable {
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// The raw query (without `?`), as sent.
    public var query: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data
    /// `http://host:port` as the client addressed it, for absolute links.
    public var base: String

    public init(method: String, path: String, query: String, headers: [String: String], body: Data, base: String) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.base = base
    }

    /// The decoded query parameters (the last value of a repeated name wins).
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}

/// What the fake answers, and how the connection treats it.
public struct FakeResponse: Sendable {
    /// How the transport delivers (or fails to deliver) the answer: injected faults.
    public enum Delivery: Sendable, Equatable {
        case normal
        /// Close the connection without an answer.
        case reset
        /// Answer after a delay (milliseconds).
        case slow(Int)
    }
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data?
    public var delivery: Delivery

    public init(status: Int, headers: [(String, String)] = [], body: Data? = nil, delivery: Delivery = .normal) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delivery = delivery
    }

    /// A JSON answer.
    static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> FakeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return FakeResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: data)
    }

    /// ARM's error envelope `{"error":{"code","message","details"}}`.
    static func error(_ status: Int, _ code: String, _ message: String, details: [[String: Any]] = [], headers: [(String, String)] = []) -> FakeResponse {
        json(status, ["error": ["code": code, "message": message, "details": details] as [String: Any]], headers: headers)
    }
}

/// One request the fake received, as listed by `GET /_fake/requests`.
struct RecordedRequest {
    var sequence: Int
    var method: String
    /// The path with its query, as sent.
    var path: String
    /// The JSON body (nil when empty or not JSON; form bodies are recorded without secrets).
    var body: Any?
    var status: Int
    /// The injected fault, if any: `throttle`, `error`, `reset-before`, `reset-after`, `slow`.
    var fault: String?
    /// The client's `x-ms-client-request-id`, if sent.
    var clientRequestID: String?

    var json: [String: Any] {
        var object: [String: Any] = ["seq": sequence, "method": method, "path": path, "status": status]
        object["body"] = body ?? NSNull()
        object["fault"] = fault ?? NSNull()
        object["clientRequestId"] = clientRequestID ?? NSNull()
        return object
    }
}

/// A small deterministic generator (SplitMix64) so a fault seed reproduces a run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
