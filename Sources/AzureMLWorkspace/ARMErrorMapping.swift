import Foundation
import Workspaces

/// ARM's `{"error":{"code","message","details"}}` (and AML's superset) to ``WorkspaceError``:
/// by HTTP status first, then `error.code`, then the `innerError` chain (reference §8).
enum ARMErrorMapping {
    /// Codes that mean "not enough core quota".
    static let quotaCodes: Set<String> = [
        "ClusterMinNodesExceedCoreQuota", "JobNodeCountExceedsCoreQuota", "QuotaExceeded", "OutOfQuota",
        "ClusterCoreQuotaReached", "InsufficientQuota",
    ]

    static func error(_ response: ARMResponse, resource: String) -> WorkspaceError {
        let envelope = response.json["error"] as? [String: Any] ?? [:]
        var code = envelope["code"] as? String ?? "HTTP\(response.status)"
        var inner = envelope["innerError"] as? [String: Any]
        while let next = inner {
            if let innerCode = next["code"] as? String, quotaCodes.contains(innerCode) { code = innerCode }
            inner = next["innerError"] as? [String: Any]
        }
        var message = envelope["message"] as? String ?? String(decoding: response.body.prefix(300), as: UTF8.self)
        if let details = envelope["details"] as? [[String: Any]], let first = details.first?["message"] as? String, !first.isEmpty,
            code != "InvalidPropertyValue"
        {
            message += " (\(first))"
        }
        return error(status: response.status, code: code, message: message, resource: resource)
    }

    static func error(status: Int, code: String, message: String, resource: String) -> WorkspaceError {
        if code == "ScopeLocked" {
            return .locked(lock: lockedScope(message) ?? "a management lock", scope: resource, detail: "ScopeLocked: \(message)")
        }
        if quotaCodes.contains(code) || (code == "OperationNotAllowed" && message.lowercased().contains("quota"))
            || message.contains("cannot accomodate") || message.contains("cannot accommodate")
        {
            return .quotaExceeded(detail: "\(code): \(message)")
        }
        switch status {
        case 404: return .notFound(resource: resource)
        case 409: return .conflict(resource: resource, detail: "\(code): \(message)")
        case 401, 403: return .unauthorized(detail: "\(code): \(message)")
        case 429, 500...599: return .transient(detail: "\(code): \(message)")
        default: return .invalid(detail: "\(resource): \(code): \(message)")
        }
    }

    /// The locked scope named in a `ScopeLocked` message (`… are locked: '<scope>'. …`).
    static func lockedScope(_ message: String) -> String? {
        guard let range = message.range(of: "are locked: '") else { return nil }
        let rest = message[range.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }

    /// One line for retry diagnostics.
    static func summary(_ response: ARMResponse) -> String {
        let envelope = response.json["error"] as? [String: Any] ?? [:]
        return "HTTP \(response.status) \(envelope["code"] as? String ?? "") \(envelope["message"] as? String ?? "")"
    }
}
